"""The search page says how it read the words and, when nothing is found,
what to change: plain links that work without JavaScript."""

import re
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.directory.search import index_update

from .factories import OrganizationFactory, ServiceFactory, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(vocabularies):
    sofia = OrganizationFactory(name="Fictitious Sofia Safe House", country="BG")
    tag(sofia, "organization_type", "shelter")
    ghent = OrganizationFactory(name="Fictitious Ghent Shelter", country="BE")
    tag(ghent, "organization_type", "ngo")
    tag(ServiceFactory(organization=ghent), "service", "shelter")
    bucharest = OrganizationFactory(
        name="Fictitious Bucharest Law Office", country="RO"
    )
    tag(bucharest, "organization_type", "lawyer")
    index_update([sofia.pk, ghent.pk, bucharest.pk])


def page(client, params):
    response = client.get(reverse("directory:list"), params)
    assert response.status_code == 200
    return response


def names(response):
    return [card.organization.name for card, _d in response.context["cards"]]


def links(response):
    """Each suggestion's text and target, as the page shows them."""
    html = response.content.decode()
    block = (
        html.split('class="search-suggestions"', 1)[1]
        if "search-suggestions" in html
        else ""
    )
    return [
        (re.sub(r"\s+", " ", unescape(text)).strip(), unescape(href))
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', block)
    ]


def test_the_page_says_how_the_words_were_read(anonymous, listings):
    response = page(anonymous, {"q": "refuge Bulgarie"})
    assert names(response) == ["Fictitious Sofia Safe House"]
    text = response.content.decode()
    assert "Country: Bulgaria (only listings there)" in text
    assert "Looking for: Shelter" in text
    assert "Search every word as typed instead" in text


def test_search_every_word_instead_turns_the_reading_off(anonymous, listings):
    assert sorted(names(page(anonymous, {"q": "foyer"}))) == [
        "Fictitious Ghent Shelter",
        "Fictitious Sofia Safe House",
    ]
    response = page(anonymous, {"q": "foyer", "literal": "on"})
    assert names(response) == []
    html = response.content.decode()
    assert "Every word was searched as typed." in html
    # The choice travels with the search form (outside it in the page).
    assert '<input type="hidden" name="literal" value="on" form="search-form">' in html


def test_the_reading_names_country_and_service_in_the_readers_language(
    anonymous, listings
):
    with_french = reverse("directory:list").replace("/en/", "/fr/")
    response = anonymous.get(with_french, {"q": "shelter Bulgaria"})
    assert response.status_code == 200
    assert names(response) == ["Fictitious Sofia Safe House"]
    reading = response.content.decode().partition("search-reading")[2]
    assert "Bulgarie" in reading
    assert "Hébergement" in unescape(reading)


def test_nothing_found_suggests_removing_a_filter_that_finds_listings(
    anonymous, listings
):
    response = page(anonymous, {"q": "refuge", "country": "RO"})
    assert names(response) == []
    assert ("Remove the filter “Romania”", "?q=refuge") in links(response)
    # The link works, and finds what it promised.
    assert len(names(page(anonymous, {"q": "refuge"}))) == 2


def test_nothing_found_suggests_dropping_a_word_read_as_a_filter(anonymous, listings):
    response = page(anonymous, {"q": "bucharest avocat Bulgarie"})
    assert names(response) == []
    assert ("Search without “Bulgarie”", "?q=bucharest+avocat") in links(response)
    assert "(1 listing)" in response.content.decode()
    assert names(page(anonymous, {"q": "bucharest avocat"})) == [
        "Fictitious Bucharest Law Office"
    ]


def test_nothing_found_suggests_removing_the_type_filter_or_the_word(
    anonymous, listings
):
    response = page(anonymous, {"q": "ghent", "type": "lawyer"})
    assert names(response) == []
    suggestions = links(response)
    assert ("Remove the filter “Lawyer”", "?q=ghent") in suggestions
    assert ("Search without “ghent”", "?type=lawyer") in suggestions


def test_suggestions_only_promise_what_finds_listings(anonymous, listings):
    response = page(anonymous, {"q": "qwertyuiopasdf"})
    assert names(response) == []
    # Nothing would help but starting again: no link promises listings it lacks.
    assert [text for text, _href in links(response)] == ["Start a new search"]


