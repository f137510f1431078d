"""An invitation to an address that has an account: accepted only signed in as it,
and never changing a role the person already has."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def invite(clients, org, email, role, mailoutbox):
    clients["admin_a"].post(
        reverse("accounts:invitation_create", args=[org.slug]),
        {"email": email, "role": role, "profession": "lawyer"},
    )
    body = mailoutbox[-1].body
    link = next(line for line in body.splitlines() if "/invitations/" in line)
    return link.split("testserver", 1)[1]


def test_the_link_alone_does_not_add_an_existing_account(
    clients, people, org_a, mailoutbox
):
    path = invite(clients, org_a, "member.b@example.org", "admin", mailoutbox)
    response = Client().get(path)
    assert "Sign in" in response.content.decode()
    Client().post(path, {"password": "a fictitious pass phrase"})
    assert not Membership.objects.filter(
        user=people["member_b"], organization=org_a
    ).exists()
    assert people["member_b"].check_password("fictitious-pass-phrase-for-tests")


def test_the_invitee_signed_in_as_the_account_joins(clients, people, org_a, mailoutbox):
    path = invite(clients, org_a, "member.b@example.org", "observer", mailoutbox)
    response = clients["member_b"].post(path, follow=True)
    membership = Membership.objects.get(user=people["member_b"], organization=org_a)
    assert membership.role == Role.OBSERVER
    assert org_a.name in response.content.decode()
    assert clients["member_b"].get(path).status_code == 404  # spent


def test_another_account_cannot_accept(clients, people, org_a, mailoutbox):
    path = invite(clients, org_a, "member.b@example.org", "admin", mailoutbox)
    response = clients["observer_b"].post(path, {"password": "a fictitious phrase"})
    assert response.status_code == 403
    assert not Membership.objects.filter(
        organization=org_a, user__in=[people["member_b"], people["observer_b"]]
    ).exists()
    assert clients["member_b"].get(path).status_code == 200  # not spent


def test_an_invitation_never_lowers_an_existing_role(
    clients, people, org_a, mailoutbox
):
    path = invite(clients, org_a, "admin.a@example.org", "observer", mailoutbox)
    response = clients["admin_a"].post(
        path, {"password": "a fictitious pass phrase"}, follow=True
    )
    membership = Membership.objects.get(user=people["admin_a"], organization=org_a)
    assert membership.role == Role.ORGANISATION_ADMIN
    assert "did not change your role" in response.content.decode()


def test_an_invitation_never_raises_an_existing_role_either(
    clients, people, org_a, mailoutbox
):
    path = invite(clients, org_a, "observer.a@example.org", "admin", mailoutbox)
    clients["observer_a"].post(path, {"password": "a fictitious pass phrase"})
    membership = Membership.objects.get(user=people["observer_a"], organization=org_a)
    assert membership.role == Role.OBSERVER
