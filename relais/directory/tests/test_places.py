"""One city per place whatever the spelling, named in the reader's language."""

import pytest
from babel.dates import get_timezone_location
from django.utils import translation

from relais.directory.models import Organization, Place
from relais.directory.places import CITIES, city_name, place_key, place_name
from relais.directory.printable import printable_directory, printable_html
from relais.directory.search import SearchQuery, index_update, search
from relais.directory.selectors import facet_groups
from relais.search.text import fold

from .factories import AddressFactory, LocationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

BUCHAREST = "683506"  # GeoNames


@pytest.fixture
def bucharest(vocabularies):
    """Two listings in Bucharest, one written in Romanian, one in English."""
    listings = []
    for name, city in (
        ("Fictitious Asociația Test", "București"),
        ("Fictitious Bucharest Helpline", "Bucharest"),
    ):
        org = OrganizationFactory(name=name, country="RO")
        AddressFactory(
            location=LocationFactory(organization=org), city=city, country="RO"
        )
        listings.append(org)
    index_update(Organization.objects.values_list("pk", flat=True))
    return listings


def city_options(query: SearchQuery) -> dict[str, tuple[str, int]]:
    (group,) = [g for g in facet_groups(search(query)) if g.name == "city"]
    return {o.value: (o.label, o.count) for o in group.options}


# The table of cities --------------------------------------------------------


def test_every_name_of_the_table_is_a_geonames_spelling_of_that_place(gazetteer):
    for city in CITIES:
        place = Place.objects.get(pk=city.geonameid)
        assert place.country == city.country, city
        spellings = set(place.names.values_list("folded", flat=True))
        for language, name in city.names.items():
            assert fold(name) in spellings, (city.geonameid, language, name)


@pytest.mark.parametrize(
    ("key", "zone"),
    [
        ("2800866", "Europe/Brussels"),
        ("683506", "Europe/Bucharest"),
        ("727011", "Europe/Sofia"),
        ("3117735", "Europe/Madrid"),
        ("2673730", "Europe/Stockholm"),
        ("2759794", "Europe/Amsterdam"),
    ],
)
def test_capitals_are_named_as_cldr_names_them(key, zone):
    for language in ("fr", "nl", "ro", "bg", "es", "sv"):
        cldr = get_timezone_location(zone, locale=language, return_city=True)
        assert place_name(key, language) == cldr, (language, cldr)


# Keys ------------------------------------------------------------------------


def test_every_spelling_and_script_of_a_city_has_one_key():
    spellings = ["București", "Bucuresti", "Bucharest", "Bucarest", "Букурещ"]
    assert {place_key(s, "RO") for s in spellings} == {BUCHAREST}
    assert place_key("София", "BG") == place_key("Sofia", "BG")
    assert place_key("Göteborg", "SE") == place_key("Gothenburg", "SE")
    assert place_key("Sevilla", "ES") == place_key("Seville", "ES")
    assert len({place_key(s, "BE") for s in ("Bruxelles", "Brussel", "Brussels")}) == 1
    assert place_key("Antwerpen", "BE") == place_key("Antwerp", "BE")


def test_the_gazetteer_gives_keys_to_cities_the_table_does_not_know(gazetteer):
    assert place_key("Mechelen", "BE") == place_key("Malines", "BE") != "Mechelen"
    assert place_name(place_key("Malines", "BE"), "fr") == "Mechelen"


def test_an_unknown_city_is_its_own_key_and_name():
    assert place_key("Zentinelburg", "BE") == "Zentinelburg"
    assert place_name("Zentinelburg", "bg") == "Zentinelburg"


def test_a_spelling_from_another_country_is_not_merged():
    assert place_key("Sofia", "RO") != place_key("Sofia", "BG")


# Facets, pages and printed directories ---------------------------------------


def test_two_spellings_of_bucharest_are_one_facet_value_counting_both(bucharest):
    with translation.override("fr"):
        assert city_options(SearchQuery()) == {BUCHAREST: ("Bucarest", 2)}
    with translation.override("ro"):
        assert city_options(SearchQuery()) == {BUCHAREST: ("București", 2)}
    with translation.override("bg"):
        assert city_options(SearchQuery()) == {BUCHAREST: ("Букурещ", 2)}


