"""What every answer of the API shares: limits, CORS, the OpenAPI document."""

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limit(settings):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "api": (2, 60)}


def test_the_api_answers_429_with_retry_after_once_the_budget_is_spent(
    anonymous, vocabularies, tight_limit
):
    codes = [anonymous.get("/api/v1/countries").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = anonymous.get("/api/v1/taxonomies", {"lang": "fr"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Trop de requêtes"


def test_failed_tokens_count_against_the_budget(anonymous, vocabularies, tight_limit):
    for _ in range(2):
        anonymous.get("/api/v1/countries", HTTP_AUTHORIZATION="Bearer wrong")
    assert anonymous.get("/api/v1/countries").status_code == 429


def test_public_reads_are_open_to_other_sites(anonymous, vocabularies):
    response = anonymous.get("/api/v1/countries", HTTP_ORIGIN="https://ngo.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_reads_only(anonymous, db):
    response = anonymous.options(
        "/api/v1/search",
        HTTP_ORIGIN="https://ngo.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept-language",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert "authorization" not in response["Access-Control-Allow-Headers"]


def test_pages_outside_the_api_send_no_cors_headers(anonymous, db):
    response = anonymous.get("/en/directory/", HTTP_ORIGIN="https://ngo.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_the_openapi_document_is_valid_openapi_3_1(anonymous, db):
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)
    paths = document["paths"]
    for path in (
        "/api/v1/search",
        "/api/v1/listings/{slug}",
        "/api/v1/listings/by-id/{id}",
        "/api/v1/taxonomies",
        "/api/v1/countries",
        "/api/v1/places",
    ):
        assert path in paths
    search = paths["/api/v1/search"]["get"]
    assert {"PersonalToken": []} in search["security"] and {} in search["security"]
    assert "application/problem+json" in search["responses"]["400"]["content"]
    assert "Retry-After" in search["responses"]["429"]["headers"]
    assert document["components"]["securitySchemes"]["PersonalToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["PersonalToken"][
            "description"
        ],
    }


def test_the_documentation_page_works_under_the_content_security_policy(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script([^>]*)>", body)
    external = [s for s in scripts if "src=" in s]
    assert len(external) == 2
    for attributes in external:
        assert f'nonce="{nonce}"' in attributes
        assert 'src="/static/ninja/' in attributes
    assert "cdn" not in body.lower() and "https://" not in body
    assert "/api/v1/openapi.json" in body
