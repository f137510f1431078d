"""The `date` filter, writing dates in each language's own form.

Loaded as a template builtin (settings.TEMPLATES), so it stands in for
Django's `date` filter in every template: the formats that write a date out
("DATE_FORMAT", "DATETIME_FORMAT", "j F Y", "F Y", ...) go through
`relais.core.dates` (Unicode CLDR), any other format to Django's filter.
"""

from collections.abc import Callable
from datetime import date as date_type
from typing import Any

from django import template
from django.template import defaultfilters

from relais.core.dates import (
    format_day,
    format_day_of_week,
    format_moment,
    format_month,
)

register = template.Library()

WRITTEN_OUT: dict[str, Callable[[Any], str]] = {
    "DATE_FORMAT": format_day,
    "j F Y": format_day,
    "DATETIME_FORMAT": format_moment,
    "j F Y H:i": format_moment,
    "j F Y, H:i": format_moment,
    "YEAR_MONTH_FORMAT": format_month,
    "F Y": format_month,
    "j D": format_day_of_week,
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, with the written-out formats in CLDR's form."""
    if value in (None, ""):
        return ""
    written = WRITTEN_OUT.get(arg or "DATE_FORMAT")
    if written is not None and isinstance(value, date_type):
        if written is format_moment and not hasattr(value, "hour"):
            return format_day(value)
        return written(value)
    return defaultfilters.date(value, arg)


@register.simple_tag
def today() -> date_type:
    """Today's date (local time), for `{% today as day %}{{ day|date }}`.

    Django's `{% now %}` formats with its own month names (capitalised in
    Romanian and Bulgarian); this gives a date for the filter above.
    """
    from django.utils import timezone

    return timezone.localdate()
