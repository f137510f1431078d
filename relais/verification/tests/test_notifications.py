"""Who is told that a listing waits for review, and in which language."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from relais.accounts.models import CountryCoordinator, Membership, Role, User
from relais.accounts.tests.conftest import PASSWORD
from relais.conftest import verified_client_for
from relais.directory.models import Organization
from relais.directory.tests.factories import OrganizationFactory

from .helpers import edit_post

pytestmark = pytest.mark.django_db

WAITS = "A listing on Relais waits for your review"
ACCESS_REQUEST = {
    "country": "BE",
    "organization": "",
    "organization_name": "Fictitious Unlisted NGO",
    "name": "Fictitious Requester",
    "email": "requester@example.org",
    "profession": "lawyer",
    "reason": "Fictitious: I assist victims in Antwerp and need contacts.",
}
REMIND = "Please confirm your organisation's listing on Relais"


def in_language(language, message):
    with translation.override(language):
        return _(message)


def test_a_proposal_is_announced_to_the_coordinator_in_their_language(
    clients, people, org_a, mailoutbox
):
    User.objects.filter(pk=people["coordinator_be"].pk).update(language="fr")
    edit_post(clients["admin_a"], org_a, name="Fictitious Org A Renamed")

    [notice] = mailoutbox
    assert notice.to == ["coordinator.be@example.org"]
    assert notice.subject == in_language("fr", WAITS) != WAITS
    assert "/fr/coordination/" in notice.body
    # Only the Belgian coordinator: not the Romanian one, not the platform.
    edit_post(clients["admin_a"], org_a, name="Fictitious Org A Renamed Again")
    assert len(mailoutbox) == 1  # a replaced proposal is not announced twice


def test_a_country_without_coordinator_leaves_it_to_the_platform_administrators(
    clients, people, mailoutbox
):
    swedish = OrganizationFactory(name="Fictitious Stockholm Desk", country="SE")
    Membership.objects.create(
        user=people["admin_a"], organization=swedish, role=Role.ORGANISATION_ADMIN
    )
    edit_post(clients["admin_a"], swedish, name="Fictitious Stockholm Desk II")
    assert [m.to for m in mailoutbox] == [["root@example.org"]]


def test_a_coordinators_own_proposal_goes_to_the_platform(people, org_a, mailoutbox):
    coordinator = people["coordinator_be"]
    Membership.objects.create(
        user=coordinator, organization=org_a, role=Role.ORGANISATION_ADMIN
    )
    edit_post(verified_client_for(coordinator), org_a, name="Fictitious Org A II")
    assert [m.to for m in mailoutbox] == [["root@example.org"]]


def test_a_claim_is_announced_without_naming_anyone(clients, people, mailoutbox):
    unclaimed = OrganizationFactory(name="Fictitious Unclaimed Desk", country="RO")
    response = clients["no_organisation"].post(
        reverse("verification:claim", args=[unclaimed.slug]),
        {"profession": "lawyer", "message": "Fictitious: I am its lawyer."},
    )
    assert response.status_code == 302
    [notice] = mailoutbox
    assert notice.to == ["coordinator.ro@example.org"]
    for detail in (unclaimed.name, "nobody@example.org", "its lawyer"):
        assert detail not in notice.body and detail not in notice.subject


def test_reminders_come_in_each_administrators_language(
    org_a, people, today, mailoutbox
):
    Organization.objects.filter(pk=org_a.pk).update(assured_date=date(2026, 7, 15))
    bulgarian = User.objects.create_user(
        "admin.bg@example.org", "fictitious-pass-1", language="bg"
    )
    Membership.objects.create(
        user=bulgarian, organization=org_a, role=Role.ORGANISATION_ADMIN
    )
    call_command("verification_reminders", stdout=None)
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "admin.a@example.org": REMIND,
        "admin.bg@example.org": in_language("bg", REMIND),
    }
    assert in_language("bg", REMIND) != REMIND
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert f"/bg/directory/{org_a.slug}/edit/" in bodies["admin.bg@example.org"]
    assert f"/en/directory/{org_a.slug}/edit/" in bodies["admin.a@example.org"]


def test_signing_in_remembers_the_language_of_the_pages(people):
    person = people["member_a"]
    assert person.language == ""
    Client().post("/ro/sign-in/", {"email": person.email, "password": PASSWORD})
    person.refresh_from_db()
    assert person.language == "ro"
    Client().post("/sv/sign-in/", {"email": person.email, "password": "wrong-one-1"})
    person.refresh_from_db()
    assert person.language == "ro"  # a failed sign-in changes nothing


def test_an_access_request_reaches_the_reviewer_in_their_language(people, mailoutbox):
    CountryCoordinator.objects.filter(country="BE").delete()
    User.objects.filter(is_superuser=True).update(language="nl")
    # The requester writes in Spanish; the reviewer reads Dutch.
    response = Client().post("/es/request-access/", ACCESS_REQUEST)
    assert response.status_code == 302
    [notice] = mailoutbox
    assert notice.to == ["root@example.org"]
    assert notice.subject == in_language("nl", "A new request to join Relais")
    assert "/nl/" in notice.body and "Fictitious Requester" not in notice.body


def test_a_refusing_mail_server_loses_no_proposal_claim_or_decision(
    clients, people, org_a, mailoutbox, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from relais.verification.models import ListingChangeRequest, ListingClaim

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("fictitious outage")

    monkeypatch.setattr("relais.core.mail.send_mass_mail", refuse)
    monkeypatch.setattr("relais.verification.services.listings.send_mail", refuse)

    response = edit_post(clients["admin_a"], org_a, name="Fictitious Org A Renamed")
    assert response.status_code == 302
    change = ListingChangeRequest.objects.get()
    response = clients["coordinator_be"].post(
        reverse("verification:change_review", args=[change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.name == "Fictitious Org A Renamed"

    unclaimed = OrganizationFactory(name="Fictitious Unclaimed Desk", country="BE")
    response = clients["no_organisation"].post(
        reverse("verification:claim", args=[unclaimed.slug]),
        {"profession": "lawyer", "message": "Fictitious: I am its lawyer."},
    )
    assert response.status_code == 302
    assert ListingClaim.objects.filter(organization=unclaimed).exists()
    assert mailoutbox == []


def test_a_refusing_mail_server_loses_no_access_request(people, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from relais.accounts.models import AccessRequest

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("fictitious outage")

    monkeypatch.setattr("relais.core.mail.send_mass_mail", refuse)
    response = Client().post("/en/request-access/", ACCESS_REQUEST)
    assert response.status_code == 302
    assert AccessRequest.objects.filter(email="requester@example.org").exists()
