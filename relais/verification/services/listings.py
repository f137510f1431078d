"""Writes for listing verification: change requests, claims, reminders.

Every decision is checked against the app's rules (rules.py), written to the
audit trail (one entry per event, without personal data) and told to the
person concerned by an e-mail that only links to the platform.
"""

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from relais.accounts.models import Membership, Role, User
from relais.accounts.services import country_reviewers
from relais.audit.services import audit_record
from relais.core.dates import months_before
from relais.core.mail import (
    MAIL_ERRORS,
    absolute_url,
    atomic_then_mail,
    mail_each,
    mail_later,
)
from relais.directory.models import Organization
from relais.directory.search import index_update
from relais.verification.audit_actions import VerificationAction

from ..listing import FIELD_LABELS, listing_apply, listing_values
from ..models import (
    ListingChangeRequest,
    ListingClaim,
    ReviewStatus,
    VerificationReminder,
)

logger = logging.getLogger(__name__)


def _mail(
    *,
    to: list[str],
    language: str,
    subject: Any,
    template: str,
    url_name: str,
    slug: str,
    request: HttpRequest | None,
) -> None:
    """One e-mail per recipient, in `language`, saying what happened and where."""
    with translation.override(language):
        link = absolute_url(reverse(url_name, kwargs={"slug": slug}), request)
        subject_text = str(subject)
        body = render_to_string(f"verification/email/{template}", {"link": link})
        for address in to:
            send_mail(
                subject=subject_text,
                message=body,
                from_email=None,
                recipient_list=[address],
            )


def _assurer(user: Any, organization: Organization) -> str:
    """Who verified the listing, as the listing page shows it: a role, not a name."""
    if user.is_superuser:
        return "Relais platform administrator"
    with translation.override("en"):
        country = countries.name(str(organization.country))
    return f"Relais country coordinator ({country})"


def _updated_by(change_request: ListingChangeRequest, decided_by: Any) -> str:
    owner = change_request.submitted_by
    text = f"{owner.email if owner else '?'} (approved by {decided_by.email})"
    return text[:300]


def _locked_organization(organization: Organization) -> Organization:
    # Serialises proposals and claims for one listing (SQLite: the IMMEDIATE
    # transaction already holds the write lock).
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _tell_reviewers(
    organization: Organization, submitted_by: User, request: HttpRequest | None
) -> None:
    """E-mail who may decide (the country's coordinators, else the platform
    administrators) that something waits on their dashboard: a link only."""
    mail_each(
        # A coordinator's own proposal goes to the platform administrators.
        people=country_reviewers(str(organization.country), excluding=submitted_by),
        subject=gettext_lazy("A listing on Relais waits for your review"),
        template="verification/email/review_waiting.txt",
        url_name="verification:coordination",
        request=request,
    )


# Change requests ----------------------------------------------------------------


@atomic_then_mail
def change_request_submit(
    *,
    organization: Organization,
    submitted_by: User,
    values: dict[str, Any],
    language: str,
    request: HttpRequest | None = None,
) -> ListingChangeRequest:
    """Propose new values for the listing; a pending proposal is replaced."""
    if not rules.has_perm("verification.edit_listing", submitted_by, organization):
        raise PermissionDenied
    organization = _locked_organization(organization)
    current = listing_values(organization, language)
    pending = ListingChangeRequest.objects.filter(
        organization=organization, status=ReviewStatus.PENDING
    ).first()
    baseline = current
    if pending is not None and pending.kind == ListingChangeRequest.Kind.EDIT:
        # Changes made since the first proposal are still the owner's to make.
        # A proposal older than a field (opening hours) has no baseline for it.
        baseline = {**current, **pending.baseline}
        baseline["description"] = current["description"]
        if pending.language == language:
            baseline["description"] = pending.baseline.get("description", "")
    proposed = {name: values[name] for name in FIELD_LABELS}
    change_request = pending or ListingChangeRequest(organization=organization)
    change_request.kind = ListingChangeRequest.Kind.EDIT
    change_request.baseline = baseline
    change_request.proposed = proposed
    change_request.language = language
    change_request.submitted_by = submitted_by
    change_request.submitted_at = timezone.now()
    if not change_request.changed_fields:
        raise ValidationError(
            _(
                "Nothing was changed. If the listing is still accurate, "
                "confirm it instead."
            ),
            code="unchanged",
        )
    change_request.full_clean()
    change_request.save()
    if pending is None:  # a replaced proposal was announced already
        mail_later(partial(_tell_reviewers, organization, submitted_by, request))
    audit_record(
        action=VerificationAction.LISTING_CHANGE_PROPOSED,
        actor=submitted_by,
        request=request,
        target=organization,
        details={
            "kind": change_request.kind,
            "fields": change_request.changed_fields,
        },
    )
    return change_request


