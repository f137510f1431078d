"""Reads for listing verification, each scoped by its rules (rules.py)."""

import uuid
from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Role, User
from relais.accounts.rules import coordinated_countries, is_organisation_member
from relais.core.dates import months_before
from relais.core.rules import is_platform_admin
from relais.core.viewers import is_professional
from relais.directory.models import Organization

from .listing import display_value, field_label, listing_values
from .models import (
    CorrectionSuggestion,
    ListingChangeRequest,
    ListingClaim,
    ReviewStatus,
)

DASHBOARD_ROWS = 100
# The suggestions a person sees about one listing on its page.
LISTING_PAGE_SUGGESTIONS = 5


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


# Suggested corrections -------------------------------------------------------


def person_name(user: User) -> str:
    """How a person is named to colleagues: their name, else their e-mail."""
    return user.get_full_name() or user.email


@dataclass
class ListingEditors:
    """Who can change a listing: its administrators propose, coordinators approve."""

    administrators: list[User]
    coordinators: list[User]


def listing_editors(organization: Organization) -> ListingEditors:
    active = User.objects.filter(is_active=True).order_by(
        "first_name", "last_name", "email"
    )
    return ListingEditors(
        administrators=list(
            active.filter(
                memberships__organization=organization,
                memberships__role=Role.ORGANISATION_ADMIN,
            ).distinct()
        ),
        coordinators=list(
            active.filter(
                coordinated_countries__country=str(organization.country)
            ).distinct()
            if organization.country
            else []
        ),
    )


def _answerable_filter(user: Any) -> Q | None:
    """Suggestions about listings the user answers for, or None for none."""
    if not is_professional(user):
        return None
    if is_platform_admin(user):
        return Q()
    administered = Membership.objects.filter(
        user=user, role=Role.ORGANISATION_ADMIN
    ).values("organization")
    scope = Q(organization__in=administered)
    countries = coordinated_countries(user)
    if countries:
        scope |= Q(organization__country__in=countries)
    return scope


def answers_suggestions(user: Any) -> bool:
    """Whether the user answers suggestions about any listing at all."""
    if not is_professional(user):
        return False
    return (
        is_platform_admin(user)
        or bool(coordinated_countries(user))
        or Membership.objects.filter(user=user, role=Role.ORGANISATION_ADMIN).exists()
    )


def suggestions_open(user: Any) -> QuerySet[CorrectionSuggestion]:
    """Open suggestions the user may answer, oldest first."""
    scope = _answerable_filter(user)
    if scope is None:
        return CorrectionSuggestion.objects.none()
    return (
        CorrectionSuggestion.objects.filter(
            scope, status=CorrectionSuggestion.Status.OPEN
        )
        .select_related("organization")
        .order_by("suggested_at")
    )


def suggestions_answered(user: Any) -> QuerySet[CorrectionSuggestion]:
    """Answered suggestions the user may answer, latest answer first."""
    scope = _answerable_filter(user)
    if scope is None:
        return CorrectionSuggestion.objects.none()
    return (
        CorrectionSuggestion.objects.filter(scope)
        .exclude(status=CorrectionSuggestion.Status.OPEN)
        .select_related("organization")
        .order_by("-resolved_at")
    )


def suggestions_by(user: Any) -> QuerySet[CorrectionSuggestion]:
    """The user's own suggestions, latest first."""
    if not is_professional(user):
        return CorrectionSuggestion.objects.none()
    return (
        CorrectionSuggestion.objects.filter(suggested_by=user)
        .select_related("organization")
        .order_by("-suggested_at")
    )


def suggestion_get_visible(user: Any, pk: uuid.UUID) -> CorrectionSuggestion | None:
    suggestion = (
        CorrectionSuggestion.objects.select_related(
            "organization", "suggested_by", "resolved_by"
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None or not rules.has_perm(
        "verification.view_suggestion", user, suggestion
    ):
        return None
    return suggestion


@dataclass
class ListingSuggestions:
    """The listing page's part about corrections, for this viewer."""

    can_suggest: bool = False
    mine: list[CorrectionSuggestion] | None = None
    open_count: int = 0  # for those who answer them
    may_answer: bool = False
    editors: ListingEditors | None = None  # for the organisation's own members


def listing_suggestions(user: Any, organization: Organization) -> ListingSuggestions:
    if not rules.has_perm("verification.suggest_correction", user):
        return ListingSuggestions()
    may_answer = rules.has_perm("verification.answer_suggestions", user, organization)
    return ListingSuggestions(
        can_suggest=True,
        mine=list(
            suggestions_by(user).filter(organization=organization)[
                :LISTING_PAGE_SUGGESTIONS
            ]
        ),
        may_answer=may_answer,
        open_count=(
            CorrectionSuggestion.objects.filter(
                organization=organization, status=CorrectionSuggestion.Status.OPEN
            ).count()
            if may_answer
            else 0
        ),
        editors=(
            listing_editors(organization)
            if is_organisation_member(user, organization)
            else None
        ),
    )
