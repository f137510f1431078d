"""Writes for events: creating them, registrations, the waiting list,
attendance, reminders, materials, feedback and the retention purge.

Every change of places happens with the event's row locked
(`select_for_update`; on SQLite the IMMEDIATE transaction holds the database's
write lock from its first statement), in a durable transaction, so that two
registrations for the last place never both get it. E-mails are sent after
the commit and only link to the platform.
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.audit.services import audit_record
from relais.core.dates import months_before
from relais.core.mail import MAIL_ERRORS, absolute_url, language_of
from relais.directory.models import Organization

from .audit_actions import EventAction
from .models import (
    Event,
    Feedback,
    Material,
    Registration,
    RegistrationStatus,
    Session,
)
from .selectors import registration_token, seats_taken, waitlist

logger = logging.getLogger(__name__)

Mail = Callable[[], object]


def _send_all(mails: Iterable[Mail]) -> None:
    for send in mails:
        try:
            send()
        except MAIL_ERRORS:
            logger.warning("An event e-mail was not sent", exc_info=True)


def _participant_mail(
    registration: Registration,
    *,
    subject: Any,
    template: str,
    url_name: str = "events:registration",
    request: HttpRequest | None = None,
) -> Mail:
    """An e-mail to the participant, in their language, with their own link."""
    language = registration.language or language_of(registration.user)
    address = registration.email
    token = registration_token(registration)
    event_title = registration.event.title

    def send() -> None:
        with translation.override(language):
            path = reverse(url_name, kwargs={"token": token})
            body = render_to_string(
                f"events/email/{template}",
                {"link": absolute_url(path, request), "event_title": event_title},
            )
            send_mail(str(subject), body, None, [address])

    return send


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


# Events -------------------------------------------------------------------------


def event_create(
    *,
    actor: Any,
    organiser: Organization,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> Event:
    """A new event organised by `organiser`, written by one of its administrators."""
    m2m = {
        key: values.pop(key)
        for key in ("good_practices", "handbook_sections")
        if key in values
    }
    with transaction.atomic():
        event = Event(created_by=actor, **values)
        event.full_clean()
        event.save()
        event.organisers.add(organiser)
        for key, items in m2m.items():
            getattr(event, key).set(items)
        audit_record(
            action=EventAction.EVENT_CREATED,
            actor=actor,
            request=request,
            target=event,
            target_type="event",
            details={"organiser": str(organiser.pk)},
        )
    return event


def event_update(
    *,
    event: Event,
    values: dict[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
) -> Event:
    """Change an event. More places go to the first in line at once; fewer
    places than confirmed participants are refused."""
    m2m = {
        key: values.pop(key)
        for key in ("good_practices", "handbook_sections")
        if key in values
    }
    now = timezone.now()
    mails: list[Mail] = []
    with transaction.atomic(durable=True):
        event = _locked(event)
        taken = seats_taken(event)
        if values.get("capacity", event.capacity) < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s participants already have a place: cancel "
                        "registrations first or keep at least that many places."
                    )
                    % {"taken": taken}
                }
            )
        changed = sorted(k for k, v in values.items() if getattr(event, k) != v)
        for key, value in values.items():
            setattr(event, key, value)
        event.full_clean()
        event.save()
        for key, items in m2m.items():
            getattr(event, key).set(items)
        while _promote_first_in_line(event, now, request, mails) is not None:
            pass
        audit_record(
            action=EventAction.EVENT_UPDATED,
            actor=actor,
            request=request,
            target=event,
            target_type="event",
            details={"fields": changed},
        )
    _send_all(mails)
    return event


def session_add(
    *,
    event: Event,
    starts_at: datetime,
    ends_at: datetime | None,
    title: str,
    speakers: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Session:
    """Add an item to the programme, its title in the writer's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        session = Session(
            event=event,
            starts_at=starts_at,
            ends_at=ends_at,
            speakers=speakers,
            **{f"title_{language}": title},
        )
        session.full_clean()
        session.save()
        audit_record(
            action=EventAction.EVENT_UPDATED,
            actor=actor,
            request=request,
            target=event,
            target_type="event",
            details={"programme": "session_added"},
        )
    return session


# Registrations --------------------------------------------------------------------


