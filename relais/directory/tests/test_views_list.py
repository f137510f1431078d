import pytest
from django.urls import reverse
from django.utils import translation

from relais.conftest import LANGUAGE_CODES
from relais.directory.search import index_update

from .factories import LanguageFactory, OrganizationFactory, ServiceFactory, tag

pytestmark = pytest.mark.django_db


def list_url(lang="en"):
    with translation.override(lang):
        return reverse("directory:list")


@pytest.fixture
def listings(vocabularies):
    antwerp = OrganizationFactory(name="Fictitious Antwerp Shelter", country="BE")
    tag(antwerp, "organization_type", "ngo")
    shelter = ServiceFactory(organization=antwerp)
    tag(shelter, "service", "shelter")
    LanguageFactory(service=shelter, code="ro")

    sofia = OrganizationFactory(name="Fictitious Sofia Lawyer", country="BG")
    tag(sofia, "organization_type", "lawyer")
    advice = ServiceFactory(organization=sofia)
    tag(advice, "service", "legal_advice")
    LanguageFactory(service=advice, code="bg")
    index_update([antwerp.pk, sofia.pk])
    return antwerp, sofia


def names(response):
    return sorted(
        card.organization.name for card, _distance in response.context["cards"]
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Fictitious Antwerp Shelter", "Fictitious Sofia Lawyer"]),
        ({"country": "BE"}, ["Fictitious Antwerp Shelter"]),
        ({"type": "lawyer"}, ["Fictitious Sofia Lawyer"]),
        ({"service": "shelter"}, ["Fictitious Antwerp Shelter"]),
        ({"language": "bg"}, ["Fictitious Sofia Lawyer"]),
        ({"q": "sofia"}, ["Fictitious Sofia Lawyer"]),
        ({"country": "BE", "service": "legal_advice"}, []),
        (
            {"service": ["shelter", "legal_advice"]},
            ["Fictitious Antwerp Shelter", "Fictitious Sofia Lawyer"],
        ),
        ({"legal_aid": "yes"}, []),
    ],
)
def test_filters_narrow_the_list(anonymous, listings, params, expected):
    response = anonymous.get(list_url(), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_unknown_filter_value_shows_a_message_and_the_unfiltered_list(
    anonymous, listings
):
    response = anonymous.get(list_url(), {"country": "ZZ"})
    assert response.status_code == 200
    assert "is not one of the choices" in response.content.decode()
    assert len(names(response)) == 2


def test_unknown_filter_message_is_translated(anonymous, listings):
    response = anonymous.get(list_url("fr"), {"service": "teleportation"})
    assert response.status_code == 200
    assert "teleportation" in response.content.decode()
    assert "is not one of the choices" not in response.content.decode()


def test_an_unknown_value_keeps_the_other_filters(anonymous, listings):
    response = anonymous.get(list_url(), {"country": "BG", "type": "wizard"})
    assert names(response) == ["Fictitious Sofia Lawyer"]


def test_list_is_paginated(anonymous, vocabularies, settings):
    settings.RELAIS_DIRECTORY_PAGE_SIZE = 2
    index_update(o.pk for o in OrganizationFactory.create_batch(5))
    first = anonymous.get(list_url())
    third = anonymous.get(list_url(), {"page": 3})
    assert len(first.context["cards"]) == 2
    assert len(third.context["cards"]) == 1
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9"])
def test_out_of_range_pages_do_not_fail(anonymous, listings, page):
    assert anonymous.get(list_url(), {"page": page}).status_code == 200


def test_htmx_request_gets_only_the_results(anonymous, listings):
    response = anonymous.get(
        list_url(), {"country": "BE"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Fictitious Antwerp Shelter" in body
    assert "<html" not in body


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_list_renders_in_every_language_with_translated_labels(
    anonymous, listings, lang
):
    response = anonymous.get(list_url(lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    with translation.override(lang):
        from relais.directory.models import TaxonomyTerm

        shelter = TaxonomyTerm.objects.get(taxonomy__slug="service", code="shelter")
        assert shelter.name in body


def test_facet_counts_are_shown_next_to_each_value(anonymous, listings):
    body = anonymous.get(list_url(), {"country": "BE"}).content.decode()
    assert 'value="shelter" checked' not in body
    assert (
        'name="service" value="shelter"> Shelter <span class="count">(1)</span>' in body
    )
    assert 'name="country" value="BG"> Bulgaria <span class="count">(1)</span>' in body


def test_the_url_holds_the_whole_search(anonymous, listings):
    body = anonymous.get(
        list_url(), {"q": "fictitious", "service": "shelter", "sort": "name"}
    ).content.decode()
    assert 'value="fictitious"' in body
    assert 'name="service" value="shelter" checked' in body
    assert '<option value="name" selected>' in body


def test_unknown_place_shows_a_message_and_ignores_distance(
    anonymous, listings, gazetteer
):
    response = anonymous.get(list_url(), {"near": "Atlantis"})
    assert "No place called" in response.content.decode()
    assert len(names(response)) == 2


def test_near_a_place_shows_the_distance(anonymous, listings, gazetteer):
    from relais.directory.models import Address, Location

    location = Location.objects.create(organization=listings[0], name="Office")
    Address.objects.create(location=location, city="Antwerpen", country="BE")
    index_update([listings[0].pk])
    body = anonymous.get(
        list_url(), {"near": "Anvers", "radius": "25"}
    ).content.decode()
    assert "Fictitious Antwerp Shelter" in body
    assert "Fictitious Sofia Lawyer" not in body
    assert "0 km away" in body


def test_place_suggestions_come_from_the_gazetteer(anonymous, gazetteer):
    body = anonymous.get(reverse("directory:places"), {"near": "brux"}).content.decode()
    assert "Brussels (BE)" in body


def test_search_json_returns_results_and_facets(anonymous, listings):
    response = anonymous.get("/api/v1/search", {"q": "antwerp", "lang": "fr"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["results"][0]["name"] == "Fictitious Antwerp Shelter"
    assert data["results"][0]["fictitious"] is True
    assert {"value": "BE", "label": "Belgique", "count": 1, "selected": False} in data[
        "facets"
    ]["country"]


def test_search_json_answers_bad_parameters_with_problem_details(anonymous, listings):
    response = anonymous.get("/api/v1/search", {"country": "ZZ"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400
    assert "country" in response.json()["errors"]
