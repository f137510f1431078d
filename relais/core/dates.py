"""Calendar months, counted one way everywhere (dateutil's relativedelta)."""

from datetime import date

from dateutil.relativedelta import relativedelta


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
