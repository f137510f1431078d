"""Reads for listing verification, each scoped by its rules (rules.py)."""

import uuid
from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.accounts.rules import coordinated_countries
from relais.core.dates import months_before
from relais.core.rules import is_platform_admin
from relais.core.viewers import is_professional
from relais.directory.models import Organization

from .listing import display_value, field_label, listing_values
from .models import ListingChangeRequest, ListingClaim, ReviewStatus

DASHBOARD_ROWS = 100


def listing_get_editable(user: Any, slug: str) -> Organization | None:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm(
        "verification.edit_listing", user, organization
    ):
        return None
    return organization


def listing_get_claimable(user: Any, slug: str) -> Organization | None:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm(
        "verification.claim_listing", user, organization
    ):
        return None
    return organization


def pending_change_request(organization: Organization) -> ListingChangeRequest | None:
    return ListingChangeRequest.objects.filter(
        organization=organization, status=ReviewStatus.PENDING
    ).first()


def last_rejection(organization: Organization) -> ListingChangeRequest | None:
    """The latest decision if it was a rejection: its reason is shown to the owners."""
    last = (
        ListingChangeRequest.objects.filter(organization=organization)
        .exclude(status=ReviewStatus.PENDING)
        .order_by("-decided_at")
        .first()
    )
    return last if last is not None and last.status == ReviewStatus.REJECTED else None


def last_claim_rejection(user: Any, organization: Organization) -> ListingClaim | None:
    return (
        ListingClaim.objects.filter(
            organization=organization, claimant=user, status=ReviewStatus.REJECTED
        )
        .order_by("-decided_at")
        .first()
    )


@dataclass
class ListingActions:
    """What the viewer may do about a listing, for the listing page."""

    can_edit: bool = False
    can_claim: bool = False
    claim_pending: bool = False
    pending: ListingChangeRequest | None = None


def listing_actions(user: Any, organization: Organization) -> ListingActions:
    if not is_professional(user):
        return ListingActions()
    if rules.has_perm("verification.edit_listing", user, organization):
        return ListingActions(
            can_edit=True, pending=pending_change_request(organization)
        )
    if rules.has_perm("verification.claim_listing", user, organization):
        return ListingActions(
            can_claim=True,
            claim_pending=ListingClaim.objects.filter(
                organization=organization,
                claimant=user,
                status=ReviewStatus.PENDING,
            ).exists(),
        )
    return ListingActions()


def _countries_filter(user: Any, field: str = "country") -> Q | None:
    """Rows of the user's countries (all for a platform administrator), or None."""
    if is_platform_admin(user):
        return Q()
    countries = coordinated_countries(user)
    if not countries:
        return None
    return Q(**{f"{field}__in": countries})


def change_requests_pending(user: Any) -> QuerySet[ListingChangeRequest]:
    scope = _countries_filter(user, "organization__country")
    if scope is None:
        return ListingChangeRequest.objects.none()
    return (
        ListingChangeRequest.objects.filter(scope, status=ReviewStatus.PENDING)
        .select_related("organization")
        .order_by("submitted_at")
    )


def claims_pending(user: Any) -> QuerySet[ListingClaim]:
    scope = _countries_filter(user, "organization__country")
    if scope is None:
        return ListingClaim.objects.none()
    return (
        ListingClaim.objects.filter(scope, status=ReviewStatus.PENDING)
        .select_related("organization")
        .order_by("submitted_at")
    )


def listings_stale(user: Any) -> QuerySet[Organization]:
    """Verified once, stale now, not yet hidden from search."""
    scope = _countries_filter(user)
    if scope is None:
        return Organization.objects.none()
    today = timezone.localdate()
    return Organization.objects.filter(
        scope,
        source_verified=True,
        assured_date__lte=months_before(
            today, settings.RELAIS_VERIFICATION_STALE_AFTER_MONTHS
        ),
        assured_date__gt=months_before(
            today, settings.RELAIS_VERIFICATION_HIDE_AFTER_MONTHS
        ),
    ).order_by("assured_date", "name")


def listings_hidden(user: Any) -> QuerySet[Organization]:
    """Left out of the default search for lack of verification."""
    scope = _countries_filter(user)
    if scope is None:
        return Organization.objects.none()
    cutoff = months_before(
        timezone.localdate(), settings.RELAIS_VERIFICATION_HIDE_AFTER_MONTHS
    )
    return Organization.objects.filter(scope, assured_date__lte=cutoff).order_by(
        "assured_date", "name"
    )


def change_request_get_reviewable(
    user: Any, pk: uuid.UUID
) -> ListingChangeRequest | None:
    change_request = (
        ListingChangeRequest.objects.select_related("organization", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if change_request is None or not rules.has_perm(
        "verification.review_listing", user, change_request.organization
    ):
        return None
    return change_request


def claim_get_reviewable(user: Any, pk: uuid.UUID) -> ListingClaim | None:
    claim = (
        ListingClaim.objects.select_related("organization", "claimant")
        .filter(pk=pk)
        .first()
    )
    if claim is None or not rules.has_perm(
        "verification.review_listing", user, claim.organization
    ):
        return None
    return claim


@dataclass
class DiffRow:
    label: str
    old: str
    new: str
    # The live value moved since the owner began: the reviewer should know.
    changed_meanwhile: bool


def change_request_diff(change_request: ListingChangeRequest) -> list[DiffRow]:
    """Field by field, the listing as it is now and as the owner proposes it."""
    current = listing_values(change_request.organization, change_request.language)
    return [
        DiffRow(
            label=field_label(name, change_request.language),
            old=display_value(name, current[name]),
            new=display_value(name, change_request.proposed[name]),
            changed_meanwhile=current[name] != change_request.baseline.get(name),
        )
        for name in change_request.changed_fields
    ]
