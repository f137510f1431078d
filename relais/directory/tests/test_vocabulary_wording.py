"""A concept named both by the directory's vocabulary and by the interface
(a form of exploitation, a referral phase or purpose, return) has one name per
language: the facet a reader clicks and the navigator or referral question
that names it use the same words."""

import json

import pytest
from django.conf import settings
from django.utils import translation

from relais.directory.services import VOCABULARIES_FILE

# English names the interface uses for a different thing than the vocabulary
# term of the same name: "Shelter" and "Health care" are rights topics and
# referral purposes there (wider than the service), "Training" an event kind.
OTHER_MEANING = {"Shelter", "Health care", "Training"}


def _terms() -> list[dict[str, str]]:
    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))
    return [term["name"] for tax in data["taxonomies"] for term in tax["terms"]]


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES[1:]])
def test_a_term_the_interface_also_names_has_the_same_name(lang):
    different = {}
    shared = 0
    for names in _terms():
        english = names["en"]
        with translation.override(lang):
            interface = translation.gettext(english)
        if interface == english or english in OTHER_MEANING:
            continue
        shared += 1
        if interface != names[lang]:
            different[english] = (names[lang], interface)
    assert shared > 5
    assert different == {}
