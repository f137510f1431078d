"""Any professional suggests a correction; the listing's administrators and its
country's coordinators answer it; members see who can change their listing."""

import re
from html import unescape

import pytest
from django.urls import reverse

from relais.accounts.models import User
from relais.audit.models import AuditEntry
from relais.core.typography import NBSP
from relais.verification.audit_actions import VerificationAction
from relais.verification.models import CorrectionSuggestion
from relais.verification.services import suggestions

pytestmark = pytest.mark.django_db

CORRECTION = "Fictitious: the hotline is now +32 3 000 00 00, every day."
SUGGEST = "Suggest a correction"
SIGN_IN_TO_SUGGEST = "Professionals: sign in to suggest a correction"
WHO_CAN_CHANGE = "Who can change this listing"


def suggest_url(organization):
    return reverse("verification:suggestion_new", args=[organization.slug])


def suggest(client, organization, **data):
    form = {"section": "contact", "correction": CORRECTION, "source_url": ""}
    form.update(data)
    return client.post(suggest_url(organization), form)


def listing_page(client, organization):
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def suggestion(clients, org_a):
    """A suggestion by a professional of another organisation (B, Romania)."""
    assert suggest(clients["member_b"], org_a, section="address").status_code == 302
    return CorrectionSuggestion.objects.get()


# Who can suggest ------------------------------------------------------------------


