"""`relais verification-reminders`: once per listing and cycle, no personal data."""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import override_settings

from relais.accounts.models import Membership, Role, User
from relais.directory.models import Organization
from relais.directory.tests.factories import OrganizationFactory
from relais.verification.models import ListingChangeRequest

pytestmark = pytest.mark.django_db


def remind():
    call_command("verification_reminders", stdout=None)


@pytest.fixture
def due(org_a, people, today):
    # 15 July 2026 is exactly 11 months before the frozen 15 June 2027.
    Organization.objects.filter(pk=org_a.pk).update(assured_date=date(2026, 7, 15))
    second_admin = User.objects.create_user("admin2.a@example.org", "fictitious-pass-1")
    Membership.objects.create(
        user=second_admin, organization=org_a, role=Role.ORGANISATION_ADMIN
    )
    return org_a


def test_the_administrators_are_reminded_once_per_cycle(due, people, mailoutbox):
    remind()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "admin.a@example.org",
        "admin2.a@example.org",
    ]
    for message in mailoutbox:
        assert len(message.to) == 1
        assert due.name not in message.body
        for person in User.objects.all():
            assert person.email not in message.body
        assert f"/directory/{due.slug}/edit/" in message.body
        assert (
            message.body.count("http://testserver")
            + message.body.count("http://127.0.0.1:8000")
            == 1
        )
    remind()
    assert len(mailoutbox) == 2

    Organization.objects.filter(pk=due.pk).update(assured_date=date(2026, 6, 1))
    remind()
    assert len(mailoutbox) == 4


def test_members_and_observers_are_not_reminded(due, mailoutbox):
    remind()
    recipients = {m.to[0] for m in mailoutbox}
    assert "member.a@example.org" not in recipients
    assert "observer.a@example.org" not in recipients


def test_a_listing_one_day_short_of_eleven_months_is_not_reminded(due, mailoutbox):
    Organization.objects.filter(pk=due.pk).update(assured_date=date(2026, 7, 16))
    remind()
    assert mailoutbox == []


def test_a_listing_without_administrators_waits_for_one(today, mailoutbox):
    org = OrganizationFactory(assured_date=date(2025, 1, 1))
    remind()
    assert mailoutbox == []
    admin = User.objects.create_user("late.admin@example.org", "fictitious-pass-2")
    Membership.objects.create(
        user=admin, organization=org, role=Role.ORGANISATION_ADMIN
    )
    remind()
    assert [m.to for m in mailoutbox] == [["late.admin@example.org"]]


def test_a_listing_with_a_pending_proposal_is_not_reminded(due, people, mailoutbox):
    ListingChangeRequest.objects.create(
        organization=due,
        kind=ListingChangeRequest.Kind.CONFIRMATION,
        language="en",
        submitted_by=people["admin_a"],
    )
    remind()
    assert mailoutbox == []


@override_settings(RELAIS_VERIFICATION_REMIND_AFTER_MONTHS=6)
def test_the_threshold_is_a_setting(org_a, org_b, people, today, mailoutbox):
    Organization.objects.filter(pk=org_a.pk).update(assured_date=date(2026, 12, 15))
    Organization.objects.filter(pk=org_b.pk).update(assured_date=date(2026, 12, 16))
    remind()
    assert [m.to for m in mailoutbox] == [["admin.a@example.org"]]


@override_settings(RELAIS_SITE_URL="")
def test_the_command_refuses_to_send_links_without_the_site_address(due, mailoutbox):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="RELAIS_SITE_URL"):
        remind()
    assert mailoutbox == []


def test_a_reminder_the_mail_server_refused_is_sent_at_the_next_run(
    due, mailoutbox, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from django.core.management.base import CommandError

    from relais.verification.models import VerificationReminder

    def refuse(*args, **kwargs):
        raise SMTPServerDisconnected("fictitious outage")

    import relais.core.mail

    working = relais.core.mail.send_mass_mail
    monkeypatch.setattr(relais.core.mail, "send_mass_mail", refuse)
    with pytest.raises(CommandError, match="next run"):
        remind()
    assert not VerificationReminder.objects.exists()

    monkeypatch.setattr(relais.core.mail, "send_mass_mail", working)
    remind()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "admin.a@example.org",
        "admin2.a@example.org",
    ]
    assert VerificationReminder.objects.count() == 1
