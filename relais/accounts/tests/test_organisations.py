"""Organisation pages, invitations and roles: the access matrix and the audit entries.

Every role by two organisations by two countries. Each organisation's private
data carries a sentinel (a member's e-mail address, a pending invitation);
nobody outside the rule may see the other organisation's sentinels.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import Invitation, Membership, Role, User
from relais.accounts.services import invitation_send
from relais.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

SENTINEL = {
    "a": "sentinel-only-for-org-a@example.org",
    "b": "sentinel-only-for-org-b@example.org",
}

# Who may see the members of A / of B; who may manage (invite, change roles).
SEES = {
    "admin_a": {"a"},
    "member_a": {"a"},
    "observer_a": {"a"},
    "admin_b": {"b"},
    "member_b": {"b"},
    "observer_b": {"b"},
    "coordinator_be": {"a"},
    "coordinator_ro": {"b"},
    "platform_admin": {"a", "b"},
    "no_organisation": set(),
}
MANAGES = {
    "admin_a": {"a"},
    "admin_b": {"b"},
    "coordinator_be": {"a"},
    "coordinator_ro": {"b"},
    "platform_admin": {"a", "b"},
}


@pytest.fixture
def sentinels(people, org_a, org_b):
    for key, org in (("a", org_a), ("b", org_b)):
        member = User.objects.create_user(SENTINEL[key], "fictitious-pass-phrase")
        Membership.objects.create(user=member, organization=org)
        Invitation.objects.create(
            email="invited-" + SENTINEL[key],
            organization=org,
            token_hash=f"{key}" * 64,
            expires_at=timezone.now() + timedelta(days=3),
        )
    return {"a": org_a, "b": org_b}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_organisation_pages_show_only_what_the_role_allows(persona, clients, sentinels):
    client = clients[persona]
    for key, org in sentinels.items():
        response = client.get(reverse("accounts:organisation_members", args=[org.slug]))
        body = response.content.decode()
        if key in SEES[persona]:
            assert response.status_code == 200
            assert SENTINEL[key] in body
            other = "b" if key == "a" else "a"
            assert SENTINEL[other] not in body
            assert ("invited-" + SENTINEL[key] in body) == (
                key in MANAGES.get(persona, set())
            )
        else:
            assert response.status_code == 404
            assert SENTINEL[key] not in body


@pytest.mark.parametrize("persona", sorted(SEES))
def test_only_managers_can_invite(persona, clients, sentinels, mailoutbox):
    client = clients[persona]
    for key, org in sentinels.items():
        response = client.post(
            reverse("accounts:invitation_create", args=[org.slug]),
            {
                "email": f"new.{persona}.{key}@example.org",
                "role": "member",
                "profession": "lawyer",
            },
        )
        allowed = key in MANAGES.get(persona, set())
        assert (response.status_code == 302) == allowed, (persona, key)
        assert (
            Invitation.objects.filter(email=f"new.{persona}.{key}@example.org").exists()
            == allowed
        )


@pytest.mark.parametrize("persona", sorted(SEES))
def test_only_managers_can_change_roles(persona, clients, people, sentinels):
    client = clients[persona]
    for key, org in sentinels.items():
        target = User.objects.get(email=SENTINEL[key])
        client.post(
            reverse("accounts:membership_role", args=[org.slug, target.uuid]),
            {"role": Role.OBSERVER},
        )
        role = Membership.objects.get(user=target, organization=org).role
        assert (role == Role.OBSERVER) == (key in MANAGES.get(persona, set())), persona


def test_anonymous_and_password_only_see_no_organisation_page(
    anonymous, sentinels, people
):
    password_only = Client()
    password_only.force_login(people["admin_a"])
    for client in (anonymous, password_only):
        response = client.get(
            reverse("accounts:organisation_members", args=["fictitious-org-a"])
        )
        assert response.status_code == 302
        assert SENTINEL["a"] not in response.content.decode()


def test_a_password_only_session_cannot_invite_through_the_service(people, org_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invitation_send(
            invited_by=people["admin_a"], organization=org_a, email="x@example.org"
        )
    assert not AuditEntry.objects.filter(action=AccountsAction.INVITATION_SENT).exists()


def test_an_invitation_link_works_once_and_expires(clients, org_a, mailoutbox):
    clients["admin_a"].post(
        reverse("accounts:invitation_create", args=[org_a.slug]),
        {
            "email": "invitee@example.org",
            "role": "observer",
            "profession": "interpreter",
        },
    )
    assert AuditEntry.objects.filter(action=AccountsAction.INVITATION_SENT).count() == 1
    message = mailoutbox[0]
    assert "invitee@example.org" not in message.body
    assert org_a.name not in message.body
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    path = link.split("testserver", 1)[1]
    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"password": "a fictitious pass phrase"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="invitee@example.org")
    assert (membership.organization, membership.role) == (org_a, Role.OBSERVER)
    assert (
        AuditEntry.objects.filter(action=AccountsAction.INVITATION_ACCEPTED).count()
        == 1
    )
    assert Client().get(path).status_code == 404
    assert (
        Client().post(path, {"password": "another fictitious phrase"}).status_code
        == 404
    )


def test_an_expired_invitation_is_refused(clients, org_a, mailoutbox):
    clients["admin_a"].post(
        reverse("accounts:invitation_create", args=[org_a.slug]),
        {"email": "late@example.org", "role": "member", "profession": "lawyer"},
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line
    )
    assert Client().get(link.split("testserver", 1)[1]).status_code == 404


def test_invitation_e_mails_are_translated(clients, org_a, mailoutbox):
    clients["admin_a"].post(
        reverse("accounts:invitation_create", args=[org_a.slug]).replace(
            "/en/", "/fr/"
        ),
        {"email": "francophone@example.org", "role": "member", "profession": "lawyer"},
    )
    assert mailoutbox[0].subject != "Your invitation to Relais"
    assert "Relais" in mailoutbox[0].subject


def test_a_role_change_writes_one_audit_entry(clients, people, org_a):
    before = AuditEntry.objects.filter(action=AccountsAction.ROLE_CHANGED).count()
    clients["admin_a"].post(
        reverse("accounts:membership_role", args=[org_a.slug, people["member_a"].uuid]),
        {"role": Role.ORGANISATION_ADMIN},
    )
    entries = AuditEntry.objects.filter(action=AccountsAction.ROLE_CHANGED)
    assert entries.count() == before + 1
    assert entries.last().details == {
        "organization": str(org_a.pk),
        "from": "member",
        "to": "admin",
    }
