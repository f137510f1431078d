"""Listing verification: the access matrix of every role over two countries.

Each organisation has a pending proposal whose proposed name is a sentinel:
only the coordinator of the listing's country and platform administrators
see it or decide on it; only the organisation's administrators propose.
"""

import pytest
from django.test import Client
from django.urls import reverse

from relais.directory.models import Organization
from relais.directory.tests.factories import OrganizationFactory
from relais.verification.models import ListingChangeRequest, ListingClaim, ReviewStatus

pytestmark = pytest.mark.django_db

SENTINEL = {"a": "Sentinel proposal for org A", "b": "Sentinel proposal for org B"}
EDITS = {"admin_a": {"a"}, "admin_b": {"b"}}
REVIEWS = {
    "coordinator_be": {"a"},
    "coordinator_ro": {"b"},
    "platform_admin": {"a", "b"},
}
PERSONAS = [
    "admin_a",
    "member_a",
    "observer_a",
    "admin_b",
    "member_b",
    "observer_b",
    "coordinator_be",
    "coordinator_ro",
    "platform_admin",
    "no_organisation",
]


@pytest.fixture
def proposals(people, org_a, org_b):
    result = {}
    for key, org, owner in (
        ("a", org_a, people["admin_a"]),
        ("b", org_b, people["admin_b"]),
    ):
        result[key] = ListingChangeRequest.objects.create(
            organization=org,
            kind=ListingChangeRequest.Kind.EDIT,
            baseline={"name": org.name},
            proposed={"name": SENTINEL[key]},
            language="en",
            submitted_by=owner,
        )
    return result


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_listings_coordinator_sees_and_decides_a_proposal(
    persona, clients, proposals
):
    client = clients[persona]
    dashboard = client.get(reverse("verification:coordination"))
    for key, change in proposals.items():
        url = reverse("verification:change_review", args=[change.pk])
        allowed = key in REVIEWS.get(persona, set())
        page = client.get(url)
        assert page.status_code == (200 if allowed else 404), (persona, key)
        assert (SENTINEL[key] in page.content.decode()) == allowed
        assert (SENTINEL[key] in dashboard.content.decode()) is False
        assert (url in dashboard.content.decode()) == allowed
        client.post(url, {"decision": "approve"})
        change.refresh_from_db()
        assert (change.status == ReviewStatus.APPROVED) == allowed, (persona, key)
        assert (
            Organization.objects.get(pk=change.organization_id).name == SENTINEL[key]
        ) == allowed
    assert dashboard.status_code == (200 if persona in REVIEWS else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_organisations_administrators_edit_its_listing(
    persona, clients, org_a, org_b
):
    for key, org in (("a", org_a), ("b", org_b)):
        allowed = key in EDITS.get(persona, set())
        edit = reverse("verification:listing_edit", args=[org.slug])
        confirm = reverse("verification:listing_confirm", args=[org.slug])
        assert clients[persona].get(edit).status_code == (200 if allowed else 404)
        clients[persona].post(confirm)
        assert (
            ListingChangeRequest.objects.filter(organization=org).exists() == allowed
        ), (persona, key)


def test_anonymous_and_password_only_sessions_reach_nothing(
    anonymous, people, org_a, proposals
):
    password_only = Client()
    password_only.force_login(people["coordinator_be"])
    owner_password_only = Client()
    owner_password_only.force_login(people["admin_a"])
    unclaimed = OrganizationFactory(country="BE")
    urls = [
        reverse("verification:coordination"),
        reverse("verification:change_review", args=[proposals["a"].pk]),
        reverse("verification:listing_edit", args=[org_a.slug]),
        reverse("verification:claim", args=[unclaimed.slug]),
    ]
    for client in (anonymous, password_only, owner_password_only):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert SENTINEL["a"] not in response.content.decode()
        client.post(urls[1], {"decision": "approve"})
        client.post(reverse("verification:listing_confirm", args=[org_a.slug]))
        client.post(urls[3], {"profession": "lawyer"})
    proposals["a"].refresh_from_db()
    assert proposals["a"].status == ReviewStatus.PENDING
    assert ListingChangeRequest.objects.count() == 2
    assert not ListingClaim.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_listings_coordinator_decides_a_claim(persona, clients, people):
    unclaimed = {
        "a": OrganizationFactory(country="BE"),
        "b": OrganizationFactory(country="RO"),
    }
    claimant = people["no_organisation"]
    for key, org in unclaimed.items():
        claim = ListingClaim.objects.create(
            organization=org, claimant=claimant, profession="lawyer", language="en"
        )
        allowed = key in REVIEWS.get(persona, set())
        url = reverse("verification:claim_review", args=[claim.pk])
        page = clients[persona].get(url)
        assert page.status_code == (200 if allowed else 404), (persona, key)
        assert (claimant.email in page.content.decode()) == allowed
        clients[persona].post(url, {"decision": "approve"})
        claim.refresh_from_db()
        assert (claim.status == ReviewStatus.APPROVED) == allowed, (persona, key)
