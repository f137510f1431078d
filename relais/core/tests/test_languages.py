import pytest
from django.urls import reverse
from django.utils import translation

from relais.conftest import LANGUAGE_CODES
from relais.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_language_switcher_links_to_the_same_page_in_each_language(
    anonymous, vocabularies
):
    org = OrganizationFactory()
    response = anonymous.get(f"/en/directory/{org.slug}/")
    body = response.content.decode()
    for lang in LANGUAGE_CODES:
        assert f'href="/{lang}/directory/{org.slug}/"' in body


def test_language_switcher_keeps_the_filters(anonymous, vocabularies):
    body = anonymous.get("/en/directory/", {"country": "BE"}).content.decode()
    assert 'href="/ro/directory/?country=BE"' in body


def test_root_redirects_to_a_language(anonymous, vocabularies):
    response = anonymous.get("/", headers={"accept-language": "ro"})
    assert response.status_code == 302
    assert response["Location"] == "/ro/"


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_home_page_is_in_the_readers_language(anonymous, vocabularies, lang):
    with translation.override(lang):
        expected = translation.gettext("Directory")
        url = reverse("home")
    body = anonymous.get(url).content.decode()
    assert f'<html lang="{lang}">' in body
    assert expected in body
