"""Reads for events: what a viewer may see, filters, participants and their mix."""

from collections import Counter
from datetime import datetime
from typing import Any

import rules
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Profession, Role
from relais.core.viewers import is_professional

from .models import (
    ACTIVE_STATUSES,
    Event,
    EventVisibility,
    Registration,
    RegistrationStatus,
)

# A salt, not a secret: it keeps these tokens apart from other signed values.
TOKEN_SALT = "relais.events.registration"  # noqa: S105


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Public events, and the private ones the viewer organises."""
    events = Event.objects.all()
    if is_professional(user) and user.is_superuser:
        return events
    visible = Q(visibility=EventVisibility.PUBLIC)
    if is_professional(user):
        organisations = user.memberships.filter(
            role=Role.ORGANISATION_ADMIN
        ).values_list("organization", flat=True)
        visible |= Q(organisers__in=list(organisations))
    return events.filter(visible).distinct()


def event_get(*, slug: str, user: Any) -> Event | None:
    return events_visible_to(user).filter(slug=slug).first()


def events_filtered(
    *,
    user: Any,
    country: str = "",
    kind: str = "",
    audience: str = "",
    language: str = "",
    when: str = "upcoming",
    now: datetime | None = None,
) -> QuerySet[Event]:
    """The list and calendar views' events, filtered by what the reader chose."""
    now = now or timezone.now()
    events = events_visible_to(user)
    if country:
        events = events.filter(country=country.upper())
    if kind:
        events = events.filter(kind=kind)
    # The lists are JSON arrays of codes: a quoted code matches one element.
    if audience:
        events = events.filter(audiences__icontains=f'"{audience}"')
    if language:
        events = events.filter(
            Q(languages__icontains=f'"{language}"')
            | Q(interpretation__icontains=f'"{language}"')
        )
    if when == "past":
        return events.filter(ends_at__lt=now).order_by("-starts_at")
    if when == "upcoming":
        events = events.filter(ends_at__gte=now)
    return events.order_by("starts_at")


def public_events(
    *, country: str = "", audience: str = "", now: datetime | None = None
) -> QuerySet[Event]:
    """What the subscribable feeds carry: public events, any date."""
    events = Event.objects.filter(visibility=EventVisibility.PUBLIC)
    if country:
        events = events.filter(country=country.upper())
    if audience:
        events = events.filter(audiences__icontains=f'"{audience}"')
    return events.order_by("starts_at")


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def seats_left(event: Event) -> int:
    return max(0, event.capacity - seats_taken(event))


def registration_of(*, event: Event, user: Any) -> Registration | None:
    """The viewer's own active (or last cancelled) registration for the event."""
    if not is_professional(user):
        return None
    return event.registrations.filter(user=user).order_by("-created_at").first()


def registration_token(registration: Registration) -> str:
    """The secret in a participant's links (confirmation, cancellation, certificate)."""
    return signing.dumps(str(registration.pk), salt=TOKEN_SALT)


def registration_from_token(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    return (
        Registration.objects.select_related("event")
        .filter(pk=pk, anonymised=False)
        .first()
    )


def participants(event: Event) -> QuerySet[Registration]:
    """The organisers' list: everyone still registered or waiting, then cancelled."""
    return (
        event.registrations.filter(anonymised=False)
        .select_related("organization")
        .order_by("status", "created_at")
    )


def profession_mix(event: Event) -> list[tuple[str, int]]:
    """How many confirmed participants (those present, after the event) come
    from each profession: the multidisciplinary mix."""
    registrations = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    if event.is_past and registrations.filter(attended__isnull=False).exists():
        registrations = registrations.filter(attended=True)
    counts = Counter(registrations.values_list("profession", flat=True))
    labels = dict(Profession.choices)
    return [
        (str(labels.get(code, code)), count) for code, count in counts.most_common()
    ]


def waitlist(event: Event) -> QuerySet[Registration]:
    return event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "waitlisted_at", "created_at"
    )


def may_organise(user: Any, event: Event) -> bool:
    return bool(rules.has_perm("events.organise", user, event))


def active_statuses() -> tuple[str, ...]:
    return tuple(str(s) for s in ACTIVE_STATUSES)
