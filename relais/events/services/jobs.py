"""Scheduled jobs: reminders before an event and the retention purge."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from relais.audit.services import audit_record
from relais.core.dates import months_before

from ..audit_actions import EventAction
from ..models import Event, Feedback, Registration, RegistrationStatus
from .base import event_locked, participant_mail, send_all


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed participants a week and a day before their event.

    Each reminder is claimed with a conditional UPDATE, so two workers never
    send the same one. Returns the e-mails sent.
    """
    now = now or timezone.now()
    sent = 0
    for field, ahead, subject in (
        (
            "week_reminder_sent_at",
            timedelta(days=7),
            gettext_lazy("Reminder: your event on Relais is in a week"),
        ),
        (
            "day_reminder_sent_at",
            timedelta(days=1),
            gettext_lazy("Reminder: your event on Relais is tomorrow"),
        ),
    ):
        due = Event.objects.filter(
            starts_at__gt=now, starts_at__lte=now + ahead, **{f"{field}__isnull": True}
        )
        for event_id in list(due.values_list("pk", flat=True)):
            claimed = Event.objects.filter(
                pk=event_id, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if not claimed:
                continue
            registrations = Registration.objects.select_related("event").filter(
                event_id=event_id, status=RegistrationStatus.CONFIRMED
            )
            mails = [
                participant_mail(r, subject=subject, template="reminder.txt")
                for r in registrations
            ]
            send_all(mails)
            sent += len(mails)
    return sent


def participants_purge(*, now: datetime | None = None) -> int:
    """Delete participants' personal data RELAIS_EVENTS_RETENTION_MONTHS after
    their event ended; profession, status and attendance remain for the
    statistics. Returns the registrations cleared."""
    now = now or timezone.now()
    months = settings.RELAIS_EVENTS_RETENTION_MONTHS
    cutoff_day = months_before(now.date(), months)
    cutoff = datetime.combine(cutoff_day, datetime.min.time(), tzinfo=now.tzinfo)
    events = Event.objects.filter(ends_at__lt=cutoff, personal_data_deleted_at=None)
    cleared = 0
    for event in events:
        with transaction.atomic():
            registrations = event.registrations.filter(anonymised=False)
            count = registrations.update(
                name="",
                email="",
                organization=None,
                organization_name="",
                user=None,
                anonymised=True,
            )
            Feedback.objects.filter(event=event).update(registration=None)
            event.personal_data_deleted_at = now
            event.save(update_fields=["personal_data_deleted_at"])
            audit_record(
                action=EventAction.PARTICIPANTS_PURGED,
                target=event,
                target_type="event",
                details={"registrations": count},
            )
        cleared += count
    return cleared


def unconfirmed_registrations_purge(*, now: datetime | None = None) -> int:
    """Delete guests' registrations nobody confirmed, once
    RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS have passed since they were
    made, or sooner once their event's registration deadline (without one,
    its start) has passed and they can no longer be confirmed. They hold no
    place; their address may then register again. Returns the registrations
    deleted."""
    now = now or timezone.now()
    days = settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS
    expired = Q(status=RegistrationStatus.UNCONFIRMED) & (
        Q(created_at__lt=now - timedelta(days=days))
        | Q(event__registration_deadline__lt=now)
        | Q(event__registration_deadline=None, event__starts_at__lt=now)
    )
    events = Event.objects.filter(
        pk__in=Registration.objects.filter(expired).values("event")
    )
    deleted = 0
    for event in events:
        # The lock registration_confirm takes first: a guest confirming at
        # this moment either gets in before the purge or finds the link gone.
        with transaction.atomic(durable=True):
            event = event_locked(event)
            registrations = event.registrations.filter(expired)
            count = registrations.count()
            registrations.delete()
            audit_record(
                action=EventAction.UNCONFIRMED_DELETED,
                target=event,
                target_type="event",
                details={"registrations": count},
            )
        deleted += count
    return deleted
