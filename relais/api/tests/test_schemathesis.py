"""Schemathesis against /api/v1/openapi.json, in process through the WSGI app:
no server error and no answer that contradicts the document."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from relais.api.services import api_token_create
from relais.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = 15
# Filter values are checked against data the document cannot list (the
# vocabularies' codes, the gazetteer's places): a well-formed but unknown
# value is answered 400, which this check would count as a rejection of
# valid data. Every other check, response conformance included, runs.
EXCLUDED = [positive_data_acceptance]


def _check_every_operation(headers: dict[str, str]) -> int:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        conforms()
        checked += 1
    return checked


@pytest.fixture
def unlimited_api(settings):
    settings.RELAIS_RATE_LIMITS = {**settings.RELAIS_RATE_LIMITS, "api": (10**9, 60)}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go through the real WSGI handler, whose request signals would
    close the test's database connection (and its transaction) on
    PostgreSQL; Django's test client disconnects them the same way."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def test_the_api_keeps_to_its_openapi_document(listing, unlimited_api):
    assert _check_every_operation({}) >= 9


def test_the_api_keeps_to_its_openapi_document_with_a_token(
    listing, unlimited_api, member_be
):
    _token, raw = api_token_create(user=member_be, name="Fuzzing", expires_in_days=1)
    assert _check_every_operation({"Authorization": f"Bearer {raw}"}) >= 9
