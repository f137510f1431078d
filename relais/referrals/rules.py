"""Who may see and do what on a referral (django-rules).

Checked with `rules.has_perm("referrals.…", user, referral)`. Every predicate
is false for a viewer who is not a professional (signed in with a verified
second factor): relais.accounts.rules.organisation_role says so.

- Personal data (the person, messages, documents, notes): members and
  administrators (not observers) of the sending organisation, and of the
  receiving one once the referral was sent to it and while it is theirs
  (not declined, not withdrawn); never after the retention purge.
- Metadata (organisations, purposes, statuses, dates, deadlines): the same
  people, observers of both organisations, the coordinators of both
  countries and platform administrators.
"""

from typing import Any

import rules

from relais.accounts.models import Role
from relais.accounts.rules import coordinated_countries, organisation_role
from relais.core.rules import is_platform_admin, is_professional

from .models import Status

ACTIVE_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.MEMBER})

# Statuses in which the receiving organisation holds the case.
RECEIVING_STATUSES = frozenset(
    {
        Status.SENT,
        Status.INFO_REQUESTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    }
)


def _role(user: Any, organization_id: Any) -> str | None:
    return organisation_role(user, organization_id)


def sending_role(user: Any, referral: Any) -> str | None:
    return _role(user, referral.sending_organization_id)


def receiving_role(user: Any, referral: Any) -> str | None:
    # Consent withdrawn: the receiving organisation loses access at once.
    if referral.status == Status.DRAFT or referral.consent_withdrawn_at is not None:
        return None
    return _role(user, referral.receiving_organization_id)


@rules.predicate
def is_sender(user: Any, referral: Any) -> bool:
    return sending_role(user, referral) in ACTIVE_ROLES


@rules.predicate
def is_sending_admin(user: Any, referral: Any) -> bool:
    return sending_role(user, referral) == Role.ORGANISATION_ADMIN


@rules.predicate
def is_receiving_admin(user: Any, referral: Any) -> bool:
    return (
        referral.status in RECEIVING_STATUSES
        and receiving_role(user, referral) == Role.ORGANISATION_ADMIN
    )


@rules.predicate
def is_receiver(user: Any, referral: Any) -> bool:
    return (
        referral.status in RECEIVING_STATUSES
        and receiving_role(user, referral) in ACTIVE_ROLES
    )


@rules.predicate
def is_party_member(user: Any, referral: Any) -> bool:
    """Any role in either organisation, observers included."""
    return sending_role(user, referral) is not None or (
        receiving_role(user, referral) is not None
    )


@rules.predicate
def coordinates_either_country(user: Any, referral: Any) -> bool:
    countries = {str(referral.sending_country)}
    if referral.status != Status.DRAFT:
        countries.add(str(referral.receiving_country))
    return bool(countries & coordinated_countries(user))


@rules.predicate
def personal_data_kept(user: Any, referral: Any) -> bool:
    return referral.purged_at is None


@rules.predicate
def is_open(user: Any, referral: Any) -> bool:
    return not referral.is_final


@rules.predicate
def is_draft(user: Any, referral: Any) -> bool:
    return referral.status == Status.DRAFT


@rules.predicate
def receiver_has_no_accounts(user: Any, referral: Any) -> bool:
    from relais.accounts.models import Membership

    return not Membership.objects.filter(
        organization_id=referral.receiving_organization_id
    ).exists()


@rules.predicate
def consent_kept(user: Any, referral: Any) -> bool:
    return referral.consent_withdrawn_at is None


@rules.predicate
def can_refer_from(user: Any, organization: Any) -> bool:
    return _role(user, getattr(organization, "pk", organization)) in ACTIVE_ROLES


handles_case = is_sender | is_receiver

rules.add_perm(
    "referrals.view",
    is_party_member | coordinates_either_country | is_platform_admin,
)
rules.add_perm("referrals.view_personal", handles_case & personal_data_kept)
rules.add_perm("referrals.create_from", can_refer_from)
rules.add_perm("referrals.edit", is_sender & is_draft)
rules.add_perm("referrals.record_consent", is_sender & is_open & personal_data_kept)
rules.add_perm("referrals.withdraw_consent", is_sender & personal_data_kept)
rules.add_perm("referrals.act_as_sender", is_sender & is_open)
rules.add_perm("referrals.act_as_receiver", is_receiver & is_open)
rules.add_perm(
    "referrals.message", handles_case & is_open & personal_data_kept & ~is_draft
)
rules.add_perm("referrals.set_deadline", handles_case & is_open & ~is_draft)
# A subject-access export and erasure on the person's request: the
# administrators of either organisation holding the case.
rules.add_perm(
    "referrals.export",
    (is_sending_admin | is_receiving_admin) & personal_data_kept,
)
# A receiving organisation with no accounts gets the referral as an encrypted
# file, its password given another way (the phone).
rules.add_perm(
    "referrals.handover",
    is_sender
    & ~is_draft
    & is_open
    & personal_data_kept
    & consent_kept
    & receiver_has_no_accounts,
)
rules.add_perm("referrals.erase", is_sending_admin & personal_data_kept)
# Who read the personal data: both organisations (observers included).
rules.add_perm("referrals.view_readers", is_party_member | is_platform_admin)
# Anonymised statistics (small cells suppressed): every professional.
rules.add_perm("referrals.view_statistics", is_professional)
rules.add_perm("referrals.use", is_professional)
