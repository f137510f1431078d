"""Who may manage organisations and decide on access requests, and the identity
facts (role in an organisation, coordinated countries) that the other apps'
rules build on. Checked with `rules.has_perm("accounts.…", user, obj)`.

Roles: platform administrator (superuser), country coordinator (per country),
and per organisation: administrator, member, observer (read-only). Every
predicate is false for a viewer who is not a professional (relais.core.viewers).
"""

from typing import Any

import rules

from relais.core.rules import is_platform_admin
from relais.core.viewers import is_professional as _is_professional

from .models import Membership, Role


def coordinated_countries(user: Any) -> set[str]:
    if not _is_professional(user):
        return set()
    return {
        str(c) for c in user.coordinated_countries.values_list("country", flat=True)
    }


def organisation_role(user: Any, organization: Any) -> str | None:
    """The user's role in the organisation, or None when they are not a member."""
    if not _is_professional(user):
        return None
    return (
        user.memberships.filter(organization=organization)
        .values_list("role", flat=True)
        .first()
    )


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(coordinated_countries(user))


@rules.predicate
def coordinates_country_of(user: Any, record: Any) -> bool:
    """`record` (an organisation, an access request) is in a country the user
    coordinates."""
    country = str(getattr(record, "country", "") or "")
    return bool(country) and country in coordinated_countries(user)


@rules.predicate
def is_organisation_admin(user: Any, organization: Any) -> bool:
    return organisation_role(user, organization) == Role.ORGANISATION_ADMIN


@rules.predicate
def is_organisation_member(user: Any, organization: Any) -> bool:
    """Any role, observers included."""
    return organisation_role(user, organization) is not None


@rules.predicate
def has_no_accounts(user: Any, organization: Any) -> bool:
    return not Membership.objects.filter(organization=organization).exists()


can_manage_organisation = (
    is_platform_admin | coordinates_country_of | (is_organisation_admin)
)
can_coordinate = is_platform_admin | is_coordinator

# Invite people and change roles: the organisation's administrators, the
# coordinator of its country, platform administrators.
rules.add_perm("accounts.manage_organisation", can_manage_organisation)
# Members (observers included) see their colleagues; managers see them too.
rules.add_perm(
    "accounts.view_organisation_members",
    is_organisation_member | can_manage_organisation,
)
# The coordination pages and the access requests: coordinators and platform
# administrators.
rules.add_perm("accounts.coordinate", can_coordinate)
rules.add_perm("accounts.review_access_requests", can_coordinate)
# The coordinators of the request's country decide; platform administrators
# decide for every country (and are told when it has no coordinator).
rules.add_perm(
    "accounts.decide_access_request", is_platform_admin | coordinates_country_of
)