def test_the_city_filter_finds_every_spelling_by_key_or_by_any_name(
    bucharest, anonymous
):
    assert search(SearchQuery(city=[BUCHAREST])).total == 2
    for value in (BUCHAREST, "Bucharest", "București"):
        page = anonymous.get("/fr/directory/", {"city": value}).content.decode()
        assert "Fictitious Asociația Test" in page, value
        assert "Fictitious Bucharest Helpline" in page, value


def test_the_search_page_shows_the_city_facet_in_the_reader_language(
    bucharest, anonymous
):
    page = anonymous.get("/bg/directory/").content.decode()
    assert f'value="{BUCHAREST}"' in page
    assert "Букурещ" in page


def test_listing_and_country_pages_name_the_city_in_the_reader_language(
    bucharest, anonymous
):
    english_spelling = bucharest[1]
    listing = anonymous.get(f"/fr{english_spelling.get_absolute_url()[3:]}")
    assert "Bucarest" in listing.content.decode()
    country = anonymous.get("/bg/countries/ro/").content.decode()
    assert "Букурещ" in country
    assert "Bucharest<" not in country and "București<" not in country


def test_the_printed_directory_files_both_spellings_under_one_city(bucharest):
    for language, heading in (("fr", "Bucarest"), ("ro", "București")):
        with translation.override(language):
            edition = printable_directory("RO", viewer=None)
        assert [group.city for group in edition.cities] == [heading]
        assert edition.cities[0].count == 2


def test_the_printed_page_heads_and_addresses_with_the_reader_city_name(bucharest):
    with translation.override("bg"):
        html = printable_html(printable_directory("RO", viewer=None))
    assert '<h2 class="city" id="city-1">Букурещ</h2>' in html
    assert html.count("2000 Букурещ") == 2  # each address, whatever its spelling
    assert "București" not in html and "Bucharest<" not in html


def test_city_name_of_an_address_follows_the_reader():
    assert city_name("Göteborg", "SE", "en") == "Gothenburg"
    assert city_name("Gothenburg", "SE", "es") == "Gotemburgo"
    assert city_name("Sevilla", "ES", "fr") == "Séville"
    assert city_name("Bruxelles", "BE", "nl") == "Brussel"


# Organisation names ----------------------------------------------------------


def test_organisation_name_in_the_reader_language_else_its_own_first():
    org = Organization(
        name="National Agency against Trafficking in Persons",
        alternate_name="Agenția Națională împotriva Traficului de Persoane",
        country="RO",
    )
    with translation.override("en"):
        assert org.display_name == "National Agency against Trafficking in Persons"
        assert org.other_name == "Agenția Națională împotriva Traficului de Persoane"
        assert org.other_name_language == "ro"
    with translation.override("ro"):
        assert org.display_name == "Agenția Națională împotriva Traficului de Persoane"
        assert org.display_name_language == "ro"
    # No French name: the organisation's own name comes first, then English.
    with translation.override("fr"):
        assert org.display_name == "Agenția Națională împotriva Traficului de Persoane"
        assert org.other_name == "National Agency against Trafficking in Persons"
        assert org.other_name_language == "en"
    only_one = Organization(name="Fictitious Centre", country="BE")
    with translation.override("bg"):
        assert only_one.display_name == "Fictitious Centre"
        assert only_one.other_name == ""


def test_listing_page_heads_with_the_name_in_the_reader_language(anonymous):
    org = OrganizationFactory(
        name="Fictitious Animus Foundation",
        alternate_name="Фиктивна фондация „Анимус“",
        country="BG",
    )
    path = org.get_absolute_url()[3:]
    bulgarian = anonymous.get(f"/bg{path}").content.decode()
    assert '<h1 lang="bg">Фиктивна фондация „Анимус“</h1>' in bulgarian
    english = anonymous.get(f"/en{path}").content.decode()
    assert '<h1 lang="en">Fictitious Animus Foundation</h1>' in english
    assert 'lang="bg">Фиктивна фондация „Анимус“</p>' in english
