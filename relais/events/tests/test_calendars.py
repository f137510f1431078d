"""The .ics file of an event and the feeds per country and audience, read back
with icalendar's parser."""

import pytest
from icalendar import Calendar

from relais.events.models import EventVisibility

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def _parsed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_event_ics_is_valid_and_in_the_venue_time_zone(event, anonymous):
    calendar = _parsed(anonymous.get(f"/en/events/{event.slug}/event.ics"))
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == event.title_en
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert str(entry.decoded("dtstart").tzinfo) == "Europe/Brussels"
    assert entry["dtstart"].params["TZID"] == "Europe/Brussels"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(entry["url"]).endswith(f"/en/events/{event.slug}/")
    assert "Brussels" in str(entry["location"])


def test_country_feed_has_the_country_public_events_only(anonymous):
    be = EventFactory(country="BE", title_en="Fictitious Brussels")
    EventFactory(
        country="RO", title_en="Fictitious Bucharest", time_zone="Europe/Bucharest"
    )
    EventFactory(
        country="BE", title_en="Fictitious private", visibility=EventVisibility.PRIVATE
    )
    calendar = _parsed(anonymous.get("/en/events/calendars/country/be.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [be.title_en]
    calendar = _parsed(anonymous.get("/en/events/calendars/country/ro.ics"))
    (entry,) = calendar.walk("VEVENT")
    assert entry["dtstart"].params["TZID"] == "Europe/Bucharest"


def test_audience_feed_has_the_events_for_that_profession(anonymous):
    EventFactory(title_en="Fictitious for judges", audiences=["judge"])
    EventFactory(title_en="Fictitious for police", audiences=["police"])
    calendar = _parsed(anonymous.get("/fr/events/calendars/audience/judge.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [
        "Fictitious for judges"
    ]
    # Named in the language of the address it was subscribed from.
    assert str(calendar["x-wr-calname"]) == "Événements Relais pour\u00a0: Juge"


def test_unknown_feed_is_a_clear_404(anonymous):
    response = anonymous.get("/en/events/calendars/country/zz.ics")
    assert response.status_code == 404
    assert "Unknown country code." in response.content.decode()
    response = anonymous.get("/en/events/calendars/audience/astronaut.ics")
    assert response.status_code == 404
    assert "Unknown audience." in response.content.decode()


def test_feed_page_lists_countries_and_audiences(event, anonymous, clients):
    for client in (anonymous, clients["admin_b"]):
        html = client.get("/en/events/calendars/").content.decode()
        assert "/en/events/calendars/country/be.ics" in html
        assert "/en/events/calendars/audience/judge.ics" in html
