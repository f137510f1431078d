"""The project's past events from public sources, and the fictitious demo events."""

from io import StringIO

import pytest
from django.core.management import call_command
from icalendar import Calendar

from relais.events.models import Event, EventProvenance

pytestmark = pytest.mark.django_db


def test_past_project_events_are_loaded_with_their_sources(anonymous):
    call_command("load_events", stdout=StringIO())
    call_command("load_events", stdout=StringIO())  # again: nothing doubles
    past = Event.objects.filter(provenance=EventProvenance.PAST_PROJECT)
    assert past.count() == 5
    brussels = past.get(slug="2018-final-conference-brussels")
    assert (
        brussels.starts_local.date().isoformat(),
        brussels.ends_local.date().isoformat(),
    ) == ("2018-11-29", "2018-11-30")
    assert all(e.source_url.startswith("http") and e.source_checked_on for e in past)
    html = anonymous.get("/en/events/?when=past").content.decode()
    for city in ("Sofia", "Bucharest", "Madrid", "Brussels"):
        assert f"Local conference in {city}" in html or city == "Brussels"
    assert "Transnational final conference in Brussels" in html
    page = anonymous.get(f"/en/events/{brussels.slug}/").content.decode()
    assert "Past project event, from public sources" in page
    assert brussels.source_url in page
    assert "Register" not in page
    calendar = Calendar.from_ical(
        anonymous.get(f"/en/events/{brussels.slug}/event.ics").content
    )
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart").isoformat() == "2018-11-29"
    assert entry.decoded("dtend").isoformat() == "2018-12-01"


def test_demo_events_are_fictitious_and_labelled(anonymous, org_a):
    call_command("load_events", "--demo", stdout=StringIO())
    demos = Event.objects.filter(provenance=EventProvenance.FICTITIOUS)
    assert demos.count() == 2
    for event in demos:
        assert event.title_en.startswith("Fictitious demo event")
        html = anonymous.get(f"/en/events/{event.slug}/").content.decode()
        assert "This event is fictitious" in html
