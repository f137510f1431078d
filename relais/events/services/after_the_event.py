"""Attendance, the participant list's export, materials and feedback."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from relais.audit.services import audit_record

from ..audit_actions import EventAction
from ..models import Event, Feedback, Material, Registration, RegistrationStatus


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
