"""Every user-facing string and vocabulary label exists in the seven languages."""

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from relais.directory.services import VOCABULARIES_FILE

LOCALE_DIR = Path(settings.BASE_DIR) / "relais" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogue(code):
    path = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_catalogue_has_no_empty_or_fuzzy_message(code):
    problems = []
    for message in catalogue(code):
        if not message.id:
            continue
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        if any(not s for s in strings):
            problems.append(f"empty: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, f"{code}: {len(problems)} problems, e.g. {problems[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_covers_the_same_messages_as_every_other(code):
    reference = {
        m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("fr") if m.id
    }
    own = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(code) if m.id}
    assert reference == own


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders(code):
    import re

    pattern = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}|\{\w+\}")
    for message in catalogue(code):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        wanted = set(pattern.findall(ids[-1]))
        for string in strings:
            assert set(pattern.findall(string)) <= wanted | set(
                pattern.findall(ids[0])
            ), (code, message.id)


def test_every_vocabulary_label_is_given_in_the_seven_languages():
    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))
    wanted = {code for code, _name in settings.LANGUAGES}
    for taxonomy in data["taxonomies"]:
        assert set(taxonomy["name"]) == wanted, taxonomy["slug"]
        assert all(taxonomy["name"].values())
        for term in taxonomy["terms"]:
            assert set(term["name"]) == wanted, term["code"]
            assert all(value.strip() for value in term["name"].values()), term["code"]


def test_french_catalogue_uses_unbreakable_spaces_before_high_punctuation():
    """« Confirmer : … » must never break before the colon or inside guillemets."""
    import re

    breakable = re.compile(r" [:;!?»]|« ")
    offenders = []
    for message in catalogue("fr"):
        if not message.id:
            continue
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        offenders += [s for s in strings if breakable.search(s)]
    assert not offenders, offenders[:5]


def test_french_vocabulary_labels_follow_the_same_spacing():
    import re

    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))
    breakable = re.compile(r" [:;!?»]|« ")
    labels = [
        term["name"]["fr"]
        for taxonomy in data["taxonomies"]
        for term in taxonomy["terms"]
    ]
    assert not [label for label in labels if breakable.search(label)]