class RegistrationRefused(ValidationError):
    """Registration is not possible; the message says why, nothing was written."""


@dataclass
class RegistrationResult:
    registration: Registration
    status: str


def _place_status(event: Event) -> str:
    """CONFIRMED while a place is free, else WAITLISTED (or refused)."""
    if seats_taken(event) < event.capacity:
        return RegistrationStatus.CONFIRMED
    if event.waitlist:
        return RegistrationStatus.WAITLISTED
    raise RegistrationRefused(
        _("This event is full and has no waiting list."), code="full"
    )


def _check_open(event: Event, now: datetime) -> None:
    if not event.is_public:
        raise RegistrationRefused(
            _("This event does not take registrations."), code="private"
        )
    if not event.registration_open:
        raise RegistrationRefused(
            _("Registration for this event is closed."), code="closed"
        )
    if event.deadline_passed(now):
        raise RegistrationRefused(
            _("The registration deadline for this event has passed."),
            code="deadline",
        )


def registration_create(
    *,
    event: Event,
    user: Any = None,
    name: str,
    email: str,
    profession: str,
    organization: Organization | None = None,
    organization_name: str = "",
    language: str = "en",
    request: HttpRequest | None = None,
) -> Registration:
    """Register a signed-in professional (confirmed or waitlisted at once) or a
    guest (waiting for the confirmation link sent by e-mail)."""
    email = email.strip().lower()
    now = timezone.now()
    mails: list[Mail] = []
    try:
        with transaction.atomic(durable=True):
            event = _locked(event)
            _check_open(event, now)
            if event.registrations.filter(
                ~Q(status=RegistrationStatus.CANCELLED), email=email, anonymised=False
            ).exists():
                raise RegistrationRefused(
                    _("This e-mail address is already registered for this event."),
                    code="duplicate",
                )
            if user is not None:
                status = _place_status(event)
            else:
                status = RegistrationStatus.UNCONFIRMED
            registration = Registration(
                event=event,
                user=user,
                name=name.strip(),
                email=email,
                profession=profession,
                organization=organization,
                organization_name=organization_name.strip(),
                language=language,
                status=status,
                confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
                waitlisted_at=now if status == RegistrationStatus.WAITLISTED else None,
            )
            registration.full_clean()
            registration.save()
            audit_record(
                action=EventAction.REGISTRATION_CREATED,
                actor=user,
                request=request,
                target=registration,
                target_type="event_registration",
                details={"event": str(event.pk), "status": status},
            )
            if status == RegistrationStatus.UNCONFIRMED:
                mails.append(
                    _participant_mail(
                        registration,
                        subject=gettext_lazy("Confirm your registration on Relais"),
                        template="confirm.txt",
                        url_name="events:confirm",
                        request=request,
                    )
                )
            else:
                mails.append(_status_mail(registration, request))
    except IntegrityError as error:
        # The partial unique constraint: the same address at the same moment.
        raise RegistrationRefused(
            _("This e-mail address is already registered for this event."),
            code="duplicate",
        ) from error
    _send_all(mails)
    return registration


def _status_mail(registration: Registration, request: HttpRequest | None) -> Mail:
    if registration.status == RegistrationStatus.WAITLISTED:
        subject = gettext_lazy("You are on the waiting list for an event on Relais")
        template = "waitlisted.txt"
    else:
        subject = gettext_lazy("Your place at an event on Relais is confirmed")
        template = "confirmed.txt"
    return _participant_mail(
        registration, subject=subject, template=template, request=request
    )


