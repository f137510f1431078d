"""Messages, documents, deadlines and the calendar of a referral."""

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.core import get_global
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.audit.services import audit_record
from relais.core.mail import atomic_then_mail

from ..audit_actions import ReferralAction
from ..documents import DocumentCheck
from ..models import (
    CalendarFeed,
    Deadline,
    Document,
    Message,
    Referral,
    TimelineKind,
    column_seal,
)
from .base import (
    actor_side,
    other_side,
    party_tell,
    permission_require,
    referral_locked,
    timeline_add,
)

# Messages and documents --------------------------------------------------------


@atomic_then_mail
def referral_message_send(
    *,
    referral_id: Any,
    actor: User,
    body: str,
    document: DocumentCheck | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """A message (and optionally one checked document) to the other side."""
    referral = referral_locked(referral_id)
    permission_require("referrals.message", actor, referral)
    body = body.strip()
    if not body and document is None:
        raise ValidationError({"body": _("Write a message or attach a document.")})
    side = actor_side(actor, referral)
    message = Message(referral=referral, side=side, author=actor)
    message.body_encrypted = column_seal(message, "body_encrypted", body.encode())
    message.save()
    timeline_add(referral, kind=TimelineKind.MESSAGE, side=side, actor=actor)
    audit_record(
        action=ReferralAction.MESSAGE_SENT,
        actor=actor,
        request=request,
        target=referral,
        details={"side": side, "document": document is not None},
    )
    if document is not None:
        stored = Document(
            referral=referral,
            message=message,
            side=side,
            uploaded_by=actor,
            content_type=document.content_type,
            size=len(document.content),
        )
        stored.name_encrypted = column_seal(
            stored, "name_encrypted", document.name.encode()
        )
        stored.content_encrypted = column_seal(
            stored, "content_encrypted", document.content
        )
        stored.save()
        audit_record(
            action=ReferralAction.DOCUMENT_ADDED,
            actor=actor,
            request=request,
            target=referral,
            details={"content_type": document.content_type, "size": stored.size},
        )
    party_tell(referral, side=other_side(side), request=request)
    return message


def referral_personal_data_read(
    *, referral: Referral, viewer: Any, request: HttpRequest | None, what: str
) -> None:
    """Write down that `viewer` read the referral's personal data."""
    audit_record(
        action=(
            ReferralAction.DOCUMENT_DOWNLOADED
            if what == "document"
            else ReferralAction.PERSONAL_DATA_VIEWED
        ),
        actor=viewer,
        request=request,
        target=referral,
        details={"what": what},
    )


# Deadlines and the calendar ----------------------------------------------------


def country_time_zone(country: str) -> str:
    zones = get_global("territory_zones").get(str(country).upper()) or []
    return zones[0] if zones else "UTC"


@atomic_then_mail
def referral_deadline_set(
    *,
    referral_id: Any,
    actor: User,
    kind: str,
    local_time: datetime,
    country: str,
    request: HttpRequest | None = None,
) -> Deadline:
    """A deadline at a local date and time of the country where it happens."""
    referral = referral_locked(referral_id)
    permission_require("referrals.set_deadline", actor, referral)
    if country not in {str(referral.sending_country), str(referral.receiving_country)}:
        raise ValidationError({"country": _("Choose one of the two countries.")})
    zone = country_time_zone(country)
    due_at = local_time.replace(tzinfo=ZoneInfo(zone))
    if due_at < timezone.now():
        raise ValidationError({"due": _("The deadline is already past.")})
    deadline = Deadline(
        referral=referral, kind=kind, due_at=due_at, time_zone=zone, set_by=actor
    )
    deadline.full_clean()
    deadline.save()
    side = actor_side(actor, referral)
    timeline_add(referral, kind=TimelineKind.DEADLINE, side=side, actor=actor)
    audit_record(
        action=ReferralAction.DEADLINE_SET,
        actor=actor,
        request=request,
        target=referral,
        details={"kind": kind},
    )
    party_tell(referral, side=other_side(side), request=request)
    return deadline


def calendar_feed_for(user: Any, *, renew: bool = False) -> CalendarFeed:
    feed, created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    if renew and not created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed
