import pytest
from django.urls import reverse
from django.utils import translation

from relais.conftest import LANGUAGE_CODES

from .factories import OrganizationFactory, tag

pytestmark = pytest.mark.django_db


def country_url(code, lang="en"):
    with translation.override(lang):
        return reverse("directory:country", kwargs={"code": code})


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_country_page_lists_its_listings_with_localised_country_name(
    anonymous, vocabularies, lang
):
    org = OrganizationFactory(name="Fictitious Bucharest NGO", country="RO")
    tag(org, "organization_type", "ngo")
    OrganizationFactory(name="Fictitious Madrid NGO", country="ES")
    body = anonymous.get(country_url("RO", lang)).content.decode()
    assert "Fictitious Bucharest NGO" in body
    assert "Fictitious Madrid NGO" not in body
    expected_name = {
        "en": "Romania",
        "fr": "Roumanie",
        "nl": "Roemenië",
        "ro": "România",
        "bg": "Румъния",
        "es": "Rumanía",
        "sv": "Rumänien",
    }[lang]
    assert expected_name in body


def test_lower_case_country_code_works(anonymous, vocabularies):
    assert anonymous.get(country_url("be")).status_code == 200


@pytest.mark.parametrize("code", ["XX", "ZZZ", "1", "%00"])
def test_unknown_country_is_404(anonymous, vocabularies, code):
    assert anonymous.get(country_url("XX").replace("XX", code)).status_code == 404


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_home_lists_countries_with_listings(anonymous, vocabularies, lang):
    OrganizationFactory(country="SE")
    with translation.override(lang):
        response = anonymous.get(reverse("home"))
    assert response.status_code == 200
    assert country_url("SE", lang) in response.content.decode()
