"""Dates written in each language's own form, on every page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from relais.core.dates import (
    format_day,
    format_day_of_week,
    format_moment,
    format_month,
)
from relais.directory.models import Assurance
from relais.directory.tests.factories import OrganizationFactory

DAY = date(2026, 12, 3)
# CLDR keeps the Bulgarian "year" mark on the year's line: a narrow no-break space.


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("ro", "3 decembrie 2026"),
        ("bg", "3 декември 2026\u202fг."),
        ("es", "3 de diciembre de 2026"),
        ("sv", "3 december 2026"),
        ("fr", "3 décembre 2026"),
        ("nl", "3 december 2026"),
        ("en", "3 December 2026"),
    ],
)
def test_a_day_is_written_in_the_language_own_form(language, written):
    assert format_day(DAY, language) == written
    with translation.override(language):
        assert format_day(DAY) == written


def test_months_and_moments_follow_the_same_forms():
    assert format_month(DAY, "ro") == "decembrie 2026"
    assert format_month(DAY, "bg") == "декември 2026\u202fг."
    assert format_month(DAY, "es") == "diciembre de 2026"
    moment = datetime(2026, 12, 3, 14, 5)
    assert format_moment(moment, "ro") == "3 decembrie 2026, 14:05"
    assert format_moment(moment, "bg") == "3 декември 2026\u202fг., 14:05"


FIRST_OF_AUGUST = date(2026, 8, 1)


def test_french_writes_the_first_day_of_a_month_as_an_ordinal():
    assert format_day(FIRST_OF_AUGUST, "fr") == "1er août 2026"
    assert format_moment(datetime(2026, 8, 1, 9, 30), "fr").startswith("1er août 2026")
    assert format_day_of_week(FIRST_OF_AUGUST, "fr") == "1er sam."
    with translation.override("fr"):
        written = render('{{ d|date:"DATE_FORMAT" }}', d=FIRST_OF_AUGUST)
    assert written == "1er août 2026"


def test_other_days_and_other_languages_keep_the_plain_number():
    assert format_day(date(2026, 8, 2), "fr") == "2 août 2026"
    assert format_day(date(2026, 8, 11), "fr") == "11 août 2026"
    assert format_day(date(2026, 8, 21), "fr") == "21 août 2026"
    assert format_day(FIRST_OF_AUGUST, "en") == "1 August 2026"
    assert format_day(FIRST_OF_AUGUST, "ro") == "1 august 2026"
    assert format_day(FIRST_OF_AUGUST, "es") == "1 de agosto de 2026"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("ro", "3 decembrie 2026"),
        ("bg", "3 декември 2026\u202fг."),
        ("es", "3 de diciembre de 2026"),
    ],
)
def test_the_date_filter_of_every_template_writes_these_forms(language, written):
    with translation.override(language):
        assert render('{{ d|date:"DATE_FORMAT" }}', d=DAY) == written
        assert render('{{ d|date:"j F Y" }}', d=DAY) == written
        assert render("{{ d|date }}", d=DAY) == written


def test_the_date_filter_shows_a_moment_in_the_local_time_zone():
    moment = datetime(2026, 12, 3, 13, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("ro"), timezone.override("Europe/Bucharest"):
        written = render('{{ m|date:"DATETIME_FORMAT" }}', m=moment)
    assert written == "3 decembrie 2026, 15:05"


def test_other_formats_are_left_to_django():
    with translation.override("bg"):
        assert render('{{ d|date:"Y-m-d" }}', d=DAY) == "2026-12-03"
        assert render('{{ d|date:"c" }}', d=DAY) == "2026-12-03"
    assert render('{{ d|date:"DATE_FORMAT" }}', d=None) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("ro", "3 decembrie 2026"),
        ("bg", "3 декември 2026\u202fг."),
        ("es", "3 de diciembre de 2026"),
    ],
)
def test_a_listing_page_dates_its_source_in_the_reader_language(
    anonymous, language, written
):
    org = OrganizationFactory(assured_date=DAY, assurance=Assurance.PUBLIC_SOURCES)
    page = anonymous.get(f"/{language}{org.get_absolute_url()[3:]}")
    assert written in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ro", "bg"])
def test_printed_on_line_uses_the_language_s_own_date_form(client, code):
    """The print footer of every page writes today's date like the rest:
    Django's own {% now %} would capitalise the Romanian and Bulgarian month."""
    import re

    with translation.override(code):
        expected = format_day(timezone.localdate())
    page = client.get(f"/{code}/").content.decode()
    footer = re.search(r'class="print-date">(.*?)</p>', page, re.S)
    assert footer and expected in footer.group(1)
    month = expected.split()[1]
    assert month == month.lower()
