"""French punctuation spacing (relais.core.typography)."""

import json
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from relais.core.typography import NBSP, NNBSP, colon, fix_catalogue, french_spacing


def test_spaces_before_high_punctuation_become_unbreakable():
    assert french_spacing("Confirmer : oui") == f"Confirmer{NBSP}: oui"
    assert french_spacing("Vraiment ? Oui !") == f"Vraiment{NNBSP}? Oui{NNBSP}!"
    assert french_spacing("créée ; l’ancienne") == f"créée{NNBSP}; l’ancienne"
    assert french_spacing("« brouillon »") == f"«{NBSP}brouillon{NBSP}»"


def test_colons_in_times_urls_and_code_are_left_alone():
    for text in ("12:00", "https://relais.example/", "Authorization: Bearer …"):
        assert french_spacing(text) == text


def test_a_wrapped_catalogue_entry_is_fixed_across_its_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Draft: keep"\nmsgstr ""\n"Brouillon "\n": à garder"\n',
        encoding="utf-8",
    )
    assert fix_catalogue(po) == 1
    text = po.read_text(encoding="utf-8")
    assert f'msgstr "Brouillon{NBSP}: à garder"' in text
    assert "charset=UTF-8" in text


def test_a_json_file_of_french_texts_is_fixed_in_every_string(tmp_path):
    from relais.core.typography import main

    path = tmp_path / "citations.json"
    path.write_text(
        '{"be": {"instrument": "Loi sur les étrangers : titre", "article": "61/2"},'
        ' "list": ["« Annexe 15 »"], "count": 3}',
        encoding="utf-8",
    )
    assert main([str(path)]) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["be"]["instrument"] == "Loi sur les étrangers\u00a0: titre"
    assert data["be"]["article"] == "61/2"
    assert data["list"] == ["«\u00a0Annexe 15\u00a0»"]
    assert data["count"] == 3


def test_a_colon_after_a_label_is_spaced_in_french_only():
    assert colon("fr") == f"{NBSP}:"
    for language in ("en", "nl", "ro", "bg", "es", "sv"):
        assert colon(language) == ":"


def test_the_colon_tag_follows_the_readers_language():
    template = Template("{% load relais %}Adresse{% colon %} rue")
    with translation.override("fr"):
        assert template.render(Context()) == f"Adresse{NBSP}: rue"
    with translation.override("en"):
        assert template.render(Context()) == "Adresse: rue"


def test_the_semicolon_tag_follows_the_readers_language():
    template = Template("{% load relais %}Abri{% semicolon %} Conseil")
    with translation.override("fr"):
        assert template.render(Context()) == f"Abri{NNBSP}; Conseil"
    with translation.override("ro"):
        assert template.render(Context()) == "Abri; Conseil"


# A colon typed right after a tag, a variable or a closing element, outside any
# message: French would show it glued to the word. Messages are left out (the
# catalogue's spacing handles theirs), as are comments and scripts.
HAND_COLON = re.compile(r"(\}\}|%\}|</a>|</strong>|</span>|\)):(?=[ <]|$)", re.M)
TEMPLATES = Path(__file__).resolve().parents[2]


def _hand_colons(source: str) -> list[str]:
    for pattern in (
        r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}",
        r"\{% comment %\}.*?\{% endcomment %\}",
        r"\{#.*?#\}",
        r"<(script|style)\b.*?</\1>",
    ):
        source = re.sub(pattern, "", source, flags=re.S)
    return [
        source[max(0, m.start() - 60) : m.end()] for m in HAND_COLON.finditer(source)
    ]


def test_the_hand_colon_check_sees_a_colon_after_a_label():
    assert _hand_colons('{% translate "Address" %}: {{ a }}')
    assert not _hand_colons('{% translate "Address" %}{% colon %} {{ a }}')
    assert not _hand_colons(
        "{% blocktranslate %}Status: {{ s }}{% endblocktranslate %}"
    )


def test_templates_write_colons_between_pieces_with_the_colon_tag():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in TEMPLATES.glob("*/templates/**/*.html")
        if (hits := _hand_colons(path.read_text(encoding="utf-8")))
    }
    assert not found, found
