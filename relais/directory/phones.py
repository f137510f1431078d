"""Phone numbers: international numbers in E.164, national short numbers as digits.

A short number (116 111 for children, 116 000 for missing children, 112) has
no international form: it is dialled as is, and only inside one country. It
is stored as its digits next to that country.
"""

import re

import phonenumbers

SHORT_NUMBER_DIGITS = (3, 6)

_SEPARATORS = re.compile(r"[\s.\-()/]")


def is_short_number(value: str) -> bool:
    """Whether a stored number is a national short number (3 to 6 digits)."""
    low, high = SHORT_NUMBER_DIGITS
    return value.isascii() and value.isdigit() and low <= len(value) <= high


def short_number_digits(typed: str) -> str | None:
    """The digits of a short number as typed ("116 111", "116-111"), or None."""
    digits = _SEPARATORS.sub("", str(typed).strip())
    return digits if is_short_number(digits) else None


def short_number_display(digits: str) -> str:
    """A short number as it is written: 116 111 (the EU's 116 numbers), else whole."""
    if len(digits) == 6:
        return f"{digits[:3]} {digits[3:]}"
    return digits


def international_display(value: str) -> str:
    """An E.164 number written for people (+32 3 201 16 90), or unchanged."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def phone_display(value: str) -> str:
    """Any stored number as it is written for people."""
    if is_short_number(value):
        return short_number_display(value)
    return international_display(value)