def test_a_page_with_results_suggests_nothing(anonymous, listings):
    response = page(anonymous, {"q": "ghent"})
    assert "search-suggestions" not in response.content.decode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    q=st.text(max_size=80),
    literal=st.sampled_from(["", "on", "x", "\x00"]),
    country=st.sampled_from(["", "RO", "ZZ", "<b>"]),
)
def test_no_query_breaks_the_page(anonymous, listings, q, literal, country):
    params = {"q": q, "literal": literal, "country": country}
    response = anonymous.get(reverse("directory:list"), params)
    assert response.status_code == 200


def test_nothing_found_near_a_place_suggests_searching_further(
    anonymous, listings, gazetteer
):
    response = page(anonymous, {"q": "ghent", "near": "Sofia", "radius": "10"})
    assert names(response) == []
    texts = [text for text, _href in links(response)]
    # Ghent is far beyond every radius offered from Sofia.
    assert "Search at any distance" in texts
    assert not any(text.startswith("Search within") for text in texts)


def test_nothing_found_names_the_words_no_listing_has(anonymous, listings):
    response = page(anonymous, {"q": "xyzzy plombier"})
    assert names(response) == []
    text = unescape(response.content.decode())
    assert "No listing has the words “xyzzy”, “plombier”" in text
    response = page(anonymous, {"q": "xyzzy ghent", "type": "lawyer"})
    text = unescape(response.content.decode())
    # "ghent" is in a listing (not a lawyer's): only "xyzzy" is named.
    assert "No listing has the word “xyzzy”" in text
    assert "“ghent”" not in text.partition("search-suggestions")[2].split("<ul>")[0]


def test_the_words_no_listing_has_are_quoted_as_the_readers_language_quotes(
    anonymous, listings
):
    response = anonymous.get("/fr/directory/", {"q": "xyzzy plombier"})
    text = unescape(response.content.decode())
    assert "«\u00a0xyzzy\u00a0», «\u00a0plombier\u00a0»" in text
    assert "“" not in text.partition("unknown-words")[2].split("</p>")[0]


def test_nothing_found_suggests_keeping_the_filters_without_the_words(
    anonymous, listings
):
    response = page(anonymous, {"q": "xyzzy plombier", "type": "lawyer"})
    assert ("Search without “xyzzy plombier”", "?type=lawyer") in links(response)
    assert names(page(anonymous, {"type": "lawyer"})) == [
        "Fictitious Bucharest Law Office"
    ]


def test_nothing_found_as_typed_suggests_reading_the_words(anonymous, listings):
    response = page(anonymous, {"q": "foyer", "literal": "on"})
    assert names(response) == []
    assert (
        "Read countries, services and professions in my words",
        "?q=foyer",
    ) in links(response)
    assert "(2 listings)" in response.content.decode()


def test_nothing_found_with_two_filters_suggests_keeping_only_the_words(
    anonymous, listings
):
    # Ghent's listing is in Belgium and no lawyer: each filter alone still
    # excludes it; without both, the word finds it.
    response = page(anonymous, {"q": "ghent", "country": "RO", "type": "lawyer"})
    assert names(response) == []
    suggestions = links(response)
    assert ("Keep the words, remove every filter", "?q=ghent") in suggestions
    assert not any(text.startswith("Remove the filter") for text, _h in suggestions)


def test_suggestions_run_a_bounded_number_of_searches(anonymous, listings, monkeypatch):
    from relais.directory.templatetags import directory_search

    searches = []
    total = directory_search._total

    def counted(params):
        searches.append(params)
        return total(params)

    monkeypatch.setattr(directory_search, "_total", counted)
    many = {
        "q": "xyzzy plombier qwerty",
        "country": ["RO", "BG", "SE", "ES"],
        "type": ["lawyer", "ngo", "shelter"],
        "language": ["ro", "bg", "fr", "es", "sv"],
    }
    response = page(anonymous, many)
    assert names(response) == []
    assert len(searches) == directory_search.MAX_SUGGESTION_SEARCHES
    # A search that finds listings runs none.
    searches.clear()
    assert names(page(anonymous, {"q": "ghent"})) == ["Fictitious Ghent Shelter"]
    assert searches == []
