"""iCalendar (RFC 5545) files for one event and feeds of many (icalendar)."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from relais.core.mail import absolute_url

from .models import Event, EventFormat


def _location(event: Event) -> str:
    parts = []
    if event.venue_id and event.venue is not None:
        parts.append(str(event.venue))
    if event.city:
        parts.append(event.city)
    if event.country:
        parts.append(str(event.country.name))
    if event.format != EventFormat.IN_PERSON:
        parts.append(str(event.get_format_display()))
    return ", ".join(parts)


def calendar_of(
    events: Iterable[Event], *, name: str, request: HttpRequest | None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host = settings.RELAIS_SITE_URL.split("//")[-1].split("/")[0] or "relais"
    stamp = timezone.now()
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"{event.pk}@{host}")
        entry.add("dtstamp", stamp)
        if event.all_day:
            # DTEND of a whole-day event is the day after its last day.
            entry.add("dtstart", event.starts_at.astimezone(event.zone).date())
            last_day = event.ends_at.astimezone(event.zone).date()
            entry.add("dtend", last_day + timedelta(days=1))
        else:
            # In the venue's time zone; icalendar writes the matching VTIMEZONE.
            entry.add("dtstart", event.starts_at.astimezone(event.zone))
            entry.add("dtend", event.ends_at.astimezone(event.zone))
        entry.add("summary", event.title)
        if event.summary:
            entry.add("description", event.summary)
        location = _location(event)
        if location:
            entry.add("location", location)
        entry.add("url", absolute_url(event.get_absolute_url(), request))
        entry.add("categories", [str(event.get_kind_display())])
        entry.add("last-modified", event.updated_at)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