def test_anonymous_visitor_is_invited_to_sign_in_not_given_the_form(anonymous, org_a):
    page = listing_page(anonymous, org_a)
    assert SIGN_IN_TO_SUGGEST in page
    assert f'href="{suggest_url(org_a)}"' not in page
    response = anonymous.get(suggest_url(org_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    suggest(anonymous, org_a)
    assert not CorrectionSuggestion.objects.exists()


def test_password_only_session_cannot_suggest(password_only_client, org_a):
    response = suggest(password_only_client, org_a)
    assert response.status_code == 302
    assert not CorrectionSuggestion.objects.exists()


@pytest.mark.parametrize(
    "persona",
    [
        "member_b",
        "observer_b",
        "no_organisation",
        "member_a",
        "admin_a",
        "coordinator_be",
        "coordinator_ro",
        "platform_admin",
    ],
)
def test_every_professional_can_suggest_on_any_listing(clients, persona, org_a):
    page = listing_page(clients[persona], org_a)
    assert SUGGEST in page and SIGN_IN_TO_SUGGEST not in page
    response = suggest(clients[persona], org_a)
    assert response.status_code == 302
    assert response["Location"] == org_a.get_absolute_url()
    suggestion = CorrectionSuggestion.objects.get()
    assert suggestion.organization == org_a
    assert suggestion.correction == CORRECTION
    assert suggestion.status == CorrectionSuggestion.Status.OPEN


def test_suggesting_on_an_unknown_listing_is_not_found(clients):
    response = clients["member_b"].get(
        reverse("verification:suggestion_new", args=["no-such-listing"])
    )
    assert response.status_code == 404


def test_a_suggestion_is_audited_without_its_text(clients, people, org_a):
    suggest(clients["member_b"], org_a, source_url="https://example.org/contact")
    entry = AuditEntry.objects.get(action=VerificationAction.CORRECTION_SUGGESTED)
    assert entry.actor == str(people["member_b"].uuid)
    assert entry.target == str(org_a.pk)
    assert "hotline" not in str(entry.details)
    assert "example.org" not in str(entry.details)
    assert entry.details["section"] == "contact"


# Bad input: a clear error, nothing lost, never a 500 ---------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"section": ""}, "section", "Choose the part of the listing that is wrong."),
        (
            {"section": "<script>"},
            "section",
            "Choose the part of the listing that is wrong.",
        ),
        ({"correction": "   "}, "correction", "Say what the listing should say."),
        ({"correction": "x" * 2001}, "correction", "at most 2000 characters"),
        ({"source_url": "not a web address"}, "source_url", "Enter a web address"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a web address"),
    ],
)
def test_bad_input_keeps_what_was_typed(clients, org_a, data, field, message):
    typed = {
        "section": "address",
        "correction": "Fictitious: the office moved to Rue Imaginaire 1.",
        "source_url": "https://example.org/contact",
    }
    typed.update(data)
    response = clients["member_b"].post(suggest_url(org_a), typed)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert message in page
    for name in ("correction", "source_url"):
        if name != field:
            assert form[name].value() == typed[name]
            assert typed[name] in page
    assert not CorrectionSuggestion.objects.exists()


def test_errors_are_shown_in_the_readers_language(clients, org_a):
    response = clients["member_b"].post(
        suggest_url(org_a).replace("/en/", "/fr/", 1),
        {
            "section": "address",
            "correction": "x" * 2001,
            "source_url": "https://example.org/contact",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "au plus 2000 caractères" in page
    assert "https://example.org/contact" in page


def test_the_network_rate_limit_keeps_the_text_and_says_when(clients, org_a, settings):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "correction_suggestion": (1, 3600),
    }
    assert suggest(clients["member_b"], org_a).status_code == 302
    response = suggest(clients["member_b"], org_a, correction="Fictitious: second.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Fictitious: second." in response.content.decode()
    assert "Please wait a few minutes" in response.content.decode()
    assert CorrectionSuggestion.objects.count() == 1


def test_a_person_has_a_daily_budget_of_suggestions(clients, org_a, org_b, monkeypatch):
    monkeypatch.setattr(suggestions, "SUGGESTIONS_PER_PERSON_PER_DAY", 2)
    suggest(clients["member_b"], org_a)
    suggest(clients["member_b"], org_b)
    response = suggest(clients["member_b"], org_a, correction="Fictitious: third.")
    assert response.status_code == 400
    assert "You have sent many suggestions today" in response.content.decode()
    assert "Fictitious: third." in response.content.decode()
    assert CorrectionSuggestion.objects.count() == 2
    # Another person's budget is their own.
    assert suggest(clients["member_a"], org_a).status_code == 302


# Who sees the queue and who answers ------------------------------------------------


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("admin_a", True),
        ("coordinator_be", True),
        ("platform_admin", True),
        ("member_a", False),
        ("observer_a", False),
        ("admin_b", False),
        ("coordinator_ro", False),
        ("member_b", False),  # the suggester follows it on their own list
    ],
)
def test_the_queue_holds_the_suggestion_for_who_can_change_the_listing(
    clients, suggestion, persona, sees
):
    response = clients[persona].get(reverse("verification:suggestions"))
    if persona in ("member_a", "observer_a", "member_b"):
        assert response.status_code == 404  # they answer for no listing
        return
    assert response.status_code == 200
    assert (suggestion in response.context["open"]) is sees


def test_anonymous_has_no_queue(anonymous, suggestion):
    response = anonymous.get(reverse("verification:suggestions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_coordination_dashboard_counts_open_suggestions(clients, suggestion):
    response = clients["coordinator_be"].get(reverse("verification:coordination"))
    assert response.context["suggestions_open_count"] == 1
    response = clients["coordinator_ro"].get(reverse("verification:coordination"))
    assert response.context["suggestions_open_count"] == 0


@pytest.mark.parametrize(
    "persona, status",
    [
        ("member_b", 200),  # who sent it
        ("admin_a", 200),
        ("coordinator_be", 200),
        ("platform_admin", 200),
        ("member_a", 404),
        ("observer_a", 404),
        ("admin_b", 404),
        ("observer_b", 404),
        ("coordinator_ro", 404),
        ("no_organisation", 404),
    ],
)
def test_who_reads_a_suggestion(clients, suggestion, persona, status):
    response = clients[persona].get(
        reverse("verification:suggestion", args=[suggestion.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert CORRECTION in response.content.decode()


@pytest.mark.parametrize(
    "persona, may",
    [
        ("admin_a", True),
        ("coordinator_be", True),
        ("platform_admin", True),
        ("member_b", False),  # who sent it
        ("member_a", False),
        ("admin_b", False),
        ("coordinator_ro", False),
    ],
)
def test_who_answers_a_suggestion(clients, people, suggestion, persona, may):
    response = clients[persona].post(
        reverse("verification:suggestion", args=[suggestion.pk]),
        {"status": "done", "response": "Fictitious: corrected, thank you."},
    )
    suggestion.refresh_from_db()
    if may:
        assert response.status_code == 302
        assert suggestion.status == CorrectionSuggestion.Status.DONE
        assert suggestion.resolved_by == people[persona]
        assert suggestion.resolved_at is not None
        entry = AuditEntry.objects.get(action=VerificationAction.CORRECTION_ANSWERED)
        assert entry.details == {"suggestion": str(suggestion.pk), "status": "done"}
    else:
        assert response.status_code == 404
        assert suggestion.status == CorrectionSuggestion.Status.OPEN


def test_anonymous_cannot_answer(anonymous, suggestion):
    response = anonymous.post(
        reverse("verification:suggestion", args=[suggestion.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.is_open


def test_an_answer_is_given_once(clients, suggestion):
    url = reverse("verification:suggestion", args=[suggestion.pk])
    assert clients["admin_a"].post(url, {"status": "declined"}).status_code == 302
    response = clients["coordinator_be"].post(url, {"status": "done"})
    assert response.status_code == 400
    assert "This has already been decided." in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == CorrectionSuggestion.Status.DECLINED


@pytest.mark.parametrize("status", ["", "open", "approved", "<b>"])
def test_an_answer_must_be_done_or_declined(clients, suggestion, status):
    response = clients["admin_a"].post(
        reverse("verification:suggestion", args=[suggestion.pk]),
        {"status": status, "response": "Fictitious: kept on error."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose done or declined." in page
    assert "Fictitious: kept on error." in page
    suggestion.refresh_from_db()
    assert suggestion.is_open


def test_an_unknown_suggestion_is_not_found(clients):
    response = clients["platform_admin"].get(
        "/en/corrections/00000000-0000-0000-0000-000000000000/"
    )
    assert response.status_code == 404


# The suggester follows the answer ------------------------------------------------


def test_the_suggester_sees_the_status_and_answer(clients, suggestion):
    page = listing_page(clients["member_b"], suggestion.organization)
    assert "Your suggestions for this listing:" in page
    assert "Open" in page
    clients["admin_a"].post(
        reverse("verification:suggestion", args=[suggestion.pk]),
        {"status": "declined", "response": "Fictitious: the address is right."},
    )
    page = listing_page(clients["member_b"], suggestion.organization)
    assert "Declined" in page
    mine = clients["member_b"].get(reverse("verification:suggestions_mine"))
    assert list(mine.context["suggestions"]) == [suggestion]
    assert "Declined" in mine.content.decode()
    detail = clients["member_b"].get(
        reverse("verification:suggestion", args=[suggestion.pk])
    )
    assert "Fictitious: the address is right." in detail.content.decode()
    # Nobody else's list shows it.
    other = clients["member_a"].get(reverse("verification:suggestions_mine"))
    assert list(other.context["suggestions"]) == []


def test_a_french_listing_spaces_the_colon_before_the_status(clients, suggestion):
    url = suggestion.organization.get_absolute_url().replace("/en/", "/fr/", 1)
    page = unescape(clients["member_b"].get(url).content.decode())
    links = re.findall(r'<a href="[^"]*/corrections/[0-9a-f-]+/">([^<]*)</a>', page)
    assert len(links) == 1
    assert links[0].endswith(f"{NBSP}: Ouverte")


def test_others_do_not_see_someone_elses_suggestion_on_the_listing(clients, suggestion):
    for persona in ("admin_b", "member_a"):
        page = listing_page(clients[persona], suggestion.organization)
        assert "Your suggestions for this listing:" not in page


# Who can change the listing ------------------------------------------------------


@pytest.fixture
def named(people):
    User.objects.filter(pk=people["admin_a"].pk).update(
        first_name="Fictitious", last_name="Admin-Anna"
    )
    User.objects.filter(pk=people["coordinator_be"].pk).update(
        first_name="Fictitious", last_name="Coordinator-Bert"
    )
    return people


@pytest.mark.parametrize("persona", ["member_a", "observer_a", "admin_a"])
def test_members_see_who_can_change_their_listing(clients, named, org_a, persona):
    page = listing_page(clients[persona], org_a)
    assert WHO_CAN_CHANGE in page
    assert "Fictitious Admin-Anna" in page
    assert "Fictitious Coordinator-Bert" in page
    assert "coordinator.ro@example.org" not in page


@pytest.mark.parametrize(
    "persona", ["member_b", "admin_b", "coordinator_ro", "no_organisation"]
)
def test_others_do_not_see_who_can_change_a_listing(clients, named, org_a, persona):
    page = listing_page(clients[persona], org_a)
    assert WHO_CAN_CHANGE not in page
    assert "Admin-Anna" not in page


def test_anonymous_does_not_see_who_can_change_a_listing(anonymous, named, org_a):
    page = listing_page(anonymous, org_a)
    assert WHO_CAN_CHANGE not in page
    assert "Admin-Anna" not in page


def test_unnamed_people_are_shown_by_their_address(clients, people, org_a):
    page = listing_page(clients["member_a"], org_a)
    assert "admin.a@example.org" in page
    assert "coordinator.be@example.org" in page


# Retention ---------------------------------------------------------------------


def test_answered_suggestions_are_deleted_after_the_retention_period(
    clients, org_a, settings
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.RELAIS_CORRECTION_SUGGESTION_RETENTION_DAYS = 365
    for section in ("address", "contact", "name"):
        assert suggest(clients["member_b"], org_a, section=section).status_code == 302
    old, recent, still_open = CorrectionSuggestion.objects.order_by("section")[:3]
    now = timezone.now()
    for item, age in ((old, 400), (recent, 30)):
        item.status = CorrectionSuggestion.Status.DONE
        item.resolved_at = now - timedelta(days=age)
        item.save()
    still_open.suggested_at = now - timedelta(days=900)
    still_open.save()

    call_command("purge")

    left = set(CorrectionSuggestion.objects.values_list("pk", flat=True))
    assert left == {recent.pk, still_open.pk}


def test_a_listing_without_administrators_says_where_the_suggestion_goes(
    clients, org_a
):
    """Most reference listings have nobody administering them on Relais: the
    suggester is not told that their administrators were asked."""
    from relais.directory.tests.factories import OrganizationFactory

    nobody = OrganizationFactory(country="BE")
    form = clients["member_b"].get(suggest_url(nobody)).content.decode()
    assert "has no administrator on Relais yet" in form
    response = suggest(clients["member_b"], nobody)
    page = clients["member_b"].get(response["Location"]).content.decode()
    assert "has no administrator on Relais yet" in page
    assert "its organisation&#x27;s administrators" not in page
    # A listing with administrators still names them.
    response = suggest(clients["member_b"], org_a)
    page = clients["member_b"].get(response["Location"]).content.decode()
    assert "its organisation&#x27;s administrators" in page
