"""Writes for accounts: invitations, roles and second factors, each audited."""

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.audit.services import audit_record
from relais.core.mail import (
    MAIL_ERRORS,
    atomic_then_mail,
    mail_each,
    mail_later,
    mail_refused,
)
from relais.directory.models import Organization

from .audit_actions import AccountsAction
from .models import (
    AccessRequest,
    AuthenticatorApp,
    Invitation,
    Membership,
    Profession,
    RecoveryCodes,
    Role,
    User,
)
from .selectors import invitation_has_account

RECOVERY_CODE_COUNT = 10


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(
    *,
    invited_by: User,
    organization: Organization,
    email: str,
    role: str = Role.MEMBER,
    profession: str = Profession.OTHER,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone by e-mail to join the organisation; the link works once.

    The answer is the same whether or not the address already has an account,
    so an invitation cannot be used to discover who is registered.
    """
    if not rules.has_perm("accounts.manage_organisation", invited_by, organization):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=User.objects.normalize_email(email).lower(),
        organization=organization,
        role=role,
        profession=profession,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now()
        + timedelta(days=settings.RELAIS_INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        action=AccountsAction.INVITATION_SENT,
        actor=invited_by,
        request=request,
        target=invitation,
        details={"organization": str(organization.pk), "role": role},
    )
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    link = request.build_absolute_uri(path) if request is not None else path
    language = translation.get_language() or settings.LANGUAGE_CODE
    # The link exists only in this e-mail: without it, no invitation (rolled back).
    with translation.override(language):
        try:
            send_mail(
                subject=_("Your invitation to Relais"),
                message=render_to_string(
                    "accounts/email/invitation.txt",
                    {"link": link, "days": settings.RELAIS_INVITATION_VALID_DAYS},
                ),
                from_email=None,
                recipient_list=[invitation.email],
            )
        except MAIL_ERRORS:
            raise mail_refused() from None
    return invitation


def invitation_get_valid(token: str) -> Invitation | None:
    """The invitation the token opens, if it is unused and unexpired."""
    return (
        Invitation.objects.select_related("organization")
        .filter(
            token_hash=token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def _invitation_lock(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            token_hash=token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation link has expired or was already used.")
        )
    return invitation


def _invitation_spend(
    *, invitation: Invitation, user: User, role: str, request: HttpRequest | None
) -> None:
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        action=AccountsAction.INVITATION_ACCEPTED,
        actor=user,
        request=request,
        target=invitation,
        details={
            "organization": str(invitation.organization_id),
            "role": role,
            "invited_as": invitation.role,
        },
    )


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create the invitee's account and membership; spend the token.

    An address that already has an account accepts signed in as it
    (invitation_accept_signed_in): the link alone never changes an account.
    """
    invitation = _invitation_lock(token)
    if invitation_has_account(invitation):
        raise ValidationError(
            _(
                "This invitation is for an existing account. Sign in with it "
                "to accept the invitation."
            ),
            code="account_exists",
        )
    user = User(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        language=translation.get_language() or "",
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(
        user=user,
        organization=invitation.organization,
        role=invitation.role,
        profession=invitation.profession,
    )
    _invitation_spend(
        invitation=invitation, user=user, role=invitation.role, request=request
    )
    return user


@transaction.atomic
def invitation_accept_signed_in(
    *, token: str, user: User, request: HttpRequest | None = None
) -> tuple[Membership, bool]:
    """Add the signed-in invitee to the organisation; (membership, created).

    A person already in the organisation keeps their role and profession:
    an invitation never raises or lowers a role, only an organisation
    administrator does (membership_role_change).
    """
    invitation = _invitation_lock(token)
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, "profession": invitation.profession},
    )
    _invitation_spend(
        invitation=invitation, user=user, role=membership.role, request=request
    )
    return membership, created


@transaction.atomic
def membership_role_change(
    *,
    changed_by: User,
    membership: Membership,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    if not rules.has_perm(
        "accounts.manage_organisation", changed_by, membership.organization
    ):
        raise PermissionDenied
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        action=AccountsAction.ROLE_CHANGED,
        actor=changed_by,
        request=request,
        target=membership.user,
        details={
            "organization": str(membership.organization_id),
            "from": previous,
            "to": role,
        },
    )
    return membership


def totp_device_pending(*, user: User) -> AuthenticatorApp:
    """The unconfirmed authenticator being set up for the user (made on first call)."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorApp.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@transaction.atomic
def two_factor_enable(
    *, user: User, device: AuthenticatorApp, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the authenticator, replace any older one, and issue recovery codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_issue(user=user)
    audit_record(
        action=AccountsAction.TWO_FACTOR_ENABLED,
        actor=user,
        request=request,
        target=user,
    )
    return codes


def _recovery_codes_issue(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(
        user=user, name="Recovery codes", confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    device.codes_set(codes)
    return codes


@transaction.atomic
def recovery_codes_renew(
    *, user: User, request: HttpRequest | None = None
) -> list[str]:
    codes = _recovery_codes_issue(user=user)
    audit_record(
        action=AccountsAction.RECOVERY_CODES_RENEWED,
        actor=user,
        request=request,
        target=user,
    )
    return codes


def passkey_added(
    *, user: User, credential: Any, request: HttpRequest | None = None
) -> None:
    """Record a passkey that the WebAuthn ceremony has just stored."""
    audit_record(
        action=AccountsAction.PASSKEY_ADDED,
        actor=user,
        request=request,
        target=user,
        details={"passkey": str(credential.pk)},
    )


@transaction.atomic
def passkey_remove(
    *, user: User, credential: Any, request: HttpRequest | None = None
) -> None:
    if credential.user_id != user.pk:
        raise PermissionDenied
    credential_id = str(credential.pk)
    credential.delete()
    audit_record(
        action=AccountsAction.PASSKEY_REMOVED,
        actor=user,
        request=request,
        target=user,
        details={"passkey": credential_id},
    )


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_language_remember(*, user: User, language: str | None) -> None:
    """Keep the language a person uses Relais in: their e-mails come in it."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes and user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


