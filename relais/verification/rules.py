"""Who may propose changes to a listing, claim it, and decide on proposals and
claims. Checked with `rules.has_perm("verification.…", user, obj)`."""

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


can_review_listing = is_platform_admin | coordinates_country_of

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
