"""What every event write shares: e-mails sent after the commit, the
event's row lock, giving a free place to the first in line."""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from relais.audit.services import audit_record
from relais.core.mail import MAIL_ERRORS, absolute_url, language_of

from ..audit_actions import EventAction
from ..models import Event, Registration, RegistrationStatus
from ..selectors import registration_token, seats_taken, waitlist

logger = logging.getLogger(__name__)

Mail = Callable[[], object]


def send_all(mails: Iterable[Mail]) -> None:
    for send in mails:
        try:
            send()
        except MAIL_ERRORS:
            logger.warning("An event e-mail was not sent", exc_info=True)


def participant_mail(
    registration: Registration,
    *,
    subject: Any,
    template: str,
    url_name: str = "events:registration",
    request: HttpRequest | None = None,
    context: dict[str, Any] | None = None,
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
                {
                    "link": absolute_url(path, request),
                    "event_title": event_title,
                    **(context or {}),
                },
            )
            send_mail(str(subject), body, None, [address])

    return send


def event_locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def promote_first_in_line(
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
        participant_mail(
            first,
            subject=gettext_lazy("A place became free: you can attend the event"),
            template="promoted.txt",
            request=request,
        )
    )
    return first
