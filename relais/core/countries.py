"""Country names in the reader's language, from the Unicode CLDR (Babel).

django-countries' own catalogues leave many names untranslated (Swedish
"Brazil", Bulgarian "Денмарк") and its English names follow ISO's short forms
("Bahamas (The)", "Naoero"). CLDR names are the ones each language uses, so
every country name shown goes through `country_name`, wired in once through
`COUNTRIES_OVERRIDE` in the settings.
"""

from collections.abc import Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.functional import lazy
from django.utils.translation import get_language


@cache
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def country_name(code: str, fallback: object = "") -> str:
    """The CLDR name of a country code in the active language, or `fallback`."""
    language = get_language() or "en"
    return (
        _territories(language).get(code)
        or _territories("en").get(code)
        or str(fallback)
    )


def cldr_overrides(codes: Mapping[str, object]) -> dict[str, object]:
    """A lazy CLDR name for each ISO code, for `COUNTRIES_OVERRIDE`."""
    lazy_name = lazy(country_name, str)
    return {code: lazy_name(code, name) for code, name in codes.items()}
