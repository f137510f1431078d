"""Reminders, escalation, deadline reminders, retention purge and erasure."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relais.audit.models import AuditEntry
from relais.core.models import ScheduledJobRun
from relais.referrals import services
from relais.referrals.models import Referral, Status

from .conftest import ALL_SENTINELS, move

pytestmark = pytest.mark.django_db


def later(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_an_unanswered_referral_is_reminded_then_escalated_once(
    people, referral_sent, settings
):
    settings.RELAIS_REFERRAL_ANSWER_DAYS = 5
    assert services.referral_reminders_send(now=later(3)) == (0, 0, 0)
    assert services.referral_reminders_send(now=later(6)) == (1, 0, 0)
    assert services.referral_reminders_send(now=later(7)) == (0, 0, 0)
    mail.outbox.clear()
    assert services.referral_reminders_send(now=later(12)) == (0, 1, 0)
    assert {m.to[0] for m in mail.outbox} == {"coordinator.ro@example.org"}
    for message in mail.outbox:
        for sentinel in ALL_SENTINELS:
            assert sentinel not in message.body
    assert services.referral_reminders_send(now=later(13)) == (0, 0, 0)


def test_an_answered_referral_is_not_reminded(people, referral_sent):
    move(referral_sent, "accept", people["member_b"])
    assert services.referral_reminders_send(now=later(30)) == (0, 0, 0)


def test_deadlines_are_reminded_a_week_and_a_day_before_to_both_sides(
    people, referral_full
):
    deadline = referral_full.deadlines.get()
    mail.outbox.clear()
    due = deadline.due_at
    week = services.referral_reminders_send(now=due - datetime.timedelta(days=6))
    assert week[2] == 1
    recipients = {m.to[0] for m in mail.outbox}
    assert {"member.a@example.org", "member.b@example.org"} <= recipients
    day = services.referral_reminders_send(now=due - datetime.timedelta(hours=20))
    assert day[2] == 1
    again = services.referral_reminders_send(now=due - datetime.timedelta(hours=19))
    assert again[2] == 0


def test_the_purge_deletes_personal_data_after_the_retention_period(
    people, referral_full, settings
):
    settings.RELAIS_REFERRAL_RETENTION_MONTHS = 12
    move(referral_full, "close", people["member_b"], outcome="assisted", note="x")
    assert services.referrals_purge(now=later(300)) == 0
    assert services.referrals_purge(now=later(400)) == 1
    referral = Referral.objects.get(pk=referral_full.pk)
    assert referral.person == {}
    assert referral.case_code == ""
    assert referral.messages.count() == 0
    assert referral.documents.count() == 0
    assert all(entry.note == "" for entry in referral.timeline.all())
    # The anonymised record stays for the statistics.
    assert referral.status == Status.CLOSED
    assert referral.outcome == "assisted"
    assert referral.purposes == ["legal_advice", "compensation"]
    assert services.referrals_purge(now=later(500)) == 0


def test_relais_purge_runs_the_registered_purges_and_records_its_run():
    call_command("purge")
    assert ScheduledJobRun.objects.filter(name="purge").exists()


def test_the_reminders_command_records_its_run():
    call_command("referral_reminders")
    assert ScheduledJobRun.objects.filter(name="referral-reminders").exists()


def test_erasure_on_request_deletes_now_and_ends_the_referral(people, referral_full):
    services.referral_erase(referral_id=referral_full.pk, actor=people["admin_a"])
    referral = Referral.objects.get(pk=referral_full.pk)
    assert referral.status == Status.WITHDRAWN
    assert referral.purged_at is not None
    assert referral.person == {}
    assert AuditEntry.objects.filter(
        action="referral_purged", details__reason="erasure_request"
    ).exists()


def test_a_member_cannot_erase(people, referral_full):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.referral_erase(referral_id=referral_full.pk, actor=people["member_a"])
