"""Access requests: the public form, the reviewers' pages, decisions and retention."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import (
    AccessRequest,
    CountryCoordinator,
    Invitation,
    Membership,
    Role,
)
from relais.accounts.services import access_request_submit, access_requests_purge
from relais.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = "/en/request-access/"
SENTINEL_NAME = {"BE": "Sentinel Requester Be", "RO": "Sentinel Requester Ro"}


def form_data(org=None, **overrides):
    data = {
        "country": "BE",
        "organization": org.pk if org is not None else "",
        "organization_name": "" if org is not None else "Fictitious Unlisted NGO",
        "name": "Fictitious Requester",
        "email": "requester@example.org",
        "profession": "social_worker",
        "reason": "Fictitious: I coordinate shelter places and need contacts abroad.",
    }
    data.update(overrides)
    return data


def audit_count(action):
    return AuditEntry.objects.filter(action=action).count()


def test_the_form_starts_with_the_country_then_offers_its_organisations(
    anonymous, org_a, org_b
):
    first = anonymous.get(NEW)
    assert first.status_code == 200
    assert org_a.name not in first.content.decode()
    second = anonymous.get(NEW, {"country": "BE"})
    body = second.content.decode()
    assert org_a.name in body and org_b.name not in body
    assert "My organisation is not listed" in body


def test_a_request_is_recorded_and_the_coordinator_gets_a_link_only(
    anonymous, people, org_a, mailoutbox
):
    response = anonymous.post(NEW, form_data(org_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:access_request_sent")
    access_request = AccessRequest.objects.get()
    assert (access_request.organization, access_request.country) == (org_a, "BE")
    assert [m.to for m in mailoutbox] == [["coordinator.be@example.org"]]
    body = mailoutbox[0].body
    assert str(access_request.uuid) in body
    for personal in ("Fictitious Requester", "requester@example.org", org_a.name):
        assert personal not in body
    assert audit_count(AccountsAction.ACCESS_REQUEST_RECEIVED) == 1
    entry = AuditEntry.objects.get(action=AccountsAction.ACCESS_REQUEST_RECEIVED)
    assert "requester@example.org" not in str(entry.details)


def test_platform_admins_are_told_when_the_country_has_no_coordinator(
    anonymous, people, mailoutbox
):
    anonymous.get(NEW, {"country": "ES"})
    response = anonymous.post(NEW, form_data(country="ES"))
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["root@example.org"]]


def test_each_coordinator_of_the_country_gets_their_own_e_mail(
    anonymous, people, mailoutbox
):
    CountryCoordinator.objects.create(user=people["member_a"], country="BE")
    anonymous.post(NEW, form_data())
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordinator.be@example.org",
        "member.a@example.org",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)


def test_the_answer_is_the_same_whatever_the_address(
    anonymous, people, org_a, mailoutbox
):
    answers = []
    for email in ("member.a@example.org", "unknown@example.org"):
        for _twice in range(2):
            response = anonymous.post(NEW, form_data(org_a, email=email))
            answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1
    # The same pending address is recorded and announced once.
    assert AccessRequest.objects.count() == 2
    assert len(mailoutbox) == 2


def test_bad_input_is_explained_and_kept(anonymous, org_a):
    response = anonymous.post(
        NEW, form_data(organization_name="", email="not-an-address")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "type its name" in body
    assert "Enter a valid email address" in body
    assert "Fictitious Requester" in body
    assert "onstraint" not in body
    assert not AccessRequest.objects.exists()


def test_an_organisation_of_another_country_cannot_be_slipped_in(anonymous, org_b):
    response = anonymous.post(NEW, form_data(org_b))
    assert response.status_code == 400
    assert not AccessRequest.objects.exists()


def test_the_request_form_is_rate_limited(anonymous, settings, mailoutbox):
    settings.RELAIS_RATE_LIMITS = {
        **settings.RELAIS_RATE_LIMITS,
        "access_request": (2, 3600),
    }
    codes = [
        anonymous.post(NEW, form_data(email=f"r{n}@example.org")).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_the_request_form_needs_a_csrf_token(org_a):
    client = Client(enforce_csrf_checks=True)
    assert client.post(NEW, form_data(org_a)).status_code == 403


@pytest.fixture
def pending(people, org_a, org_b):
    return {
        country: access_request_submit(
            name=SENTINEL_NAME[country],
            email=f"requester.{country.lower()}@example.org",
            country=country,
            organization=org,
            profession="lawyer",
            reason="Fictitious reason.",
        )
        for country, org in (("BE", org_a), ("RO", org_b))
    }


# Who sees (and decides) the requests of which country.
REVIEWS = {
    "coordinator_be": {"BE"},
    "coordinator_ro": {"RO"},
    "platform_admin": {"BE", "RO"},
}


@pytest.mark.parametrize(
    "persona",
    [
        "admin_a",
        "member_a",
        "observer_a",
        "admin_b",
        "member_b",
        "observer_b",
        "coordinator_be",
        "coordinator_ro",
        "platform_admin",
        "no_organisation",
    ],
)
def test_requests_are_seen_and_decided_only_by_their_reviewers(
    persona, clients, pending, mailoutbox
):
    client = clients[persona]
    allowed = REVIEWS.get(persona, set())
    listing = client.get(reverse("accounts:access_requests"))
    assert listing.status_code == (200 if allowed else 404)
    for country, access_request in pending.items():
        body = listing.content.decode()
        assert (SENTINEL_NAME[country] in body) == (country in allowed)
        detail = client.get(
            reverse("accounts:access_request", args=[access_request.uuid])
        )
        assert detail.status_code == (200 if country in allowed else 404)
        assert (SENTINEL_NAME[country] in detail.content.decode()) == (
            country in allowed
        )
        client.post(
            reverse("accounts:access_request_reject", args=[access_request.uuid]),
            {"reason": "Fictitious reason"},
        )
        access_request.refresh_from_db()
        assert (access_request.status == AccessRequest.Status.REJECTED) == (
            country in allowed
        )


def test_anonymous_and_password_only_sessions_see_no_request(
    anonymous, pending, people
):
    password_only = Client()
    password_only.force_login(people["coordinator_be"])
    for client in (anonymous, password_only):
        for url in (
            reverse("accounts:access_requests"),
            reverse("accounts:access_request", args=[pending["BE"].uuid]),
        ):
            response = client.get(url)
            assert response.status_code == 302
            assert SENTINEL_NAME["BE"] not in response.content.decode()


def test_approval_sends_an_invitation_in_the_requesters_language(
    clients, pending, org_a, mailoutbox, people
):
    pending["BE"].language = "fr"
    pending["BE"].save()
    mailoutbox.clear()
    response = clients["coordinator_be"].post(
        reverse("accounts:access_request_approve", args=[pending["BE"].uuid]),
        {"organization": org_a.pk, "role": Role.OBSERVER, "profession": "judge"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="requester.be@example.org")
    assert (invitation.organization, invitation.role, invitation.profession) == (
        org_a,
        Role.OBSERVER,
        "judge",
    )
    assert mailoutbox[0].to == ["requester.be@example.org"]
    assert mailoutbox[0].subject != "Your invitation to Relais"
    pending["BE"].refresh_from_db()
    assert pending["BE"].status == AccessRequest.Status.APPROVED
    assert pending["BE"].decided_by == people["coordinator_be"]
    assert audit_count(AccountsAction.ACCESS_REQUEST_APPROVED) == 1
    assert audit_count(AccountsAction.INVITATION_SENT) == 1

    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line
    )
    Client().post(
        link.split("testserver", 1)[1], {"password": "a fictitious pass phrase"}
    )
    membership = Membership.objects.get(user__email="requester.be@example.org")
    assert (membership.organization, membership.role) == (org_a, Role.OBSERVER)


def test_a_coordinator_cannot_approve_into_another_countrys_organisation(
    clients, pending, org_b
):
    response = clients["coordinator_be"].post(
        reverse("accounts:access_request_approve", args=[pending["BE"].uuid]),
        {"organization": org_b.pk, "role": Role.MEMBER, "profession": "lawyer"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    pending["BE"].refresh_from_db()
    assert pending["BE"].status == AccessRequest.Status.PENDING


def test_a_request_is_decided_once(clients, pending, org_a, mailoutbox):
    url = reverse("accounts:access_request_approve", args=[pending["BE"].uuid])
    data = {"organization": org_a.pk, "role": Role.MEMBER, "profession": "lawyer"}
    assert clients["coordinator_be"].post(url, data).status_code == 302
    assert clients["platform_admin"].post(url, data).status_code == 404
    assert Invitation.objects.count() == 1


def test_declining_tells_the_person_politely_with_the_reason(
    clients, pending, mailoutbox
):
    mailoutbox.clear()
    response = clients["coordinator_ro"].post(
        reverse("accounts:access_request_reject", args=[pending["RO"].uuid]),
        {"reason": "Fictitious: we could not confirm your post."},
    )
    assert response.status_code == 302
    assert mailoutbox[0].to == ["requester.ro@example.org"]
    assert "we could not confirm your post" in mailoutbox[0].body
    entry = AuditEntry.objects.get(action=AccountsAction.ACCESS_REQUEST_REJECTED)
    assert "confirm" not in str(entry.details)


def test_declining_needs_a_reason(clients, pending, mailoutbox):
    mailoutbox.clear()
    response = clients["coordinator_ro"].post(
        reverse("accounts:access_request_reject", args=[pending["RO"].uuid]),
        {"reason": ""},
    )
    assert response.status_code == 400
    assert mailoutbox == []
    pending["RO"].refresh_from_db()
    assert pending["RO"].status == AccessRequest.Status.PENDING


def test_old_requests_are_deleted_decided_or_not(pending, settings):
    settings.RELAIS_ACCESS_REQUEST_RETENTION_DAYS = 30
    AccessRequest.objects.filter(pk=pending["BE"].pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert access_requests_purge() == 1
    assert list(AccessRequest.objects.values_list("country", flat=True)) == ["RO"]
    assert audit_count(AccountsAction.ACCESS_REQUESTS_PURGED) == 1
    assert access_requests_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not AccessRequest.objects.exists()


def test_the_purge_command_reports_what_it_deleted(pending, capsys):
    AccessRequest.objects.update(created_at=timezone.now() - timedelta(days=400))
    call_command("purge_access_requests")
    assert "Deleted 2 access request(s)" in capsys.readouterr().out


def test_a_request_outlives_the_listing_it_names(pending, org_a, clients):
    org_a.delete()
    pending["BE"].refresh_from_db()
    assert pending["BE"].organization is None
    page = clients["coordinator_be"].get(
        reverse("accounts:access_request", args=[pending["BE"].uuid])
    )
    assert "Fictitious Org A" in page.content.decode()


# A mail server that refuses ------------------------------------------------------

MAIL_REFUSED = "The e-mail could not be sent"


@pytest.fixture
def refusing_mail_server(monkeypatch):
    from smtplib import SMTPServerDisconnected

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("fictitious outage")

    monkeypatch.setattr("relais.accounts.services.send_mail", refuse)
    monkeypatch.setattr("django.contrib.auth.forms.EmailMultiAlternatives.send", refuse)


def test_an_invitation_that_cannot_be_e_mailed_is_not_made(
    clients, org_a, refusing_mail_server
):
    response = clients["admin_a"].post(
        reverse("accounts:invitation_create", args=[org_a.slug]),
        {"email": "new@example.org", "role": "member", "profession": "lawyer"},
    )
    assert response.status_code == 400
    assert MAIL_REFUSED in response.content.decode()
    assert not Invitation.objects.filter(email="new@example.org").exists()


def test_a_decision_that_cannot_be_e_mailed_is_not_taken(
    clients, pending, org_a, refusing_mail_server
):
    approve = clients["coordinator_be"].post(
        reverse("accounts:access_request_approve", args=[pending["BE"].uuid]),
        {"organization": org_a.pk, "role": Role.MEMBER, "profession": "lawyer"},
    )
    decline = clients["coordinator_ro"].post(
        reverse("accounts:access_request_reject", args=[pending["RO"].uuid]),
        {"reason": "Fictitious: we could not confirm your post."},
    )
    for response in (approve, decline):
        assert response.status_code == 400
        assert MAIL_REFUSED in response.content.decode()
    assert not Invitation.objects.exists()
    assert set(AccessRequest.objects.values_list("status", flat=True)) == {
        AccessRequest.Status.PENDING
    }


def test_a_password_reset_answers_the_same_when_the_mail_server_refuses(
    people, refusing_mail_server
):
    response = Client().post("/en/password-reset/", {"email": people["member_a"].email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
