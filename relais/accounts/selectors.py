"""Reads for accounts; every scoping rule goes through relais.accounts.rules."""

from typing import Any

import rules
from django.db.models import QuerySet
from django_otp_webauthn.models import WebAuthnCredential

from relais.core.rules import is_platform_admin
from relais.core.viewers import is_professional
from relais.directory.models import Organization

from .models import AccessRequest, Invitation, Membership, User
from .rules import coordinated_countries


def memberships_of(user: Any) -> QuerySet[Membership]:
    if not is_professional(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def organisation_get_manageable(user: Any, slug: str) -> Organization | None:
    """The organisation if the user may see its members, else None (404)."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm(
        "accounts.view_organisation_members", user, organization
    ):
        return None
    return organization


def organisation_members(user: Any, organization: Organization) -> QuerySet[Membership]:
    if not rules.has_perm("accounts.view_organisation_members", user, organization):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def organisation_invitations(
    user: Any, organization: Organization
) -> QuerySet[Invitation]:
    if not rules.has_perm("accounts.manage_organisation", user, organization):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True
    ).order_by("-created_at")


def access_requests_pending_for(user: Any) -> QuerySet[AccessRequest]:
    """Pending requests of the countries the user coordinates (all for admins)."""
    if not rules.has_perm("accounts.review_access_requests", user):
        return AccessRequest.objects.none()
    requests = AccessRequest.objects.filter(
        status=AccessRequest.Status.PENDING
    ).select_related("organization")
    if not is_platform_admin(user):
        requests = requests.filter(country__in=coordinated_countries(user))
    return requests.order_by("created_at")


def access_request_get_decidable(user: Any, uuid: Any) -> AccessRequest | None:
    """The pending request if the user may decide it, else None (404)."""
    access_request = access_requests_pending_for(user).filter(uuid=uuid).first()
    if access_request is None or not rules.has_perm(
        "accounts.decide_access_request", user, access_request
    ):
        return None
    return access_request


def organisations_for_access_request(
    access_request: AccessRequest,
) -> QuerySet[Organization]:
    """The organisations of the request's country, one of which the person joins."""
    return Organization.objects.filter(country=access_request.country).order_by("name")


def passkeys_of(user: Any) -> QuerySet[WebAuthnCredential]:
    if not is_professional(user):
        return WebAuthnCredential.objects.none()
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by(
        "created_at"
    )


def passkey_get(user: Any, pk: Any) -> WebAuthnCredential | None:
    """One of the user's own passkeys, or None."""
    return passkeys_of(user).filter(pk=pk).first()


def passkeys_of_signing_in(user: Any) -> QuerySet[WebAuthnCredential]:
    """The passkeys a password-only session may offer at its second step."""
    if user is None or not user.is_authenticated or not user.is_active:
        return WebAuthnCredential.objects.none()
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def invitation_has_account(invitation: Invitation) -> bool:
    """Whether the invited address already has an account (it then signs in)."""
    return User.objects.filter(email__iexact=invitation.email).exists()
