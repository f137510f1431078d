"""Who may propose changes to a listing, claim it, decide on proposals and
claims, and suggest or answer corrections. Checked with
`rules.has_perm("verification.…", user, obj)`."""

from typing import Any

import rules

from relais.accounts.rules import (
    coordinates_country_of,
    has_no_accounts,
    is_organisation_admin,
)
from relais.core.rules import is_platform_admin, is_professional


def _submitter(record: Any) -> Any:
    """Who proposed the change (a ListingChangeRequest) or claimed (a ListingClaim)."""
    return getattr(record, "submitted_by", None) or getattr(record, "claimant", None)


@rules.predicate
def may_review_listing_of(user: Any, record: Any) -> bool:
    return bool(can_review_listing(user, record.organization))


@rules.predicate
def did_not_submit(user: Any, record: Any) -> bool:
    submitter = _submitter(record)
    return submitter is None or submitter.pk != user.pk


@rules.predicate
def suggested(user: Any, suggestion: Any) -> bool:
    return suggestion.suggested_by_id is not None and suggestion.suggested_by_id == (
        user.pk
    )


@rules.predicate
def may_answer_suggestions_of(user: Any, suggestion: Any) -> bool:
    return bool(can_answer_suggestions(user, suggestion.organization))


can_review_listing = is_platform_admin | coordinates_country_of
# Those who can change the listing: its administrators propose, the country's
# coordinators approve (platform administrators for every country).
can_answer_suggestions = (
    is_platform_admin | coordinates_country_of | is_organisation_admin
)

# Propose changes to a listing or confirm it: the organisation's administrators.
rules.add_perm("verification.edit_listing", is_organisation_admin)
# "This is us": any professional, for a listing whose organisation has no
# accounts yet.
rules.add_perm("verification.claim_listing", is_professional & has_no_accounts)
# See a listing's proposals and claims: the coordinator of the listing's
# country, platform administrators (the object is the organisation).
rules.add_perm("verification.review_listing", can_review_listing)
# Decide on a proposal or a claim (the object is the record): a reviewer, and
# never on their own proposal or claim.
rules.add_perm("verification.decide", may_review_listing_of & did_not_submit)
# Suggest a correction to any listing: any professional.
rules.add_perm("verification.suggest_correction", is_professional)
# Read and answer the suggestions about a listing (the object is the
# organisation): its administrators, its country's coordinators, platform
# administrators.
rules.add_perm("verification.answer_suggestions", can_answer_suggestions)
# Read one suggestion (the object is the suggestion): who sent it, who answers it.
rules.add_perm(
    "verification.view_suggestion",
    is_professional & (suggested | may_answer_suggestions_of),
)
