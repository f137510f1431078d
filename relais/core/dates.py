"""Calendar months, counted one way everywhere (dateutil's relativedelta), and
dates written out in each language's own form."""

import re
from datetime import date, datetime, time

from babel import Locale
from babel import dates as babel_dates
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils.translation import get_language


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (0 when not later)."""
    if later <= earlier:
        return 0
    delta = relativedelta(later, earlier)
    return delta.years * 12 + delta.months


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, or that month's last day.

    `months_between(d, day) >= months` exactly when `d <= months_before(day, months)`.
    """
    return day - relativedelta(months=months)


# Dates written out in the reader's language, in that language's own form
# (Unicode CLDR, through Babel): "3 decembrie 2026", "3 de diciembre de 2026",
# "3 december 2026", and Bulgarian with the abbreviation of "year" after the
# year. Django's own month names are capitalised in Romanian and Bulgarian,
# where the languages write them in lower case, and its Bulgarian format lacks
# the year's abbreviation; CLDR has both right.
# English is written day first ("3 December 2026"), as in the rest of Europe.
BABEL_LOCALES = {"en": "en_GB"}


def _locale(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return BABEL_LOCALES.get(code, code)


# French writes the first day of a month as an ordinal, "1er août 2026"
# (premier), and the others as cardinals; CLDR's patterns have no ordinal day.
# The day field is a lone "d" outside quoted literals.
_LONE_DAY = re.compile(r"(?<![d'])d(?![d'])")


def _with_day(value: date, pattern: str, locale: Locale) -> str:
    if locale.language == "fr" and value.day == 1:
        pattern = _LONE_DAY.sub("d'er'", pattern, count=1)
    return babel_dates.format_date(value, pattern, locale=locale)


def format_day(value: date, language: str | None = None) -> str:
    """A day written out: "3 December 2026", "3 decembrie 2026", "1er août 2026"."""
    if isinstance(value, datetime):
        value = value.date()
    locale = Locale.parse(_locale(language))
    return _with_day(value, locale.date_formats["long"].pattern, locale)


def format_moment(value: datetime, language: str | None = None) -> str:
    """A day and time: "3 December 2026, 14:05" (the time as given)."""
    locale = Locale.parse(_locale(language))
    pattern = str(locale.datetime_formats["long"])
    time = babel_dates.format_time(value, "HH:mm", locale=locale)
    return pattern.replace("{1}", format_day(value, language)).replace("{0}", time)


def format_month(value: date, language: str | None = None) -> str:
    """A month of a year: "December 2026", "diciembre de 2026"."""
    locale = Locale.parse(_locale(language))
    skeleton = locale.datetime_skeletons.get("yMMMM")
    pattern = skeleton.pattern if skeleton is not None else "MMMM y"
    return babel_dates.format_date(value, pattern, locale=locale)


def format_day_of_week(value: date, language: str | None = None) -> str:
    """A day of the month and its weekday, short: "3 Thu", "3 joi", "1er sam."."""
    return _with_day(value, "d EEE", Locale.parse(_locale(language)))


# iCal weekday codes in CLDR order (Babel's day index 0 is Monday).
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekday_names(language: str | None = None) -> list[tuple[str, str]]:
    """(iCal code, the day's full name in the reader's language), Monday first."""
    names = babel_dates.get_day_names("wide", locale=Locale.parse(_locale(language)))
    return [(code, names[index]) for index, code in enumerate(WEEKDAY_CODES)]


def format_weekdays(byday: str, language: str | None = None) -> str:
    """iCal days ("MO,TU,WE,TH,FR,SU") in the reader's language, three or more
    consecutive days as a range with CLDR's interval pattern."""
    locale = Locale.parse(_locale(language))
    names = babel_dates.get_day_names("abbreviated", locale=locale)
    indexes = sorted(
        {WEEKDAY_CODES.index(d) for d in byday.split(",") if d in WEEKDAY_CODES}
    )
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    interval = locale.interval_formats.get(None, "{0}–{1}")
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(interval.format(names[run[0]], names[run[-1]]))
        else:
            parts.extend(names[i] for i in run)
    return ", ".join(parts)


def format_weekly_hours(
    byday: str,
    opens_at: time | None,
    closes_at: time | None,
    language: str | None = None,
) -> str:
    """Days and times of a weekly schedule, written as CLDR writes them in the
    reader's language ("" when there are no days)."""
    days = format_weekdays(byday, language) if byday else ""
    if not days:
        return ""
    if opens_at is None or closes_at is None:
        return days
    locale = Locale.parse(_locale(language))
    hours = babel_dates.format_interval(opens_at, closes_at, "Hm", locale=locale)
    return f"{days} {hours}"
