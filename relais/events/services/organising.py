"""Writes of organisers: creating and changing an event, its programme."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.audit.services import audit_record
from relais.directory.models import Organization

from ..audit_actions import EventAction
from ..models import Event, Session
from ..selectors import seats_taken
from .base import Mail, event_locked, promote_first_in_line, send_all


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
        event = event_locked(event)
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
        while promote_first_in_line(event, now, request, mails) is not None:
            pass
        audit_record(
            action=EventAction.EVENT_UPDATED,
            actor=actor,
            request=request,
            target=event,
            target_type="event",
            details={"fields": changed},
        )
    send_all(mails)
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
