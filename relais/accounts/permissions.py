"""Who may see and do what. Every permission rule of the platform lives here.

A professional is an active account, signed in, whose session passed the
second factor (django-otp's `is_verified()`): a password alone opens nothing
beyond the public site. Roles: platform administrator (superuser), country
coordinator (per country), and per organisation: administrator, member,
observer (read-only).
"""

from typing import Any

from relais.core.viewers import is_professional


def can_view_professional_details(user: Any) -> bool:
    """Contact details marked "professionals only" are shown to verified professionals.

    Anonymous visitors and password-only sessions never see them, in any
    format (HTML, vCard, print, API).
    """
    return is_professional(user)


def is_platform_admin(user: Any) -> bool:
    return is_professional(user) and bool(user.is_superuser)


def coordinated_countries(user: Any) -> set[str]:
    if not is_professional(user):
        return set()
    return {
        str(c) for c in user.coordinated_countries.values_list("country", flat=True)
    }


def can_review_access_requests(user: Any) -> bool:
    """Country coordinators and platform administrators see access requests."""
    return is_platform_admin(user) or bool(coordinated_countries(user))


def can_decide_access_request(user: Any, access_request: Any) -> bool:
    """The coordinators of the request's country decide; platform administrators
    decide for every country (and are the ones told when it has no coordinator)."""
    if is_platform_admin(user):
        return True
    return str(access_request.country) in coordinated_countries(user)


def organisation_role(user: Any, organization: Any) -> str | None:
    """The user's role in the organisation, or None when they are not a member."""
    if not is_professional(user):
        return None
    return (
        user.memberships.filter(organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def can_manage_organisation(user: Any, organization: Any) -> bool:
    """Invite people and change roles: the organisation's administrators, the
    coordinator of its country, platform administrators."""
    from relais.accounts.models import Role

    if not is_professional(user):
        return False
    if user.is_superuser:
        return True
    if organization.country and str(organization.country) in coordinated_countries(
        user
    ):
        return True
    return organisation_role(user, organization) == Role.ORGANISATION_ADMIN


def can_view_organisation_members(user: Any, organization: Any) -> bool:
    """Members (observers included) see their colleagues; managers see them too."""
    return organisation_role(user, organization) is not None or can_manage_organisation(
        user, organization
    )


def can_view_audit_trail(user: Any) -> bool:
    return is_platform_admin(user)


def can_edit_knowledge(user: Any) -> bool:
    """Editors of the knowledge base: the "Knowledge editors" group (or superusers).

    Until organisation roles arrive, the rule rests on Django's permissions,
    which the group carries (relais.knowledge.services.editors_group_sync).
    """
    return is_professional(user) and bool(
        user.has_perm("knowledge.change_handbooksection")
    )


def can_edit_listing(user: Any, organization: Any) -> bool:
    """Propose changes to a listing or confirm it: the organisation's administrators."""
    from relais.accounts.models import Role

    return organisation_role(user, organization) == Role.ORGANISATION_ADMIN


def can_review_listing(user: Any, organization: Any) -> bool:
    """Approve a listing's changes and claims: the coordinator of the listing's
    country, platform administrators."""
    if not is_professional(user):
        return False
    if user.is_superuser:
        return True
    return bool(organization.country) and str(
        organization.country
    ) in coordinated_countries(user)


def can_decide(user: Any, organization: Any, submitted_by: Any) -> bool:
    """A reviewer never decides on their own proposal or claim."""
    return can_review_listing(user, organization) and (
        submitted_by is None or submitted_by.pk != user.pk
    )


def can_coordinate(user: Any) -> bool:
    """See the coordination dashboard: coordinators and platform administrators."""
    return is_platform_admin(user) or bool(coordinated_countries(user))


def can_claim_listing(user: Any, organization: Any) -> bool:
    """ "This is us": any professional, for a listing whose organisation has no
    accounts yet."""
    from relais.accounts.models import Membership

    return (
        is_professional(user)
        and not Membership.objects.filter(organization=organization).exists()
    )


def can_import_directory_data(user: Any) -> bool:
    """Bulk imports change many listings at once: platform administrators only."""
    return is_platform_admin(user)
