import pytest
from django.urls import reverse

from relais.directory.models import Phone

from .conftest import SECRETS, bearer

pytestmark = pytest.mark.django_db


def test_search_returns_results_facets_and_counts_in_the_requested_language(
    anonymous, listing
):
    response = anonymous.get("/api/v1/search", {"q": "shelter", "lang": "fr"})
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    data = response.json()
    assert data["total"] == 1
    result = data["results"][0]
    assert result["slug"] == "fictitious-api-shelter"
    assert result["types"] == ["ngo"]
    assert result["fictitious"] is True
    assert result["url"].endswith("/fr/directory/fictitious-api-shelter/")
    assert {"value": "BE", "label": "Belgique", "count": 1, "selected": False} in (
        data["facets"]["country"]
    )


def test_search_facet_counts_follow_the_filters(anonymous, listing):
    data = anonymous.get("/api/v1/search", {"country": "BG"}).json()
    assert [r["name"] for r in data["results"]] == ["Fictitious Sofia Lawyer"]
    types = {o["value"]: o for o in data["facets"]["type"]}
    assert types["lawyer"]["count"] == 1
    assert {o["value"]: o["selected"] for o in data["facets"]["country"]}["BG"]


def test_search_uses_accept_language_without_lang(anonymous, listing):
    response = anonymous.get("/api/v1/search", HTTP_ACCEPT_LANGUAGE="ro")
    assert response["Content-Language"] == "ro"
    labels = {o["value"]: o["label"] for o in response.json()["facets"]["country"]}
    assert labels["BE"] == "Belgia"


