"""One city per place, whatever the spelling, and its name in the reader's language.

A listing's address keeps the city as it was typed (București, Bucharest,
София). Search facets, listing cards and printed directories use the city's
*place key* instead, so that every spelling of one city counts and files as
one, and show the key's name in the reader's language.

The key of a city is its GeoNames id (a string of digits) when the city is
known: first from `CITIES` below (the cities of the reference and demo data,
known even where the gazetteer is not loaded), then from the gazetteer
(`relais load-gazetteer`, every spelling GeoNames has). An unknown city is its
own key: the text as typed.

`CITIES` names each city in the seven languages. Sources: the exemplar city
names of Unicode CLDR (shipped with Babel) for the cities that name a time zone
(Brussels, Bucharest, Sofia, Madrid, Stockholm, Amsterdam: the tests compare
them); for the others, the spellings GeoNames records for the place (the tests
check that each name below is one of them), assigned to a language as that
language's usual name for the city (its exonym: Anvers, Gotemburgo, Севиля).
GeoNames does not say which language a spelling belongs to, so that
assignment is not checked by a source. Where a language has no name of its own
for the city, the city's own name is used.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language

from relais.search.text import fold

if TYPE_CHECKING:
    from .models import Location


@dataclass(frozen=True)
class City:
    geonameid: int
    country: str
    # The city's name in each of the seven languages.
    names: dict[str, str]

    @property
    def key(self) -> str:
        return str(self.geonameid)

    def name(self, language: str) -> str:
        return self.names.get(language.split("-")[0], self.names["en"])


def _city(geonameid: int, country: str, name: str, **names: str) -> City:
    """A city called `name` in every language but those given."""
    return City(geonameid, country, {code: names.get(code, name) for code in LANGUAGES})


LANGUAGES = ("en", "fr", "nl", "ro", "bg", "es", "sv")

CITIES = [
    # Belgium
    _city(
        2800866,
        "BE",
        "Brussels",
        fr="Bruxelles",
        nl="Brussel",
        ro="Bruxelles",
        bg="Брюксел",
        es="Bruselas",
        sv="Bryssel",
    ),
    _city(
        2803138,
        "BE",
        "Antwerpen",
        en="Antwerp",
        fr="Anvers",
        ro="Anvers",
        bg="Антверпен",
        es="Amberes",
    ),
    _city(2797656, "BE", "Gent", en="Ghent", fr="Gand", bg="Гент", es="Gante"),
    _city(2792413, "BE", "Liège", nl="Luik", bg="Лиеж", es="Lieja"),
    # Romania
    _city(
        683506,
        "RO",
        "București",
        en="Bucharest",
        fr="Bucarest",
        nl="Boekarest",
        bg="Букурещ",
        es="Bucarest",
        sv="Bukarest",
    ),
    _city(675810, "RO", "Iași", bg="Яш"),
    _city(681290, "RO", "Cluj-Napoca", bg="Клуж-Напока"),
    _city(665087, "RO", "Timișoara", bg="Тимишоара"),
    _city(670609, "RO", "Pitești", bg="Питещ"),
    # Bulgaria
    _city(727011, "BG", "Sofia", bg="София", es="Sofía"),
    _city(728193, "BG", "Plovdiv", bg="Пловдив"),
    _city(726050, "BG", "Varna", bg="Варна"),
    _city(726174, "BG", "Targovishte", bg="Търговище"),
    _city(731233, "BG", "Gorna Oryahovitsa", bg="Горна Оряховица"),
    # Spain
    _city(3117735, "ES", "Madrid", bg="Мадрид"),
    _city(3128760, "ES", "Barcelona", fr="Barcelone", bg="Барселона"),
    _city(2510911, "ES", "Sevilla", en="Seville", fr="Séville", bg="Севиля"),
    _city(2521886, "ES", "Almería", bg="Алмерия"),
    # Sweden
    _city(2673730, "SE", "Stockholm", bg="Стокхолм", es="Estocolmo"),
    _city(2711537, "SE", "Göteborg", en="Gothenburg", bg="Гьотеборг", es="Gotemburgo"),
    _city(2692969, "SE", "Malmö", bg="Малмьо"),
    _city(2676176, "SE", "Södertälje"),
    _city(2666199, "SE", "Uppsala", bg="Упсала", es="Upsala"),
    _city(602150, "SE", "Umeå"),
    # Elsewhere in the reference and demo data
    _city(2759794, "NL", "Amsterdam", bg="Амстердам", es="Ámsterdam"),
    _city(2996944, "FR", "Lyon", bg="Лион"),
    _city(
        2973783, "FR", "Strasbourg", nl="Straatsburg", bg="Страсбург", es="Estrasburgo"
    ),
]

_BY_KEY = {city.key: city for city in CITIES}
_BY_SPELLING: dict[str, list[City]] = {}
for _known in CITIES:
    for _spelling in {fold(n) for n in _known.names.values()}:
        _BY_SPELLING.setdefault(_spelling, []).append(_known)


def _reader_language(language: str | None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]


def place_key(city: str, country: str = "") -> str:
    """The key every spelling of this city shares ("" for no city).

    A key given back (digits) stays itself, so a facet value in a URL can be
    passed through again."""
    city = city.strip()
    if not city:
        return ""
    if city.isdigit():
        return city
    country = str(country or "").upper()
    for known in _BY_SPELLING.get(fold(city), []):
        if not country or known.country == country:
            return known.key
    from .search.gazetteer import place_find

    place = place_find(city, country=country)
    if place is not None:
        return str(place.geonameid)
    return city


def place_names(keys: Iterable[str], language: str | None = None) -> dict[str, str]:
    """The name of each place key in `language` (the reader's by default)."""
    code = _reader_language(language)
    names: dict[str, str] = {}
    unknown: list[int] = []
    for key in keys:
        if key in _BY_KEY:
            names[key] = _BY_KEY[key].name(code)
        elif key.isdigit():
            unknown.append(int(key))
        else:
            names[key] = key
    if unknown:
        from .models import Place

        found = dict(
            Place.objects.filter(pk__in=unknown).values_list("geonameid", "name")
        )
        for geonameid in unknown:
            names[str(geonameid)] = found.get(geonameid, str(geonameid))
    return names


def place_name(key: str, language: str | None = None) -> str:
    """The name of one place key in `language` (the reader's by default)."""
    return place_names([key], language)[key] if key else ""


def city_name(city: str, country: str = "", language: str | None = None) -> str:
    """A city as typed on an address, named in `language` (the reader's by default)."""
    return place_name(place_key(city, country), language)


def place_spellings(key: str) -> list[str]:
    """The names of a known place in the seven languages, folded, for the index."""
    city = _BY_KEY.get(key)
    if city is None:
        return []
    return sorted({fold(n) for n in city.names.values()})


def location_name(location: "Location", language: str | None = None) -> str:
    """A location's name for the reader ("" for none).

    A name that is just a city ("Antwerp", "София") names the place once: it
    is left out when one of the location's addresses is in that city (the
    address names it, in the reader's language), and otherwise given in
    `language` (the reader's by default). Any other name stays as typed."""
    name = location.name.strip()
    if not name or name.isdigit():
        return name
    addresses = list(location.addresses.all())
    countries = [str(a.country) for a in addresses if a.country] or [
        str(location.organization.country or "")
    ]
    for country in dict.fromkeys(countries):
        key = place_key(name, country)
        if not key.isdigit():
            continue
        if any(place_key(a.city, str(a.country or "")) == key for a in addresses):
            return ""
        return place_name(key, language)
    return name
