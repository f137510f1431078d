"""Calendar months, counted one way everywhere (dateutil's relativedelta), and
dates written out in each language's own form."""

import re
from datetime import date, datetime

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
