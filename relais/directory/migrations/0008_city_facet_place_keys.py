"""City facets hold place keys, so that every spelling of a city counts as one.

The facet values written before held the city as typed on the address
(București, Bucharest, София). They become the place key of
`relais.directory.places.place_key` (the GeoNames id of a known city, the text
itself otherwise), computed here from a frozen copy of its table of cities and
the gazetteer as it stands. No column changes, so the SQLite full-text
triggers are untouched. Going back leaves the keys: run `relais reindex
directory` after it. `relais reindex directory` gives the same result and
also adds every language's name of each city to the searchable text.
"""

import secrets

from django.db import migrations

from relais.search.text import fold

# relais.directory.places.CITIES when this migration was written:
# (GeoNames id, country, folded names in the seven languages).
CITIES = [
    (2800866, "BE", ['bruselas', 'brussel', 'brussels', 'bruxelles', 'bryssel', 'bryuksel']),
    (2803138, "BE", ['amberes', 'antverpen', 'antwerp', 'antwerpen', 'anvers']),
    (2797656, "BE", ['gand', 'gante', 'gent', 'ghent']),
    (2792413, "BE", ['liege', 'lieja', 'liezh', 'luik']),
    (683506, "RO", ['boekarest', 'bucarest', 'bucharest', 'bucuresti', 'bukarest', 'bukureshch']),
    (675810, "RO", ['iasi', 'yash']),
    (681290, "RO", ['cluj napoca', 'kluzh napoka']),
    (665087, "RO", ['timishoara', 'timisoara']),
    (670609, "RO", ['piteshch', 'pitesti']),
    (727011, "BG", ['sofia', 'sofiya']),
    (728193, "BG", ['plovdiv']),
    (726050, "BG", ['varna']),
    (726174, "BG", ['t rgovishche', 'targovishte']),
    (731233, "BG", ['gorna oryahovitsa', 'gorna oryakhovitsa']),
    (3117735, "ES", ['madrid']),
    (3128760, "ES", ['barcelona', 'barcelone', 'barselona']),
    (2510911, "ES", ['sevilla', 'seville', 'sevilya']),
    (2521886, "ES", ['almeria', 'almeriya']),
    (2673730, "SE", ['estocolmo', 'stockholm', 'stokkholm']),
    (2711537, "SE", ['g oteborg', 'goteborg', 'gotemburgo', 'gothenburg']),
    (2692969, "SE", ['malm o', 'malmo']),
    (2676176, "SE", ['sodertalje']),
    (2666199, "SE", ['uppsala', 'upsala']),
    (602150, "SE", ['umea']),
    (2759794, "NL", ['amsterdam']),
    (2996944, "FR", ['lion', 'lyon']),
    (2973783, "FR", ['estrasburgo', 'straatsburg', 'strasbourg', 'strasburg']),
]


def city_keys(apps, schema_editor):
    SearchFacet = apps.get_model("directory", "SearchFacet")
    Address = apps.get_model("directory", "Address")
    Place = apps.get_model("directory", "Place")
    SearchIndexVersion = apps.get_model("directory", "SearchIndexVersion")
    known = {}
    for geonameid, country, spellings in CITIES:
        for spelling in spellings:
            known.setdefault(spelling, []).append((country, str(geonameid)))

    def key_of(city, country):
        city = city.strip()
        if not city or city.isdigit():
            return city
        folded = fold(city)
        for known_country, key in known.get(folded, []):
            if not country or known_country == country:
                return key
        places = Place.objects.filter(names__folded=folded)
        if country:
            places = places.filter(country=country)
        place = places.order_by("-population").first()
        return str(place.geonameid) if place is not None else city

    changed = False
    seen = set()
    for facet in (
        SearchFacet.objects.filter(facet="city")
        .select_related("document")
        .order_by("pk")
        .iterator()
    ):
        document = facet.document
        country = (
            Address.objects.filter(
                location__organization_id=document.organization_id,
                city=facet.value,
            )
            .values_list("country", flat=True)
            .first()
            or document.country
        )
        key = key_of(facet.value, str(country or ""))[:200]
        if (facet.document_id, key) in seen:
            facet.delete()  # another spelling of a city this listing has
            changed = True
            continue
        seen.add((facet.document_id, key))
        if key != facet.value:
            facet.value = key
            facet.save(update_fields=["value"])
            changed = True
    if changed:
        # A random token, as relais.directory.search.index writes it: every
        # process reloads its facet index.
        SearchIndexVersion.objects.update_or_create(
            pk=1, defaults={"version": secrets.randbits(62)}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_phone_is_hotline"),
    ]

    operations = [
        migrations.RunPython(city_keys, migrations.RunPython.noop),
    ]
