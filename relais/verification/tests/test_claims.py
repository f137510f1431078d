""" "This is us": a professional claims a listing nobody administers."""

import pytest
from django.urls import reverse

from relais.accounts.models import Membership, Role
from relais.audit.models import AuditEntry
from relais.directory.tests.factories import OrganizationFactory
from relais.verification.audit_actions import VerificationAction
from relais.verification.models import ListingClaim, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def unclaimed(db):
    return OrganizationFactory(name="Fictitious Unclaimed Shelter", country="BE")


def claim(client, organization, **data):
    return client.post(
        reverse("verification:claim", args=[organization.slug]),
        {
            "profession": "social_worker",
            "message": "Fictitious: I run the desk.",
            **data,
        },
    )


def test_a_confirmed_claim_makes_the_claimant_administrator(
    clients, people, unclaimed, mailoutbox
):
    claimant = clients["no_organisation"]
    listing = claimant.get(unclaimed.get_absolute_url()).content.decode()
    assert reverse("verification:claim", args=[unclaimed.slug]) in listing
    assert claim(claimant, unclaimed).status_code == 302
    pending = ListingClaim.objects.get()
    assert pending.status == ReviewStatus.PENDING
    assert (
        AuditEntry.objects.filter(action=VerificationAction.LISTING_CLAIMED).count()
        == 1
    )
    assert "waiting for the country coordinator" in (
        claimant.get(unclaimed.get_absolute_url()).content.decode()
    )

    url = reverse("verification:claim_review", args=[pending.pk])
    assert (
        url
        in clients["coordinator_be"]
        .get(reverse("verification:coordination"))
        .content.decode()
    )
    assert (
        clients["coordinator_be"].post(url, {"decision": "approve"}).status_code == 302
    )
    membership = Membership.objects.get(organization=unclaimed)
    assert (membership.user, membership.role, membership.profession) == (
        people["no_organisation"],
        Role.ORGANISATION_ADMIN,
        "social_worker",
    )
    entries = AuditEntry.objects.filter(
        action=VerificationAction.LISTING_CLAIM_CONFIRMED
    )
    assert entries.count() == 1
    assert people["no_organisation"].email not in str(entries.get().details)
    assert [m.to for m in mailoutbox] == [
        [people["coordinator_be"].email],  # a claim waits
        [people["no_organisation"].email],  # it was confirmed
    ]
    for mail in mailoutbox:
        assert people["no_organisation"].email not in mail.body
        assert unclaimed.name not in mail.body
    edit = reverse("verification:listing_edit", args=[unclaimed.slug])
    assert claimant.get(edit).status_code == 200


def test_a_listing_with_accounts_cannot_be_claimed(clients, org_a):
    response = claim(clients["no_organisation"], org_a)
    assert response.status_code == 404
    assert not ListingClaim.objects.exists()


def test_a_claim_is_rejected_only_with_a_reason(clients, unclaimed, mailoutbox):
    claim(clients["no_organisation"], unclaimed)
    pending = ListingClaim.objects.get()
    url = reverse("verification:claim_review", args=[pending.pk])
    response = clients["coordinator_be"].post(
        url, {"decision": "reject", "reason": " "}
    )
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.PENDING
    reason = "The organisation does not know this person."
    clients["coordinator_be"].post(url, {"decision": "reject", "reason": reason})
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (ReviewStatus.REJECTED, reason)
    assert not Membership.objects.filter(organization=unclaimed).exists()
    assert (
        AuditEntry.objects.filter(
            action=VerificationAction.LISTING_CLAIM_REJECTED
        ).count()
        == 1
    )
    assert reason not in mailoutbox[-1].body
    page = clients["no_organisation"].get(
        reverse("verification:claim", args=[unclaimed.slug])
    )
    assert reason in page.content.decode()


def test_claiming_twice_is_refused_clearly(clients, unclaimed):
    claim(clients["no_organisation"], unclaimed)
    response = claim(clients["no_organisation"], unclaimed)
    assert response.status_code == 400
    assert "already claimed" in response.content.decode()
    assert ListingClaim.objects.count() == 1
    assert (
        AuditEntry.objects.filter(action=VerificationAction.LISTING_CLAIMED).count()
        == 1
    )


def test_a_second_claim_cannot_be_confirmed_once_the_listing_has_an_administrator(
    clients, people, unclaimed
):
    claim(clients["no_organisation"], unclaimed)
    claim(clients["member_b"], unclaimed)
    first, second = ListingClaim.objects.order_by("submitted_at")
    coordinator = clients["coordinator_be"]
    coordinator.post(
        reverse("verification:claim_review", args=[first.pk]), {"decision": "approve"}
    )
    response = coordinator.post(
        reverse("verification:claim_review", args=[second.pk]), {"decision": "approve"}
    )
    assert response.status_code == 400
    assert "has accounts now" in response.content.decode()
    assert Membership.objects.filter(organization=unclaimed).count() == 1
