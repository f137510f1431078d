"""Registrations: places, the waiting list, guests' confirmation,
cancellation."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.audit.services import audit_record
from relais.directory.models import Organization

from ..audit_actions import EventAction
from ..models import Event, Registration, RegistrationStatus
from ..selectors import seats_taken
from .base import Mail, event_locked, participant_mail, promote_first_in_line, send_all


class RegistrationRefused(ValidationError):
    """Registration is not possible; the message says why, nothing was written."""


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
            event = event_locked(event)
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
                    participant_mail(
                        registration,
                        subject=gettext_lazy("Confirm your registration on Relais"),
                        template="confirm.txt",
                        url_name="events:confirm",
                        request=request,
                        context={
                            "days": settings.RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS
                        },
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
    send_all(mails)
    return registration


def _status_mail(registration: Registration, request: HttpRequest | None) -> Mail:
    if registration.status == RegistrationStatus.WAITLISTED:
        subject = gettext_lazy("You are on the waiting list for an event on Relais")
        template = "waitlisted.txt"
    else:
        subject = gettext_lazy("Your place at an event on Relais is confirmed")
        template = "confirmed.txt"
    return participant_mail(
        registration, subject=subject, template=template, request=request
    )


def registration_confirm(
    *, registration: Registration, request: HttpRequest | None = None
) -> Registration:
    """A guest follows the link sent to them: a place, or a place in line."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        event = event_locked(registration.event)
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
    send_all([mail])
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
        event = event_locked(registration.event)
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
            promoted = promote_first_in_line(event, now, request, mails)
    send_all(mails)
    return promoted
