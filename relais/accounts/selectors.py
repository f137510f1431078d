"""Reads for accounts; every scoping rule goes through relais.accounts.permissions."""

from typing import Any

from django.db.models import QuerySet

from relais.directory.models import Organization

from . import permissions
from .models import Invitation, Membership


def memberships_of(user: Any) -> QuerySet[Membership]:
    if not permissions.is_professional(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def organisation_get_manageable(user: Any, slug: str) -> Organization | None:
    """The organisation if the user may see its members, else None (404)."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not permissions.can_view_organisation_members(
        user, organization
    ):
        return None
    return organization


def organisation_members(user: Any, organization: Organization) -> QuerySet[Membership]:
    if not permissions.can_view_organisation_members(user, organization):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def organisation_invitations(
    user: Any, organization: Organization
) -> QuerySet[Invitation]:
    if not permissions.can_manage_organisation(user, organization):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True
    ).order_by("-created_at")