def test_search_caps_the_page_size(anonymous, listing):
    assert anonymous.get("/api/v1/search", {"per_page": 5000}).json()["per_page"] == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"type": "not-a-type"}, "type"),
        ({"near": "Nowhere-at-all-ville"}, "near"),
        ({"page": "two"}, "page"),
        ({"lat": "91", "lon": "4"}, "lat"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_search_parameters_get_a_translated_problem(
    anonymous, listing, params, field
):
    response = anonymous.get("/api/v1/search", {**params, "lang": "fr"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["type"] == "about:blank"
    assert field in body["errors"]
    assert body["detail"] == ("Certains paramètres ont des valeurs inutilisables.")


def test_listing_by_slug_and_by_id_give_the_same_listing(anonymous, listing):
    by_slug = anonymous.get(f"/api/v1/listings/{listing.slug}").json()
    by_id = anonymous.get(f"/api/v1/listings/by-id/{listing.pk}").json()
    assert by_slug == by_id
    assert by_slug["name"] == "Fictitious API Shelter"
    assert [t["code"] for t in by_slug["types"]] == ["ngo"]
    assert by_slug["services"][0]["name"] == "Shelter for adults"
    assert by_slug["verification"]["state"] == "verified"


def test_anonymous_reader_gets_no_professional_only_details(anonymous, listing):
    response = anonymous.get(f"/api/v1/listings/{listing.slug}")
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body
    data = response.json()
    assert data["professional"] is False
    assert data["hidden_details"] == 4  # e-mail, phone, location, contact
    assert "Public Street 1" in body
    assert [c["name"] for c in data["contacts"]] == ["Public Desk"]
    assert data["contacts"][0]["phones"] == []


def test_password_only_session_gets_no_professional_only_details(
    password_only_client, listing
):
    body = password_only_client.get(f"/api/v1/listings/{listing.slug}").content
    for secret in SECRETS:
        assert secret.encode() not in body


@pytest.mark.parametrize("persona", ["member_be", "outsider_ro"])
def test_a_valid_token_adds_the_professional_only_details(
    request, anonymous, listing, token_of, persona
):
    _token, raw = token_of(request.getfixturevalue(persona))
    response = anonymous.get(f"/api/v1/listings/{listing.slug}", **bearer(raw))
    assert response.status_code == 200
    body = response.content.decode()
    for secret in SECRETS:
        assert secret in body
    data = response.json()
    assert data["professional"] is True
    assert data["hidden_details"] == 0
    assert "no-store" in response["Cache-Control"]


def test_a_verified_session_sees_what_the_listing_page_shows(member_be_client, listing):
    body = member_be_client.get(f"/api/v1/listings/{listing.slug}").content.decode()
    assert SECRETS[0] in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/listings/no-such-listing",
        "/api/v1/listings/by-id/not-a-uuid",
        "/api/v1/listings/by-id/00000000-0000-0000-0000-000000000000",
        "/api/v1/taxonomies/no-such-vocabulary",
        "/api/v1/countries/zz",
    ],
)
def test_unknown_records_get_a_404_problem(anonymous, vocabularies, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_taxonomies_are_labelled_in_the_requested_language(anonymous, vocabularies):
    data = anonymous.get("/api/v1/taxonomies", {"lang": "ro"}).json()
    by_slug = {t["slug"]: t for t in data}
    types = by_slug["organization_type"]
    assert types["search_parameter"] == "type"
    lawyer = next(t for t in types["terms"] if t["code"] == "lawyer")
    assert lawyer["name"] == "Avocat"
    one = anonymous.get("/api/v1/taxonomies/organization_type", {"lang": "ro"})
    assert one.json() == types


def test_countries_are_listed_with_their_counts(anonymous, listing):
    data = anonymous.get("/api/v1/countries", {"lang": "fr"}).json()
    assert {"code": "BE", "name": "Belgique", "listings": 1} in data
    assert {"code": "BG", "name": "Bulgarie", "listings": 1} in data


def test_a_country_lists_its_listings(anonymous, listing):
    data = anonymous.get("/api/v1/countries/be").json()
    assert data["code"] == "BE"
    assert [item["slug"] for item in data["listings"]] == [listing.slug]


def test_places_match_any_spelling(anonymous, gazetteer):
    data = anonymous.get("/api/v1/places", {"q": "Bruxelles"}).json()
    assert data[0]["name"] == "Brussels"
    assert data[0]["country"] == "BE"


def test_places_need_the_first_letters(anonymous, gazetteer):
    response = anonymous.get("/api/v1/places")
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_the_index_points_to_the_documentation(anonymous, db):
    data = anonymous.get("/api/v1/").json()
    assert data["documentation"].endswith("/api/v1/docs")
    assert data["openapi"].endswith("/api/v1/openapi.json")


def test_unsafe_methods_are_refused(anonymous, db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/v1/search").status_code == 403
    assert anonymous.delete(reverse("api:search")).status_code == 405


def test_reference_listing_is_from_public_sources_in_the_api(anonymous, reference):
    data = anonymous.get("/api/v1/search", {"q": "payoke", "outdated": "true"}).json()
    result = next(r for r in data["results"] if r["slug"] == "be-payoke")
    assert result["verification"] == "public_sources"
    facet = {o["value"]: o for o in data["facets"]["verification"]}
    assert facet["public_sources"]["label"] == "From public sources, not yet confirmed"
    assert facet["public_sources"]["count"] == data["total"]
    assert facet["verified"]["count"] == 0
    only = anonymous.get(
        "/api/v1/search",
        {"q": "payoke", "outdated": "true", "verification": "public_sources"},
    ).json()
    assert only["total"] == data["total"]

    detail = anonymous.get("/api/v1/listings/be-payoke").json()
    assert detail["verification"]["state"] == "public_sources"


def test_a_listing_gives_the_opening_hours_of_its_visible_locations(anonymous, listing):
    from datetime import time

    from relais.directory.models import Schedule

    public = listing.locations.get(visibility="public")
    hidden = listing.locations.get(visibility="professionals")
    Schedule.objects.create(
        location=public, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17)
    )
    Schedule.objects.create(location=hidden, description="Sentinel hidden hours")
    Schedule.objects.create(
        service=listing.services.get(), description="Intake by appointment."
    )

    data = anonymous.get(f"/api/v1/listings/{listing.slug}").json()

    (location,) = data["locations"]
    (hours,) = location["opening_hours"]
    assert (hours["byday"], hours["opens_at"], hours["closes_at"]) == (
        "MO,TU,WE,TH,FR",
        "09:00",
        "17:00",
    )
    assert " ".join(hours["text"].split()) == "Mon – Fri 09:00–17:00"
    assert [h["description"] for h in data["services"][0]["opening_hours"]] == [
        "Intake by appointment."
    ]
    assert "Sentinel hidden hours" not in str(data)
    assert {h["location_id"] for h in data["services"][0]["opening_hours"]} == {None}


def test_a_phone_description_comes_in_the_requested_language(anonymous, listing):
    Phone.objects.filter(number="+3232011690").update(
        description_en="Fictitious night line", description_fr="Ligne de nuit fictive"
    )
    data = anonymous.get(f"/api/v1/listings/{listing.slug}", {"lang": "fr"}).json()
    [phone] = data["phones"]
    assert phone["description"] == {"text": "Ligne de nuit fictive", "language": "fr"}
    data = anonymous.get(f"/api/v1/listings/{listing.slug}", {"lang": "ro"}).json()
    # No Romanian text: the English, saying it is English.
    assert data["phones"][0]["description"] == {
        "text": "Fictitious night line",
        "language": "en",
    }


def test_a_services_hours_at_one_of_its_visible_locations_name_it(anonymous, listing):
    from datetime import time

    from relais.directory.models import Schedule, ServiceAtLocation

    service = listing.services.get()
    for visibility, byday in (("public", "SA"), ("professionals", "SU")):
        at = ServiceAtLocation.objects.create(
            service=service, location=listing.locations.get(visibility=visibility)
        )
        Schedule.objects.create(
            service_at_location=at, byday=byday, opens_at=time(10), closes_at=time(12)
        )

    data = anonymous.get(f"/api/v1/listings/{listing.slug}").json()

    (hours,) = data["services"][0]["opening_hours"]
    assert hours["location_id"] == str(listing.locations.get(visibility="public").pk)
    assert (hours["byday"], hours["opens_at"]) == ("SA", "10:00")
