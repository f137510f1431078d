"""Opening hours (HSDS `schedule`): their rules, and how readers see them."""

import re
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from relais.directory.models import Schedule, ServiceAtLocation, Visibility
from relais.directory.printable import printable_directory, printable_html

from .factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def weekdays(**fields):
    return Schedule(
        byday="MO,TU,WE,TH,FR", opens_at=time(8, 30), closes_at=time(17), **fields
    )


def test_weekday_hours_of_a_location_are_valid():
    weekdays(location=LocationFactory(), freq="WEEKLY").full_clean()


@pytest.mark.parametrize("byday", ["MON,TUE", "MO;TU", "mo,tu", "MO,MO", "1MO", "MO,"])
def test_days_not_in_ical_weekly_form_are_refused(byday):
    schedule = weekdays(location=LocationFactory())
    schedule.byday = byday
    with pytest.raises(ValidationError) as excinfo:
        schedule.full_clean()
    assert "byday" in excinfo.value.message_dict


def test_closing_before_opening_is_refused_and_the_database_agrees():
    schedule = weekdays(location=LocationFactory())
    schedule.closes_at = time(8)
    with pytest.raises(ValidationError) as excinfo:
        schedule.full_clean()
    assert "closes_at" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule.save()


def test_hours_belong_to_a_service_or_a_location():
    schedule = weekdays()
    with pytest.raises(ValidationError):
        schedule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        schedule.save()


def test_hours_need_days_and_times_or_words():
    with pytest.raises(ValidationError) as excinfo:
        Schedule(location=LocationFactory(), byday="MO").full_clean()
    assert "description" in excinfo.value.message_dict
    Schedule(location=LocationFactory(), description="By appointment.").full_clean()


def test_an_end_date_before_the_start_date_is_refused():
    schedule = weekdays(
        location=LocationFactory(),
        valid_from=date(2026, 6, 1),
        valid_to=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        schedule.full_clean()
    assert "valid_to" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon – Fri, Sun 08:30–17:00"),
        ("fr", "lun. – ven., dim. 08:30 – 17:00"),
        ("bg", "пн – пт, нд 8:30 ч. – 17:00 ч."),
    ],
)
def test_hours_are_written_in_the_readers_language_with_day_ranges(language, expected):
    schedule = Schedule(byday="SU,MO,TU,WE,TH,FR", opens_at=time(8, 30))
    schedule.closes_at = time(17)
    # CLDR separates the interval with thin spaces in some languages.
    assert " ".join(schedule.summary(language).split()) == expected


def test_two_consecutive_days_are_not_a_range():
    schedule = Schedule(byday="SA,SU", opens_at=time(10), closes_at=time(12))
    assert " ".join(schedule.summary("en").split()) == "Sat, Sun 10:00–12:00"


@pytest.fixture
def listing_with_hours(vocabularies):
    org = OrganizationFactory(name="Fictitious Drop-in Centre", country="BE")
    location = LocationFactory(organization=org)
    AddressFactory(location=location, city="Gent")
    weekdays(location=location).save()
    service = ServiceFactory(organization=org)
    Schedule.objects.create(service=service, description="Saturday by appointment.")
    hidden = LocationFactory(organization=org, visibility=Visibility.PROFESSIONALS)
    Schedule.objects.create(location=hidden, description="Sentinel hidden hours")
    return org


def page_text(client, org, language):
    with translation.override(language):
        url = reverse("directory:listing", kwargs={"slug": org.slug})
    return re.sub(r"\s+", " ", strip_tags(client.get(url).content.decode()))


@pytest.mark.parametrize(
    ("language", "days"),
    [("fr", "lun. – ven. 08:30 – 17:00"), ("bg", "пн – пт 8:30 ч. – 17:00 ч.")],
)
def test_listing_page_shows_opening_hours_in_the_readers_language(
    anonymous, listing_with_hours, language, days
):
    text = page_text(anonymous, listing_with_hours, language)
    assert days in text
    assert "Saturday by appointment." in text
    assert "Sentinel hidden hours" not in text


def test_printed_directory_shows_opening_hours(vocabularies, listing_with_hours):
    with translation.override("fr"):
        html = printable_html(printable_directory("BE", viewer=None))
    text = re.sub(r"\s+", " ", strip_tags(html))
    assert "lun. – ven. 08:30 – 17:00" in text
    assert "Saturday by appointment." in text
    assert "Sentinel hidden hours" not in text


def test_hours_of_a_service_at_a_location_need_no_other_link():
    org = OrganizationFactory()
    at = ServiceAtLocation.objects.create(
        service=ServiceFactory(organization=org),
        location=LocationFactory(organization=org),
    )
    weekdays(service_at_location=at).full_clean()


@pytest.fixture
def service_with_hours_at_locations(vocabularies):
    org = OrganizationFactory(name="Fictitious Legal Clinic", country="BE")
    service = ServiceFactory(organization=org, name_en="Fictitious legal advice")
    gent = LocationFactory(organization=org, name="")
    AddressFactory(location=gent, city="Gent")
    hidden = LocationFactory(organization=org, visibility=Visibility.PROFESSIONALS)
    for location, words in ((gent, "Fictitious walk-in"), (hidden, "Sentinel at")):
        at = ServiceAtLocation.objects.create(service=service, location=location)
        Schedule.objects.create(service_at_location=at, description=words)
    return org


def test_a_services_hours_at_a_location_show_under_it_where_visible(
    anonymous, service_with_hours_at_locations
):
    text = page_text(anonymous, service_with_hours_at_locations, "en")
    assert "Opening hours (Ghent): Fictitious walk-in" in text
    assert "Sentinel at" not in text


def test_printed_directory_shows_a_services_hours_at_a_location(
    service_with_hours_at_locations,
):
    html = printable_html(printable_directory("BE", viewer=None))
    text = re.sub(r"\s+", " ", strip_tags(html))
    assert (
        "Opening hours (Fictitious legal advice at Ghent): Fictitious walk-in" in text
    )
    assert "Sentinel at" not in text
