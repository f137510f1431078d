"""The access matrix: every role by every referral page, download and action,
with a sentinel in every personal field. 0 sentinels where they must not be."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.referrals.models import Referral

from .conftest import ALL_SENTINELS, DOCUMENT_CONTENT_SENTINEL, SENTINELS, draft

pytestmark = pytest.mark.django_db

HANDLERS = {"admin_a", "member_a", "admin_b", "member_b"}
ADMINS = {"admin_a", "admin_b"}
METADATA_ONLY = {
    "observer_a",
    "observer_b",
    "coordinator_be",
    "coordinator_ro",
    "platform_admin",
}
STRANGERS = {"no_organisation", "member_c"}
ROLES = sorted(HANDLERS | METADATA_ONLY | STRANGERS)


@pytest.fixture
def everyone(clients, member_c):
    from .conftest import client_of

    return {**clients, "member_c": client_of(member_c), "anonymous": Client()}


def leaked(response, referral):
    body = response.content.decode(errors="replace")
    found = [s for s in ALL_SENTINELS if s in body]
    if referral.case_code in body:
        found.append("case code")
    return found


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_the_referral_page_shows_personal_data_to_the_handlers_only(
    everyone, referral_full, role
):
    response = everyone[role].get(reverse("referrals:detail", args=[referral_full.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        assert leaked(response, referral_full) == []
    elif role in HANDLERS:
        assert response.status_code == 200
        body = response.content.decode()
        for sentinel in SENTINELS.values():
            assert sentinel in body
        assert referral_full.case_code in body
        assert "no-store" in response["Cache-Control"]
    elif role in METADATA_ONLY:
        assert response.status_code == 200
        assert leaked(response, referral_full) == []
        assert "Fictitious Org B" in response.content.decode()
    else:
        assert response.status_code == 404
        assert leaked(response, referral_full) == []


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_documents_download_for_the_handlers_only(everyone, referral_full, role):
    document = referral_full.documents.get()
    response = everyone[role].get(
        reverse("referrals:document", args=[referral_full.pk, document.pk])
    )
    if role in HANDLERS:
        assert response.status_code == 200
        assert DOCUMENT_CONTENT_SENTINEL in response.content
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code in {302, 404}
        assert DOCUMENT_CONTENT_SENTINEL not in response.content


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_the_subject_access_export_is_for_the_organisation_admins(
    everyone, referral_full, role
):
    response = everyone[role].get(reverse("referrals:export", args=[referral_full.pk]))
    if role in ADMINS:
        assert response.status_code in {200, 503}  # 503: no pango on this host
        if response.status_code == 200:
            from io import BytesIO

            from pypdf import PdfReader

            text = "".join(
                page.extract_text()
                for page in PdfReader(BytesIO(response.content)).pages
            )
            assert SENTINELS["family_name"] in text
    else:
        assert response.status_code in {302, 404}
        assert leaked(response, referral_full) == []


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_lists_statistics_and_readers_never_show_personal_data(
    everyone, referral_full, role
):
    client = everyone[role]
    for url in [
        reverse("referrals:list"),
        reverse("referrals:statistics"),
        reverse("referrals:statistics") + "?format=csv",
        reverse("referrals:readers", args=[referral_full.pk]),
        reverse("referrals:consent_form"),
        reverse("referrals:calendar"),
    ]:
        response = client.get(url)
        assert response.status_code in {200, 302, 403, 404}, url
        assert leaked(response, referral_full) == [], url


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_the_draft_is_for_the_sending_organisation_only(
    everyone, people, org_a, org_b, role
):
    referral = draft(people, org_a, org_b)
    response = everyone[role].get(reverse("referrals:edit", args=[referral.pk]))
    detail = everyone[role].get(reverse("referrals:detail", args=[referral.pk]))
    if role in {"admin_a", "member_a"}:
        assert response.status_code == 200
        assert SENTINELS["situation"] in response.content.decode()
    else:
        assert response.status_code in {302, 404}
        assert leaked(response, referral) == []
        assert leaked(detail, referral) == []
    if role in {"admin_b", "member_b", "observer_b", "coordinator_ro"}:
        # Not sent yet: the receiving side does not even see that it exists.
        assert detail.status_code == 404


@pytest.mark.parametrize(
    "role", sorted((METADATA_ONLY | STRANGERS) - {"platform_admin"})
)
def test_who_may_not_act_changes_nothing_by_posting(everyone, referral_full, role):
    client = everyone[role]
    before = Referral.objects.get(pk=referral_full.pk)
    pk = referral_full.pk
    posts = [
        (
            reverse("referrals:transition", args=[pk]),
            {"action": "close", "version": before.version, "outcome": "assisted"},
        ),
        (
            reverse("referrals:message", args=[pk]),
            {"body": "Forged message"},
        ),
        (
            reverse("referrals:deadline", args=[pk]),
            {"kind": "hearing", "date": "2031-01-01", "time": "09:00", "country": "BE"},
        ),
        (reverse("referrals:consent_withdraw", args=[pk]), {"version": before.version}),
        (reverse("referrals:erase", args=[pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in {400, 403, 404}, (url, response.status_code)
        assert leaked(response, referral_full) == []
    after = Referral.objects.get(pk=pk)
    assert (after.status, after.version, after.purged_at) == (
        before.status,
        before.version,
        None,
    )
    assert after.messages.count() == before.messages.count()
    assert after.deadlines.count() == before.deadlines.count()


def test_a_password_only_session_sees_no_referral(referral_full, people):
    client = Client()
    client.force_login(people["member_b"])
    response = client.get(reverse("referrals:detail", args=[referral_full.pk]))
    assert response.status_code == 302
    assert "/sign-in/code/" in response["Location"]
    assert leaked(response, referral_full) == []


def test_every_reading_of_personal_data_is_audited_and_both_sides_see_who(
    everyone, referral_full
):
    everyone["member_b"].get(reverse("referrals:detail", args=[referral_full.pk]))
    everyone["observer_a"].get(reverse("referrals:detail", args=[referral_full.pk]))
    response = everyone["observer_a"].get(
        reverse("referrals:readers", args=[referral_full.pk])
    )
    body = response.content.decode()
    assert "member.b@example.org" in body
    assert "observer.a@example.org" not in body  # observers read no personal data