def registration_confirm(
    *, registration: Registration, request: HttpRequest | None = None
) -> Registration:
    """A guest follows the link sent to them: a place, or a place in line."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != RegistrationStatus.UNCONFIRMED:
            raise RegistrationRefused(
                _("This registration was already confirmed; nothing was changed."),
                code="already_confirmed",
            )
        _check_open(event, now)
        registration.status = _place_status(event)
        if registration.status == RegistrationStatus.CONFIRMED:
            registration.confirmed_at = now
        else:
            registration.waitlisted_at = now
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
        audit_record(
            action=EventAction.REGISTRATION_CONFIRMED,
            request=request,
            target=registration,
            target_type="event_registration",
            details={"event": str(event.pk), "status": registration.status},
        )
        mail = _status_mail(registration, request)
    _send_all([mail])
    return registration


def registration_cancel(
    *, registration: Registration, actor: Any = None, request: HttpRequest | None = None
) -> Registration | None:
    """The participant cancels; their place goes to the first in line, if any.
    Returns the promoted registration."""
    now = timezone.now()
    mails: list[Mail] = []
    promoted = None
    with transaction.atomic(durable=True):
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationRefused(
                _("This registration was already cancelled."), code="cancelled"
            )
        if event.is_past:
            raise RegistrationRefused(
                _("This event is over; the registration can no longer be cancelled."),
                code="past",
            )
        had_place = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        audit_record(
            action=EventAction.REGISTRATION_CANCELLED,
            actor=actor,
            request=request,
            target=registration,
            target_type="event_registration",
            details={"event": str(event.pk)},
        )
        if had_place:
            promoted = _promote_first_in_line(event, now, request, mails)
    _send_all(mails)
    return promoted


def _promote_first_in_line(
    event: Event, now: datetime, request: HttpRequest | None, mails: list[Mail]
) -> Registration | None:
    if seats_taken(event) >= event.capacity:
        return None
    first = waitlist(event).select_for_update().first()
    if first is None:
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.confirmed_at = now
    first.save(update_fields=["status", "confirmed_at"])
    audit_record(
        action=EventAction.REGISTRATION_PROMOTED,
        request=request,
        target=first,
        target_type="event_registration",
        details={"event": str(event.pk)},
    )
    mails.append(
        _participant_mail(
            first,
            subject=gettext_lazy("A place became free: you can attend the event"),
            template="promoted.txt",
            request=request,
        )
    )
    return first


# Organisers ---------------------------------------------------------------------


def attendance_mark(
    *,
    event: Event,
    present: set[str],
    actor: Any,
    request: HttpRequest | None = None,
) -> int:
    """Mark who of the confirmed participants attended (the others did not)."""
    present = {value for value in present if _is_uuid(value)}
    with transaction.atomic():
        confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        attended = confirmed.filter(pk__in=present).update(attended=True)
        confirmed.exclude(pk__in=present).update(attended=False)
        audit_record(
            action=EventAction.ATTENDANCE_MARKED,
            actor=actor,
            request=request,
            target=event,
            target_type="event",
            details={"present": attended},
        )
    return attended


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def participants_export_record(
    *, event: Event, actor: Any, file_format: str, request: HttpRequest | None = None
) -> None:
    audit_record(
        action=EventAction.PARTICIPANTS_EXPORTED,
        actor=actor,
        request=request,
        target=event,
        target_type="event",
        details={"format": file_format},
    )


def material_add(
    *,
    event: Event,
    title: str,
    url: str = "",
    pdf: bytes | None = None,
    participants_only: bool = False,
    actor: Any,
    request: HttpRequest | None = None,
) -> Material:
    with transaction.atomic():
        material = Material(
            event=event,
            title=title,
            url=url,
            pdf=pdf,
            participants_only=participants_only,
        )
        material.full_clean()
        material.save()
        audit_record(
            action=EventAction.MATERIAL_ADDED,
            actor=actor,
            request=request,
            target=material,
            target_type="event_material",
            details={"event": str(event.pk)},
        )
    return material


def feedback_submit(
    *, registration: Registration, usefulness: int, comment: str
) -> Feedback:
    """One answer per participant, after the event."""
    if not registration.event.is_past:
        raise ValidationError(
            _("Feedback opens once the event is over."), code="not_over"
        )
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            _("Only participants can give feedback."), code="not_participant"
        )
    with transaction.atomic():
        if Feedback.objects.filter(registration=registration).exists():
            raise ValidationError(
                _("Your feedback was already received; thank you."),
                code="duplicate",
            )
        feedback = Feedback(
            event=registration.event,
            registration=registration,
            usefulness=usefulness,
            comment=comment,
        )
        feedback.full_clean()
        feedback.save()
    return feedback


# Scheduled jobs -------------------------------------------------------------------


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
                _participant_mail(r, subject=subject, template="reminder.txt")
                for r in registrations
            ]
            _send_all(mails)
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
