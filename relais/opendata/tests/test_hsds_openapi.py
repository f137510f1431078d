"""The HSDS API's OpenAPI document: valid OpenAPI 3.1, and the official HSDS
3.0 document's paths, operation ids, parameters and answers."""

import re
from typing import Any

import pytest
from django.test import Client
from jsonschema_path import SchemaPath
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

from relais.opendata.hsds_api.api import official_openapi
from relais.opendata.tests.hsds_validation import schema

pytestmark = pytest.mark.django_db

SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
PREFIX = "/api/hsds"


def official_schema(uri: str) -> dict[str, Any]:
    """The official schemas the document refers to, from the copies here."""
    assert uri.startswith(SCHEMAS), uri
    return schema(uri.rsplit("/", 1)[-1].removesuffix(".json"))


@pytest.fixture
def document(anonymous) -> dict[str, Any]:
    response = anonymous.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    path = SchemaPath.from_dict(document, handlers={"https": official_schema})
    OpenAPIV31SpecValidator(path).validate()


def _parameter_names(official: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = official["components"]["parameters"][
                parameter["$ref"].rsplit("/", 1)[-1]
            ]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names


def test_the_document_follows_the_official_hsds_document(document):
    official = official_openapi()
    assert len(document["paths"]) == len(official["paths"])
    for path, operations in official["paths"].items():
        ours = document["paths"][PREFIX + path]
        for method, operation in operations.items():
            if method == "parameters":
                continue
            mine = ours[method]
            assert mine["operationId"] == operation["operationId"], path
            assert mine["responses"]["200"] == operation["responses"]["200"], path
            assert _parameter_names(official, operation) <= _parameter_names(
                official, mine
            ), path
            assert {"400", "401", "429"} <= set(mine["responses"]), path
    assert (
        document["components"]["schemas"]["Page"]
        == official["components"]["schemas"]["Page"]
    )


def test_the_documentation_page_works_under_the_content_security_policy(db):
    response = Client().get(f"{PREFIX}/docs")
    assert response.status_code == 200
    body = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    assert f'nonce="{nonce.group(1)}"' in body
    assert f"{PREFIX}/openapi.json" in body