@atomic_then_mail
def listing_confirmation_submit(
    *,
    organization: Organization,
    submitted_by: User,
    language: str,
    request: HttpRequest | None = None,
) -> ListingChangeRequest:
    """The owner says the listing is still accurate; the coordinator confirms it."""
    if not rules.has_perm("verification.edit_listing", submitted_by, organization):
        raise PermissionDenied
    organization = _locked_organization(organization)
    pending = ListingChangeRequest.objects.filter(
        organization=organization, status=ReviewStatus.PENDING
    ).first()
    if pending is not None:
        raise ValidationError(
            _(
                "A proposal for this listing is already waiting for review: "
                "its approval will also confirm the listing."
            ),
            code="pending",
        )
    change_request = ListingChangeRequest(
        organization=organization,
        kind=ListingChangeRequest.Kind.CONFIRMATION,
        language=language,
        submitted_by=submitted_by,
    )
    change_request.full_clean()
    change_request.save()
    mail_later(partial(_tell_reviewers, organization, submitted_by, request))
    audit_record(
        action=VerificationAction.LISTING_CHANGE_PROPOSED,
        actor=submitted_by,
        request=request,
        target=organization,
        details={"kind": change_request.kind, "fields": []},
    )
    return change_request


def _decidable(record: Any, decided_by: User, requester: str) -> Any:
    """The record, locked, if it is still pending and `decided_by` may decide it."""
    locked = (
        type(record)
        .objects.select_for_update(of=("self",))
        .select_related("organization", requester)
        .filter(pk=record.pk, status=ReviewStatus.PENDING)
        .first()
    )
    if locked is None:
        raise ValidationError(
            _("This has already been decided."), code="already_decided"
        )
    if not rules.has_perm("verification.decide", decided_by, locked):
        raise PermissionDenied
    return locked


@atomic_then_mail
def change_request_approve(
    *,
    change_request: ListingChangeRequest,
    decided_by: User,
    request: HttpRequest | None = None,
) -> ListingChangeRequest:
    """Apply the owner's changes, mark the listing verified today, tell the owner."""
    change_request = _decidable(change_request, decided_by, "submitted_by")
    organization = change_request.organization
    fields = change_request.changed_fields
    listing_apply(
        organization=organization,
        changes={name: change_request.proposed[name] for name in fields},
        language=change_request.language,
        updated_by=_updated_by(change_request, decided_by),
        assurer=_assurer(decided_by, organization),
        assured_date=timezone.localdate(),
        baseline=change_request.baseline,
    )
    change_request.status = ReviewStatus.APPROVED
    change_request.decided_by = decided_by
    change_request.decided_at = timezone.now()
    change_request.full_clean()
    change_request.save()
    audit_record(
        action=VerificationAction.LISTING_CHANGE_APPROVED,
        actor=decided_by,
        request=request,
        target=organization,
        details={"kind": change_request.kind, "fields": fields},
    )
    index_update([organization.pk])
    mail_later(partial(_change_decision_mail, change_request, request))
    return change_request


