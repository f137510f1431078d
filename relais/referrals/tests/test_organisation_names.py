"""Organisation names on referral pages: the reader's own-language name first
(`Organization.display_name`), marked with its language."""

import pytest
from django.urls import reverse
from django.utils import translation

from relais.directory.models import Organization
from relais.directory.tests.factories import OrganizationFactory
from relais.referrals import selectors

pytestmark = pytest.mark.django_db

RO_NAME = '<span lang="ro">Centrul Fictiv</span>'
EN_NAME = '<span lang="en">Fictitious Centre</span>'


@pytest.fixture
def romanian_names(org_b):
    Organization.objects.filter(pk=org_b.pk).update(
        name="Fictitious Centre", alternate_name="Centrul Fictiv"
    )


def page(client, language, name, *args, query=""):
    path = reverse(f"referrals:{name}", args=args)
    response = client.get(f"/{language}{path[3:]}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_lists_and_case_pages_show_the_own_language_name_to_a_french_reader(
    romanian_names, clients, referral_full
):
    client = clients["member_a"]
    for html in (
        page(client, "fr", "list"),
        page(client, "fr", "detail", referral_full.pk),
    ):
        assert RO_NAME in html
        assert "Fictitious Centre" not in html
    # The timeline and the messages name the receiving side the same way.
    detail = page(client, "ro", "detail", referral_full.pk)
    assert detail.count(RO_NAME) >= 3
    # A member of the receiving organisation reads the case: the readers'
    # list names their organisation.
    page(clients["member_b"], "fr", "detail", referral_full.pk)
    readers = page(client, "fr", "readers", referral_full.pk)
    readers = readers[readers.index("<tbody>") :]
    assert RO_NAME in readers


def test_an_english_reader_sees_the_english_name(
    romanian_names, clients, referral_full
):
    html = page(clients["member_a"], "en", "detail", referral_full.pk)
    assert EN_NAME in html
    assert "Centrul Fictiv" not in html


def test_choosing_and_drafting_show_the_own_language_name(
    romanian_names, clients, org_b
):
    client = clients["member_a"]
    suggestions = page(client, "fr", "create", query="?country=RO")
    assert RO_NAME + "</a>" in suggestions
    form = page(client, "ro", "create", query=f"?to={org_b.pk}")
    heading = form[form.index("<h1>") : form.index("</h1>")]
    assert RO_NAME in heading
    # The page title is text: the name without markup.
    title = form[form.index("<title>") : form.index("</title>")]
    assert "Centrul Fictiv" in title and "<span" not in title


def test_the_sending_organisation_picker_marks_the_name_language(
    romanian_names, clients, org_a, org_b
):
    html = page(clients["member_b"], "fr", "create", query=f"?to={org_a.pk}")
    picker = html[html.index('name="sending_organization"') :]
    picker = picker[: picker.index("</select>")]
    assert f'value="{org_b.pk}" lang="ro"' in picker
    assert ">Centrul Fictiv</option>" in picker


def test_draft_consent_and_handover_pages_name_the_recipient_in_its_language(
    romanian_names, clients, people, org_a, org_b, org_c
):
    from .conftest import consent, draft, move

    referral = draft(people, org_a, org_b)
    client = clients["member_a"]
    assert RO_NAME in page(client, "fr", "edit", referral.pk)
    assert RO_NAME in page(client, "fr", "consent", referral.pk)

    Organization.objects.filter(pk=org_c.pk).update(
        name="Fictitious Shelter", alternate_name="Refugio Ficticio"
    )
    to_c = draft(people, org_a, org_c)
    consent(to_c, people)
    move(to_c, "send", people["member_a"])
    spanish = '<span lang="es">Refugio Ficticio</span>'
    assert spanish in page(client, "fr", "detail", to_c.pk)
    assert spanish in page(client, "fr", "handover", to_c.pk)


def test_suggestions_are_cut_after_sorting_by_the_name_the_reader_sees(people, org_b):
    """With more organisations than fit, a Romanian reader gets the first
    ones by their Romanian names, not by their English ones."""
    Organization.objects.filter(pk=org_b.pk).update(
        name="Zeta Fictitious Centre", alternate_name="Asociația Fictivă Alfa"
    )
    for letter in "BCD":
        OrganizationFactory(
            country="RO",
            name=f"A{letter} Fictitious Office",
            alternate_name=f"Oficiul Fictiv {letter}",
        )
    user = people["member_a"]
    with translation.override("ro"):
        first = selectors.recipients_suggested(user, country="RO", limit=1)
    with translation.override("en"):
        first_in_english = selectors.recipients_suggested(user, country="RO", limit=1)
    assert [o.pk for o in first] == [org_b.pk]
    assert first_in_english[0].name == "AB Fictitious Office"
