"""Organisation names on the rights sheet and good practices: the reader's
own-language name first (`Organization.display_name`), marked with its
language; on the sheet the reader's language is the sheet's."""

import pytest

from relais.directory.tests.factories import (
    OrganizationFactory,
    ServiceFactory,
    tag,
)
from relais.knowledge.tests.factories import CountryProfileFactory, GoodPracticeFactory

pytestmark = pytest.mark.django_db

RO_NAME = '<span lang="ro">Centrul Fictiv</span>'
EN_NAME = '<span lang="en">Fictitious Centre</span>'
NAVIGATOR = (
    "/{lang}/knowledge/navigator/?identified_in=RO&nationality=NG&age=adult"
    "&gender=man&exploitation=sexual&wish=stay&cooperating=yes"
    "&proceedings=no&sheet_language={sheet}"
)


@pytest.fixture
def centre(vocabularies):
    org = OrganizationFactory(
        slug="fictitious-centre",
        name="Fictitious Centre",
        alternate_name="Centrul Fictiv",
        country="RO",
        is_fictitious=False,
    )
    tag(org, "organization_type", "ngo")
    tag(org, "exploitation_form", "sexual")
    tag(org, "target_group", "men")
    tag(ServiceFactory(organization=org, name_en="shelter"), "service", "shelter")
    return org


def sheet_of(anonymous, lang, sheet):
    html = anonymous.get(NAVIGATOR.format(lang=lang, sheet=sheet)).content.decode()
    return html[html.index('<section class="sheet"') :]


def test_sheet_names_contacts_in_the_sheet_language_not_the_interface(
    centre, anonymous
):
    CountryProfileFactory(code="RO")
    romanian = sheet_of(anonymous, "en", "ro")
    assert RO_NAME + "</a>" in romanian
    assert "Fictitious Centre" not in romanian
    english = sheet_of(anonymous, "ro", "en")
    assert EN_NAME + "</a>" in english
    assert "Centrul Fictiv" not in english
    # No French name: the organisation's own comes first.
    assert RO_NAME + "</a>" in sheet_of(anonymous, "en", "fr")


def test_practice_names_its_contact_organisation_in_its_own_language(centre, anonymous):
    practice = GoodPracticeFactory(contact_organization=centre)
    html = anonymous.get(f"/fr/knowledge/practices/{practice.slug}/").content.decode()
    assert RO_NAME + "</a>" in html
    assert "Fictitious Centre" not in html
