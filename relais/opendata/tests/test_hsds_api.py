"""The Open Referral HSDS 3.0 API, checked against the official schemas."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.api.services import api_token_create, api_token_revoke
from relais.audit.models import AuditEntry
from relais.directory.audit_actions import DirectoryAction
from relais.directory.models import (
    Assurance,
    Organization,
    Phone,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from relais.directory.tests.sentinel_listings import (
    SECRET_CONTACT,
    SECRET_EMAIL,
    SECRET_ORG_EMAIL,
    SECRET_PHONE,
    SECRET_STREET,
    SENTINELS,
    make_directory,
)
from relais.opendata.tests.hsds_validation import assert_page, errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(vocabularies, gazetteer):
    return make_directory()


def get(client, path, **params):
    response = client.get(f"/api/hsds/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def stream(client, path, **params):
    response = client.get(f"/api/hsds/{path}", {**params, "format": "ndjson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


# Schemas --------------------------------------------------------------


def test_root_states_the_hsds_version(anonymous):
    body = get(anonymous, "")
    assert body["version"] == "3.0"
    assert body["openapi_url"].startswith("https://")


@pytest.mark.parametrize(
    ("path", "params", "item_schema"),
    [
        ("services", {}, "service_list"),
        ("services", {"full": "true"}, "service"),
        ("organizations", {}, "organization_list"),
        ("organizations", {"full": "true"}, "organization"),
        ("organizations", {"full_service": "true"}, "organization"),
        ("service_at_locations", {}, "service_at_location_list"),
        ("service_at_locations", {"full": "true"}, "service_at_location"),
        ("taxonomies", {}, "taxonomy"),
        ("taxonomy_terms", {}, "taxonomy_term"),
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "member_be_client"])
def test_every_list_validates_against_the_official_schemas(
    directory, request, persona, path, params, item_schema
):
    client = request.getfixturevalue(persona)
    body = get(client, path, per_page=500, **params)
    assert body["total_items"] > 0
    assert_page(body, item_schema)


@pytest.mark.parametrize("persona", ["anonymous", "member_be_client"])
def test_every_detail_validates_against_the_official_schemas(
    directory, request, persona
):
    client = request.getfixturevalue(persona)
    antwerp, _bucharest = directory
    service = antwerp.services.get()
    sal = ServiceAtLocation.objects.filter(location__visibility="public").first()
    term = TaxonomyTerm.objects.get(taxonomy__slug="service", code="shelter")
    for path, schema_name in [
        (f"organizations/{antwerp.pk}", "organization"),
        (f"organizations/{antwerp.pk}?full_service=true", "organization"),
        (f"services/{service.pk}", "service"),
        (f"service_at_locations/{sal.pk}", "service"),
        (f"taxonomies/{term.taxonomy_id}", "taxonomy"),
        (f"taxonomy_terms/{term.pk}", "taxonomy_term"),
    ]:
        response = client.get(f"/api/hsds/{path}")
        assert response.status_code == 200, path
        assert errors(schema_name, response.json()) == [], path


def test_a_full_organization_carries_its_services_locations_and_history(
    directory, anonymous
):
    antwerp, _ = directory
    body = get(anonymous, f"organizations/{antwerp.pk}", full_service="true")
    assert [s["name"] for s in body["services"]] == ["Safe housing"]
    assert body["services"][0]["languages"][0]["code"] == "ro"
    assert body["locations"][0]["addresses"][0]["city"] == "Antwerpen"
    assert body["metadata"][0]["previous_value"] == "Old name"
    assert body["metadata"][0]["updated_by"] == ""


def test_the_anti_trafficking_vocabularies_are_taxonomies_and_attributes(
    directory, anonymous
):
    names = {t["name"] for t in get(anonymous, "taxonomies", per_page=100)["contents"]}
    assert len(names) == Taxonomy.objects.count() >= 4
    antwerp, _ = directory
    service = get(anonymous, f"services/{antwerp.services.get().pk}")
    codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert codes == {"shelter"}
    assert service["attributes"][0]["link_type"] == "service"
    organization = get(anonymous, f"organizations/{antwerp.pk}")
    assert {a["taxonomy_term"]["code"] for a in organization["attributes"]} == {"ngo"}


# Professional-only details ----------------------------------------------------------


ALL_PATHS = [
    ("services", {"full": "true"}),
    ("organizations", {"full": "true"}),
    ("organizations", {"full_service": "true"}),
    ("service_at_locations", {"full": "true"}),
    ("service_at_locations", {}),
]


@pytest.mark.parametrize(("path", "params"), ALL_PATHS)
def test_an_anonymous_caller_never_sees_professional_only_details(
    directory, anonymous, path, params
):
    antwerp, _ = directory
    texts = [
        json.dumps(get(anonymous, path, **params), ensure_ascii=False),
        json.dumps(stream(anonymous, path, **params), ensure_ascii=False),
        anonymous.get(f"/api/hsds/organizations/{antwerp.pk}").content.decode(),
        anonymous.get(
            f"/api/hsds/services/{antwerp.services.get().pk}"
        ).content.decode(),
    ]
    for text in texts:
        for sentinel in (
            SECRET_STREET,
            SECRET_EMAIL,
            SECRET_ORG_EMAIL,
            SECRET_PHONE,
            SECRET_CONTACT,
            "+3233333333",
            "editor@example.org",
        ):
            assert sentinel not in text


def test_a_signed_in_professional_sees_professional_only_details(
    directory, member_be_client
):
    antwerp, _ = directory
    text = member_be_client.get(f"/api/hsds/organizations/{antwerp.pk}").content
    for sentinel in (SECRET_STREET, SECRET_EMAIL, SECRET_ORG_EMAIL, SECRET_PHONE):
        assert sentinel.encode() in text


def test_a_personal_api_token_sees_professional_only_details_and_is_not_cached(
    directory, member_be, anonymous
):
    antwerp, _ = directory
    _token, secret = api_token_create(user=member_be, name="CMS", expires_in_days=30)
    response = anonymous.get(
        f"/api/hsds/organizations/{antwerp.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    for sentinel in (SECRET_STREET, SECRET_EMAIL, SECRET_ORG_EMAIL, SECRET_PHONE):
        assert sentinel.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    streamed = anonymous.get(
        "/api/hsds/services",
        {"format": "ndjson", "full": "true"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert SECRET_STREET.encode() in b"".join(streamed.streaming_content)
    # The stream of professional details is an export: one audit entry, with
    # the token's owner and the parameter names only.
    [entry] = AuditEntry.objects.filter(action=DirectoryAction.EXPORT)
    assert entry.actor == str(member_be.uuid)
    assert entry.details == {
        "kind": "hsds-ndjson",
        "endpoint": "services",
        "parameters": ["full"],
    }


def test_public_streams_and_pages_write_no_export_entry(
    directory, member_be_client, anonymous
):
    stream = anonymous.get("/api/hsds/services", {"format": "ndjson"})
    b"".join(stream.streaming_content)
    member_be_client.get("/api/hsds/services", {"full": "true"})
    assert not AuditEntry.objects.filter(action=DirectoryAction.EXPORT).exists()


@pytest.mark.parametrize("state", ["wrong", "revoked", "deactivated", "other scheme"])
def test_an_unusable_token_is_refused_with_401_and_shows_nothing(
    directory, member_be, anonymous, state
):
    antwerp, _ = directory
    token, secret = api_token_create(user=member_be, name="CMS", expires_in_days=30)
    header = f"Bearer {secret}"
    if state == "wrong":
        header = "Bearer relais_not-a-token"
    elif state == "revoked":
        api_token_revoke(token=token, revoked_by=member_be)
    elif state == "deactivated":
        member_be.is_active = False
        member_be.save()
    else:
        header = f"Basic {secret}"
    response = anonymous.get(
        f"/api/hsds/organizations/{antwerp.pk}", HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    for sentinel in SENTINELS:
        assert sentinel.encode() not in response.content


def test_the_hsds_api_shares_the_api_rate_limit(directory, anonymous, settings):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "api": (2, 60)}
    assert anonymous.get("/api/v1/countries").status_code == 200
    assert anonymous.get("/api/hsds/services").status_code == 200
    response = anonymous.get("/api/hsds/services", {"lang": "fr"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["title"] == "Trop de requêtes"


def test_a_professional_only_location_is_not_found_for_an_anonymous_caller(
    directory, anonymous, member_be_client
):
    hidden = ServiceAtLocation.objects.get(location__visibility="professionals")
    assert anonymous.get(f"/api/hsds/service_at_locations/{hidden.pk}").status_code == (
        404
    )
    assert (
        member_be_client.get(f"/api/hsds/service_at_locations/{hidden.pk}").status_code
        == 200
    )


# Paging and streaming --------------------------------------------------------------


def test_the_page_envelope_counts_pages(directory, anonymous):
    first = get(anonymous, "services", per_page=1)
    assert first["total_items"] == 2
    assert first["total_pages"] == 2
    assert (first["page_number"], first["size"]) == (1, 1)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    second = get(anonymous, "services", per_page=1, page=2)
    assert second["last_page"] and not second["first_page"]
    assert second["contents"][0]["id"] != first["contents"][0]["id"]
    beyond = get(anonymous, "services", per_page=1, page=9)
    assert beyond["empty"] and beyond["contents"] == []


@pytest.mark.parametrize(
    ("path", "item_schema"),
    [
        ("services", "service_list"),
        ("organizations", "organization_list"),
        ("service_at_locations", "service_at_location_list"),
        ("taxonomy_terms", "taxonomy_term"),
    ],
)
def test_ndjson_streams_every_record_without_paging(
    directory, anonymous, path, item_schema
):
    total = get(anonymous, path, per_page=1)["total_items"]
    records = stream(anonymous, path)
    assert len(records) == total
    for record in records:
        assert errors(item_schema, record) == []


def test_minimal_lists_ids_and_modification_dates(directory, anonymous):
    body = get(anonymous, "services", minimal="true")
    assert {tuple(sorted(item)) for item in body["contents"]} == {
        ("id", "modified_date")
    }


# Search and filters --------------------------------------------------------------


@pytest.mark.parametrize("text", ["stefan", "ȘTEFAN", "Stephan welcome", "Ştefan"])
def test_search_forgives_accents_case_and_typos_like_the_search_page(
    directory, anonymous, text
):
    names = [
        o["name"] for o in get(anonymous, "organizations", search=text)["contents"]
    ]
    assert names == ["Fictitious Ștefan Welcome Centre"]


def test_search_in_another_script_finds_the_listing(directory, anonymous):
    body = get(anonymous, "organizations", search="Бухарест helpline")
    assert [o["name"] for o in body["contents"]] == ["Fictitious Bucharest Helpline"]


def test_service_search_lists_the_services_of_the_organisations_found(
    directory, anonymous
):
    body = get(anonymous, "services", search="stefan")
    assert [s["name"] for s in body["contents"]] == ["Safe housing"]
    body = get(anonymous, "service_at_locations", search="bucharest")
    assert [s["service"]["name"] for s in body["contents"]] == ["Helpline"]


def test_filters_by_taxonomy_term_taxonomy_and_organization(directory, anonymous):
    shelter = TaxonomyTerm.objects.get(taxonomy__slug="service", code="shelter")
    body = get(anonymous, "services", taxonomy_term_id=str(shelter.pk))
    assert [s["name"] for s in body["contents"]] == ["Safe housing"]
    ngo = TaxonomyTerm.objects.get(taxonomy__slug="organization_type", code="ngo")
    body = get(anonymous, "services", taxonomy_id=str(ngo.taxonomy_id))
    assert [s["name"] for s in body["contents"]] == ["Safe housing"]
    _antwerp, bucharest = directory
    body = get(anonymous, "services", organization_id=str(bucharest.pk))
    assert [s["name"] for s in body["contents"]] == ["Helpline"]
    terms = get(anonymous, "taxonomy_terms", taxonomy_id=str(shelter.taxonomy_id))
    assert {t["taxonomy_id"] for t in terms["contents"]} == {str(shelter.taxonomy_id)}


def test_modified_after_leaves_out_older_records(directory, anonymous):
    antwerp, _ = directory
    Organization.objects.filter(pk=antwerp.pk).update(
        updated_at=timezone.now() - timedelta(days=30)
    )
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    body = get(anonymous, "services", modified_after=since)
    assert [s["name"] for s in body["contents"]] == ["Helpline"]


def test_postcode_finds_the_services_at_that_postcode(directory, anonymous):
    body = get(anonymous, "service_at_locations", postcode="010011")
    assert [s["service"]["name"] for s in body["contents"]] == ["Helpline"]


def test_proximity_in_metres_around_a_postcode(directory, anonymous, member_be_client):
    # The shelter (2018) is 2.2 km from the office (2000); the public sees neither
    # the shelter nor its postcode's centroid.
    near = get(
        member_be_client, "service_at_locations", postcode="2018", proximity=3000
    )
    assert len(near["contents"]) == 2
    closest = get(
        member_be_client, "service_at_locations", postcode="2018", proximity=500
    )
    assert len(closest["contents"]) == 1
    public = get(anonymous, "service_at_locations", postcode="2000", proximity=3000)
    assert [s["location"]["id"] for s in public["contents"]] == [
        str(directory[0].locations.get(name="Head office").pk)
    ]


def test_latitude_longitude_and_radius_in_km(directory, anonymous):
    body = get(anonymous, "service_at_locations", lat=44.43, lon=26.1, radius=10)
    assert [s["service"]["name"] for s in body["contents"]] == ["Helpline"]
    body = get(anonymous, "service_at_locations", lat=48.85, lon=2.35, radius=10)
    assert body["empty"]


# Languages --------------------------------------------------------------


def test_descriptions_in_the_requested_language_with_fallback(directory, anonymous):
    antwerp, _bucharest = directory
    assert get(anonymous, f"organizations/{antwerp.pk}", lang="fr")["description"] == (
        "Hébergement et conseil."
    )
    response = anonymous.get(
        f"/api/hsds/organizations/{antwerp.pk}", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.json()["description"] == "Hébergement et conseil."
    assert response["Content-Language"] == "fr"
    assert get(anonymous, f"organizations/{antwerp.pk}")["description"] == (
        "Shelter and advice."
    )
    # No Romanian text: English is served.
    assert get(anonymous, f"organizations/{antwerp.pk}", lang="ro")["description"] == (
        "Shelter and advice."
    )


def test_a_phone_description_is_served_in_the_requested_language(directory, anonymous):
    antwerp, _bucharest = directory
    Phone.objects.create(
        organization=antwerp,
        number="+3278055800",
        is_hotline=True,
        description_en="Fictitious night line",
        description_fr="Ligne de nuit fictive",
    )

    def description(**params):
        record = get(anonymous, f"organizations/{antwerp.pk}", **params)
        [phone] = [p for p in record["phones"] if p["number"] == "+3278055800"]
        return phone["description"]

    assert description(lang="fr") == "Ligne d’assistance\u00a0: Ligne de nuit fictive"
    assert description() == "Hotline: Fictitious night line"
    # No Romanian text: English is served, as for every description.
    assert description(lang="ro").endswith("Fictitious night line")


def test_ndjson_is_served_in_the_requested_language(directory, anonymous):
    records = stream(anonymous, "organizations", lang="fr", search="stefan")
    assert records[0]["description"] == "Hébergement et conseil."


# Bad input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("services", {"page": "-1"}, 400),
        ("services", {"page": "0"}, 400),
        ("services", {"page": "abc"}, 400),
        ("services", {"per_page": "0"}, 400),
        ("services", {"per_page": str(10**9)}, 200),
        ("services", {"page": str(10**12)}, 200),
        ("services", {"per_page": "1e3"}, 400),
        ("services", {"taxonomy_term_id": "not-a-uuid"}, 400),
        ("services", {"taxonomy_id": "00000000-0000-0000-0000-000000000000"}, 200),
        ("services", {"organization_id": "'; DROP TABLE x"}, 400),
        ("services", {"modified_after": "yesterday"}, 400),
        ("services", {"modified_after": "2025-13-45"}, 400),
        ("services", {"modified_after": "2025-01-31T10:00:00+01:00"}, 200),
        ("services", {"full": "maybe"}, 400),
        ("services", {"format": "xml"}, 400),
        ("services", {"search": "\x00" * 3}, 200),
        ("services", {"search": "x" * 5000}, 200),
        ("organizations", {"search": "stefan", "page": "99"}, 200),
        ("organizations", {"search": "stefan", "per_page": "-5"}, 400),
        ("service_at_locations", {"proximity": "far"}, 400),
        ("service_at_locations", {"proximity": "nan", "postcode": "2000"}, 400),
        ("service_at_locations", {"lat": "91", "lon": "0"}, 400),
        ("service_at_locations", {"lat": "50"}, 400),
        ("service_at_locations", {"lat": "50", "lon": "4", "radius": "inf"}, 400),
        ("service_at_locations", {"postcode": "no such code", "proximity": "10"}, 200),
        ("taxonomy_terms", {"parent_id": "x"}, 400),
        ("taxonomy_terms", {"top_only": "true"}, 200),
        ("services/not-a-uuid", {}, 404),
        ("services/00000000-0000-0000-0000-000000000000", {}, 404),
        ("organizations/..%2F..%2Fetc", {}, 404),
        ("service_at_locations/123", {}, 404),
        ("taxonomies/00000000-0000-0000-0000-000000000000", {}, 404),
        ("taxonomy_terms/☃", {}, 404),
    ],
)
def test_bad_parameters_get_a_problem_never_a_server_error(
    directory, anonymous, path, params, status
):
    response = anonymous.get(f"/api/hsds/{path}", params)
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status
        assert body["title"]


def test_writes_are_refused(directory, anonymous):
    assert anonymous.post("/api/hsds/services").status_code == 405


def test_problems_are_in_the_callers_language(directory, anonymous):
    response = anonymous.get("/api/hsds/services", {"page": "x", "lang": "fr"})
    assert response.json()["title"] == "Paramètre non valide"
    assert response.json()["errors"]["page"] == [
        "Ce paramètre doit être un nombre entier."
    ]


@pytest.mark.parametrize("persona", ["anonymous", "member_be_client"])
def test_a_listing_from_public_sources_carries_no_assured_date(
    request, directory, persona
):
    client = request.getfixturevalue(persona)
    antwerp, _ = directory
    Organization.objects.filter(pk=antwerp.pk).update(
        assurance=Assurance.PUBLIC_SOURCES, assurer="compiler@example.org"
    )
    body = get(client, f"organizations/{antwerp.pk}", full_service="true")
    assert [s.get("assured_date") for s in body["services"]] == [None]
    assert [s.get("assurer_email") for s in body["services"]] in ([None], [""])

    Organization.objects.filter(pk=antwerp.pk).update(assurance=Assurance.CONFIRMED)
    body = get(client, f"organizations/{antwerp.pk}", full_service="true")
    assert body["services"][0]["assured_date"] == str(antwerp.assured_date)