@atomic_then_mail
def change_request_reject(
    *,
    change_request: ListingChangeRequest,
    decided_by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> ListingChangeRequest:
    """Turn the proposal down; the owner reads the reason on the platform."""
    change_request = _decidable(change_request, decided_by, "submitted_by")
    organization = change_request.organization
    _reject(change_request, decided_by, reason)
    audit_record(
        action=VerificationAction.LISTING_CHANGE_REJECTED,
        actor=decided_by,
        request=request,
        target=organization,
        details={"kind": change_request.kind},
    )
    mail_later(partial(_change_decision_mail, change_request, request))
    return change_request


def _reject(record: Any, decided_by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why, so that the person can put it right.")},
            code="reason_required",
        )
    record.status = ReviewStatus.REJECTED
    record.reason = reason
    record.decided_by = decided_by
    record.decided_at = timezone.now()
    record.full_clean()
    record.save()


def _change_decision_mail(
    change_request: ListingChangeRequest, request: HttpRequest | None
) -> None:
    owner = change_request.submitted_by
    if owner is None or not owner.is_active:
        return
    approved = change_request.status == ReviewStatus.APPROVED
    _mail(
        to=[owner.email],
        language=change_request.language,
        subject=(
            gettext_lazy("Your listing proposal on Relais was approved")
            if approved
            else gettext_lazy("Your listing proposal on Relais was not approved")
        ),
        template="change_approved.txt" if approved else "change_rejected.txt",
        url_name="directory:listing" if approved else "verification:listing_edit",
        slug=change_request.organization.slug,
        request=request,
    )


# Claims ---------------------------------------------------------------------------


@atomic_then_mail
def claim_submit(
    *,
    organization: Organization,
    claimant: User,
    profession: str,
    message: str,
    language: str,
    request: HttpRequest | None = None,
) -> ListingClaim:
    """ "This is us": ask the coordinator to make the claimant its administrator."""
    organization = _locked_organization(organization)
    if not rules.has_perm("verification.claim_listing", claimant, organization):
        raise PermissionDenied
    if ListingClaim.objects.filter(
        organization=organization, claimant=claimant, status=ReviewStatus.PENDING
    ).exists():
        raise ValidationError(
            _("You have already claimed this listing: the coordinator will answer."),
            code="pending",
        )
    claim = ListingClaim(
        organization=organization,
        claimant=claimant,
        profession=profession,
        message=message,
        language=language,
    )
    claim.full_clean()
    claim.save()
    mail_later(partial(_tell_reviewers, organization, claimant, request))
    audit_record(
        action=VerificationAction.LISTING_CLAIMED,
        actor=claimant,
        request=request,
        target=organization,
    )
    return claim


@atomic_then_mail
def claim_confirm(
    *, claim: ListingClaim, decided_by: User, request: HttpRequest | None = None
) -> Membership:
    """Make the claimant the organisation's administrator."""
    claim = _decidable(claim, decided_by, "claimant")
    organization = _locked_organization(claim.organization)
    if Membership.objects.filter(organization=organization).exists():
        raise ValidationError(
            _(
                "This organisation has accounts now: its administrators invite "
                "their colleagues. Reject the claim with that reason."
            ),
            code="has_accounts",
        )
    membership = Membership(
        user=claim.claimant,
        organization=organization,
        role=Role.ORGANISATION_ADMIN,
        profession=claim.profession,
    )
    membership.full_clean()
    membership.save()
    claim.status = ReviewStatus.APPROVED
    claim.decided_by = decided_by
    claim.decided_at = timezone.now()
    claim.full_clean()
    claim.save()
    audit_record(
        action=VerificationAction.LISTING_CLAIM_CONFIRMED,
        actor=decided_by,
        request=request,
        target=claim.claimant,
        details={"organization": str(organization.pk), "role": membership.role},
    )
    mail_later(partial(_claim_decision_mail, claim, request))
    return membership


@atomic_then_mail
def claim_reject(
    *,
    claim: ListingClaim,
    decided_by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> ListingClaim:
    claim = _decidable(claim, decided_by, "claimant")
    _reject(claim, decided_by, reason)
    audit_record(
        action=VerificationAction.LISTING_CLAIM_REJECTED,
        actor=decided_by,
        request=request,
        target=claim.claimant,
        details={"organization": str(claim.organization_id)},
    )
    mail_later(partial(_claim_decision_mail, claim, request))
    return claim


def _claim_decision_mail(claim: ListingClaim, request: HttpRequest | None) -> None:
    if not claim.claimant.is_active:
        return
    approved = claim.status == ReviewStatus.APPROVED
    _mail(
        to=[claim.claimant.email],
        language=claim.language,
        subject=(
            gettext_lazy("Your claim of a listing on Relais was confirmed")
            if approved
            else gettext_lazy("Your claim of a listing on Relais was not confirmed")
        ),
        template="claim_confirmed.txt" if approved else "claim_rejected.txt",
        url_name="directory:listing" if approved else "verification:claim",
        slug=claim.organization.slug,
        request=request,
    )


# Yearly re-confirmation -------------------------------------------------------------


@dataclass(frozen=True)
class RemindersSent:
    reminded: int
    failed: int


def verification_reminders_send(*, today: date | None = None) -> RemindersSent:
    """E-mail the administrators of every listing due for re-confirmation.

    One reminder per listing and verification cycle: the reminder row is
    inserted before the e-mails go, under a unique constraint, so a second
    run (or a concurrent one) sends nothing twice. When the mail server
    refuses, the row is taken back, so that the next run tries again. Returns
    the listings reminded and those whose e-mails could not be sent.
    """
    if not settings.RELAIS_SITE_URL:
        raise ImproperlyConfigured(
            "RELAIS_SITE_URL must be set: reminders link to the platform."
        )
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.RELAIS_VERIFICATION_REMIND_AFTER_MONTHS)
    due = (
        Organization.objects.filter(
            assured_date__lte=cutoff, assured_date__isnull=False
        )
        .exclude(change_requests__status=ReviewStatus.PENDING)
        .order_by("pk")
    )
    reminded = failed = 0
    for organization in due.iterator():
        admins = list(
            User.objects.filter(
                is_active=True,
                memberships__organization=organization,
                memberships__role=Role.ORGANISATION_ADMIN,
            )
        )
        if not admins:
            continue
        try:
            with transaction.atomic():
                reminder = VerificationReminder.objects.create(
                    organization=organization,
                    cycle=organization.assured_date,  # type: ignore[misc]
                    recipients=len(admins),
                )
        except IntegrityError:
            continue
        try:
            mail_each(
                people=admins,
                subject=gettext_lazy(
                    "Please confirm your organisation's listing on Relais"
                ),
                template="verification/email/verification_reminder.txt",
                url_name="verification:listing_edit",
                url_kwargs={"slug": organization.slug},
            )
        except MAIL_ERRORS:
            # Sent again at the next run (some recipients may get it twice).
            logger.warning("Reminder for listing %s not sent", organization.pk)
            reminder.delete()
            failed += 1
            continue
        reminded += 1
    return RemindersSent(reminded=reminded, failed=failed)
