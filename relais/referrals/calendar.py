"""Referral deadlines as iCal (RFC 5545), made with the icalendar library.

A feed carries the kind of deadline, its date and time and a link to the
referral: never a name, a case code or a note (DESIGN.md: no personal data
outside the platform).
"""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Deadline


def deadlines_ics(deadlines: Iterable[Deadline], request: HttpRequest) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Relais//Referral deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Relais")
    stamp = timezone.now()
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"{deadline.pk}@relais")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_at.astimezone(ZoneInfo(deadline.time_zone)))
        event.add("summary", f"Relais: {deadline.get_kind_display()}")
        event.add(
            "url",
            request.build_absolute_uri(
                reverse("referrals:detail", args=[deadline.referral_id])
            ),
        )
        calendar.add_component(event)
    return calendar.to_ical()
