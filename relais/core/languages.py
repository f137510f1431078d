"""Language names and codes, localised through Babel's CLDR data."""

from functools import cache

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def _language_names(locale_code: str) -> dict[str, str]:
    return dict(Locale.parse(locale_code.replace("-", "_")).languages)


def known_language_codes() -> frozenset[str]:
    return frozenset(_language_names("en"))


def validate_language_code(value: str) -> None:
    if value not in known_language_codes() or not value.islower():
        raise ValidationError(
            _("%(value)s is not an ISO 639 language code (e.g. ro, bg, es)."),
            code="invalid_language",
            params={"value": value},
        )


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of language `code` in `in_language` (the active one by default)."""
    names = _language_names(in_language or get_language() or settings.LANGUAGE_CODE)
    return names.get(code, code)


def translated_field(obj: object, field: str) -> tuple[str, str | None]:
    """The value of a field written in several languages, and the language it is in.

    The reader's language first, then English, then any other: the caller shows
    a note when the returned language is not the reader's.
    """
    current = get_language() or settings.LANGUAGE_CODE
    order = [current] + [code for code, _name in settings.LANGUAGES if code != current]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value.strip():
            return value, code
    return "", None