def country_reviewers(country: str, *, excluding: Any = None) -> list[User]:
    """The country's active coordinators, else the platform administrators;
    never `excluding` (nobody reviews their own submission)."""
    active = User.objects.filter(is_active=True)
    if excluding is not None:
        active = active.exclude(pk=excluding.pk)
    coordinators = list(
        active.filter(coordinated_countries__country=country).distinct()
    )
    return coordinators or list(active.filter(is_superuser=True))


@atomic_then_mail
def access_request_submit(
    *,
    name: str,
    email: str,
    country: str,
    organization: Organization | None,
    organization_name: str = "",
    profession: str,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessRequest:
    """Record a request to join and tell the country's reviewers (a link only).

    The visitor sees the same answer whatever happens here, so a request
    cannot tell whether an address has an account or a request already. A
    second pending request from the same address is not recorded again.
    """
    email = User.objects.normalize_email(email).lower()
    existing = AccessRequest.objects.filter(
        email=email, status=AccessRequest.Status.PENDING
    ).first()
    if existing is not None:
        return existing
    access_request = AccessRequest(
        name=name,
        email=email,
        country=country,
        organization=organization,
        organization_name=organization.name
        if organization is not None
        else organization_name,
        profession=profession,
        reason=reason,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    access_request.full_clean()
    access_request.save()
    audit_record(
        action=AccountsAction.ACCESS_REQUEST_RECEIVED,
        request=request,
        target=access_request,
        details={"country": str(country)},
    )
    # E-mails name no one: the reviewers follow the link and sign in.
    mail_later(
        partial(
            mail_each,
            people=country_reviewers(str(country)),
            subject=gettext_lazy("A new request to join Relais"),
            template="accounts/email/access_request_received.txt",
            url_name="accounts:access_request",
            url_kwargs={"uuid": access_request.uuid},
            request=request,
        )
    )
    return access_request


def _access_request_lock(
    *, decided_by: User, access_request: AccessRequest
) -> AccessRequest:
    """The request re-read under a row lock: two coordinators cannot both decide."""
    if not rules.has_perm("accounts.decide_access_request", decided_by, access_request):
        raise PermissionDenied
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return locked


def _access_request_close(
    *,
    decided_by: User,
    access_request: AccessRequest,
    status: str,
    action: AccountsAction,
    details: dict[str, str] | None = None,
    request: HttpRequest | None,
) -> None:
    access_request.status = status
    access_request.decided_by = decided_by
    access_request.decided_at = timezone.now()
    access_request.save(
        update_fields=["status", "decided_by", "decided_at", "organization"]
    )
    audit_record(
        action=action,
        actor=decided_by,
        request=request,
        target=access_request,
        details=details,
    )


@transaction.atomic
def access_request_approve(
    *,
    decided_by: User,
    access_request: AccessRequest,
    organization: Organization,
    role: str = Role.MEMBER,
    profession: str,
    request: HttpRequest | None = None,
) -> Invitation:
    """Approve: the person is invited to the organisation, in their language."""
    access_request = _access_request_lock(
        decided_by=decided_by, access_request=access_request
    )
    if organization.country != access_request.country:
        raise ValidationError(
            _("Choose an organisation in the country of the request.")
        )
    with translation.override(access_request.language):
        invitation = invitation_send(
            invited_by=decided_by,
            organization=organization,
            email=access_request.email,
            role=role,
            profession=profession,
            request=request,
        )
    access_request.organization = organization
    _access_request_close(
        decided_by=decided_by,
        access_request=access_request,
        status=AccessRequest.Status.APPROVED,
        action=AccountsAction.ACCESS_REQUEST_APPROVED,
        details={
            "organization": str(organization.pk),
            "role": role,
            "invitation": str(invitation.uuid),
        },
        request=request,
    )
    return invitation


@transaction.atomic
def access_request_reject(
    *,
    decided_by: User,
    access_request: AccessRequest,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessRequest:
    """Decline with a reason, which the person receives by e-mail in their language."""
    access_request = _access_request_lock(
        decided_by=decided_by, access_request=access_request
    )
    # The reason goes to the person only; the trail records that it was declined.
    _access_request_close(
        decided_by=decided_by,
        access_request=access_request,
        status=AccessRequest.Status.REJECTED,
        action=AccountsAction.ACCESS_REQUEST_REJECTED,
        request=request,
    )
    # The person learns the decision only from this e-mail: without it, no decision.
    with translation.override(access_request.language):
        try:
            send_mail(
                subject=_("Your request to join Relais"),
                message=render_to_string(
                    "accounts/email/access_request_rejected.txt", {"reason": reason}
                ),
                from_email=None,
                recipient_list=[access_request.email],
            )
        except MAIL_ERRORS:
            raise mail_refused() from None
    return access_request


@transaction.atomic
def access_requests_purge(*, now: Any = None) -> int:
    """Delete every request older than the retention period, decided or not."""
    cutoff = (now or timezone.now()) - timedelta(
        days=settings.RELAIS_ACCESS_REQUEST_RETENTION_DAYS
    )
    count, _deleted = AccessRequest.objects.filter(created_at__lt=cutoff).delete()
    if count:
        audit_record(
            action=AccountsAction.ACCESS_REQUESTS_PURGED, details={"count": count}
        )
    return count
