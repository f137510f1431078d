"""The deadlines' iCal feed and the anonymised statistics."""

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from relais.referrals import services

from .conftest import ALL_SENTINELS, sent

pytestmark = pytest.mark.django_db


def test_the_feed_parses_and_carries_kinds_and_dates_only(people, referral_full):
    feed = services.calendar_feed_for(people["member_b"])
    response = Client().get(reverse("referrals:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert "Hearing" in str(events[0]["SUMMARY"])
    assert events[0]["DTSTART"].dt.tzinfo is not None
    text = response.content.decode()
    for sentinel in ALL_SENTINELS:
        assert sentinel not in text
    assert referral_full.case_code not in text


def test_a_feed_of_someone_outside_the_referral_is_empty(member_c, referral_full):
    feed = services.calendar_feed_for(member_c)
    response = Client().get(reverse("referrals:calendar_feed", args=[feed.token]))
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_an_unknown_or_renewed_token_is_refused(people, referral_full):
    old = services.calendar_feed_for(people["member_a"]).token
    services.calendar_feed_for(people["member_a"], renew=True)
    assert (
        Client().get(reverse("referrals:calendar_feed", args=[old])).status_code == 404
    )
    forged = reverse("referrals:calendar_feed", args=["forged"])
    assert Client().get(forged).status_code == 404


def test_statistics_suppress_cells_under_five(clients, people, org_a, org_b):
    for _ in range(6):
        sent(people, org_a, org_b)
    response = clients["member_a"].get(reverse("referrals:statistics"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>BE</td><td>RO</td>" in body.replace("\n", "")
    csv = clients["member_a"].get(reverse("referrals:statistics") + "?format=csv")
    lines = csv.content.decode().splitlines()
    assert "country_pair,BE-RO,6" in lines
    # Six referrals, each for two purposes: 6 each; no outcome yet.
    assert "purpose,legal_advice,6" in lines


def test_small_numbers_are_shown_as_under_five(clients, people, org_a, org_b):
    for _ in range(2):
        sent(people, org_a, org_b)
    csv = clients["member_a"].get(reverse("referrals:statistics") + "?format=csv")
    lines = csv.content.decode().splitlines()
    assert "country_pair,BE-RO,<5" in lines
    assert not any(line.endswith(",2") for line in lines)
