"""The referrals API: metadata for those who may see it, never personal data."""

import pytest
from django.test import Client

from relais.api.services import api_token_create

from .conftest import ALL_SENTINELS

pytestmark = pytest.mark.django_db

SEES = {
    "admin_a",
    "member_a",
    "observer_a",
    "admin_b",
    "member_b",
    "observer_b",
    "coordinator_be",
    "coordinator_ro",
    "platform_admin",
}


def bearer(user):
    _token, raw = api_token_create(user=user, name="Case system", expires_in_days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def no_personal_data(response, referral):
    body = response.content.decode()
    assert [s for s in ALL_SENTINELS if s in body] == []
    assert referral.case_code not in body


@pytest.mark.parametrize("role", [*sorted(SEES), "no_organisation", "member_c"])
def test_each_role_sees_the_metadata_it_may_and_never_personal_data(
    people, member_c, referral_full, role
):
    user = member_c if role == "member_c" else people[role]
    headers = bearer(user)
    listing = Client().get("/api/referrals/", **headers)
    detail = Client().get(f"/api/referrals/{referral_full.pk}", **headers)
    assert listing.status_code == 200
    no_personal_data(listing, referral_full)
    no_personal_data(detail, referral_full)
    ids = [row["id"] for row in listing.json()]
    if role in SEES:
        assert ids == [str(referral_full.pk)]
        assert detail.status_code == 200
        data = detail.json()
        assert data["status"] == "accepted"
        assert data["deadlines"][0]["kind"] == "hearing"
        assert [step["kind"] for step in data["timeline"]][:3] == [
            "drafted",
            "consent",
            "sent",
        ]
    else:
        assert ids == []
        assert detail.status_code == 404
        assert detail["Content-Type"] == "application/problem+json"


def test_anonymous_readers_see_nothing(referral_full):
    assert Client().get("/api/referrals/").json() == []
    response = Client().get(f"/api/referrals/{referral_full.pk}")
    assert response.status_code == 404
    no_personal_data(response, referral_full)


def test_a_forged_id_is_a_404_problem(people):
    response = Client().get("/api/referrals/not-a-uuid", **bearer(people["member_a"]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_openapi_document_describes_the_api_and_is_valid():
    from openapi_spec_validator import validate

    document = Client().get("/api/referrals/openapi.json").json()
    assert "/api/referrals/" in document["paths"]
    validate(document)
