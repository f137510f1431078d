"""Drafting a referral and recording (or withdrawing) the person's consent."""

from datetime import date
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.audit.services import audit_record
from relais.core.mail import atomic_then_mail

from ..audit_actions import ReferralAction
from ..models import (
    Consent,
    ConsentKind,
    Purpose,
    Referral,
    Side,
    Status,
    TimelineKind,
    column_seal,
)
from .base import (
    case_code_hash,
    case_code_new,
    party_tell,
    permission_require,
    purposes_clean,
    referral_locked,
    timeline_add,
    version_check,
)

# Drafting ---------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    sending_organization: Any,
    receiving_organization: Any,
    created_by: User,
    purposes: list[str],
    urgency: str,
    phase: str,
    person: dict[str, Any],
    request: HttpRequest | None = None,
) -> Referral:
    """A draft referral from an organisation the author works in."""
    if not rules.has_perm("referrals.create_from", created_by, sending_organization):
        raise PermissionDenied
    if sending_organization.pk == receiving_organization.pk:
        raise ValidationError(
            {"receiving_organization": _("Choose another organisation than your own.")},
            code="same_organisation",
        )
    referral = Referral(
        sending_organization=sending_organization,
        receiving_organization=receiving_organization,
        sending_country=sending_organization.country,
        receiving_country=receiving_organization.country,
        created_by=created_by,
        purposes=purposes_clean(purposes),
        urgency=urgency,
        phase=phase,
    )
    while True:
        code = case_code_new()
        code_hash = case_code_hash(code)
        if not Referral.objects.filter(case_code_hash=code_hash).exists():
            break
    referral.case_code_hash = code_hash
    referral.case_code_encrypted = column_seal(
        referral, "case_code_encrypted", code.encode()
    )
    referral.person_seal(person)
    referral.full_clean(exclude=["sending_country", "receiving_country"])
    referral.save()
    timeline_add(
        referral, kind=TimelineKind.DRAFTED, side=Side.SENDING, actor=created_by
    )
    audit_record(
        action=ReferralAction.CREATED,
        actor=created_by,
        request=request,
        target=referral,
        details={"purposes": referral.purposes, "urgency": urgency, "phase": phase},
    )
    return referral


@transaction.atomic
def referral_update(
    *,
    referral_id: Any,
    actor: User,
    version: int | None,
    purposes: list[str],
    urgency: str,
    phase: str,
    person: dict[str, Any],
    request: HttpRequest | None = None,
) -> Referral:
    """Change a draft (once sent, changes go through messages)."""
    referral = referral_locked(referral_id)
    permission_require("referrals.edit", actor, referral)
    version_check(referral, version)
    referral.purposes = purposes_clean(purposes)
    referral.urgency = urgency
    referral.phase = phase
    referral.person_seal(person)
    referral.version += 1
    referral.full_clean(exclude=["sending_country", "receiving_country"])
    referral.save()
    audit_record(
        action=ReferralAction.UPDATED,
        actor=actor,
        request=request,
        target=referral,
        details={"version": referral.version},
    )
    return referral


# Consent ----------------------------------------------------------------------


def consent_in_force(referral: Referral) -> Consent | None:
    """The consent (or recorded override) that allows sending this referral."""
    for consent in referral.consents.filter(withdrawn_at__isnull=True):
        if consent.kind != ConsentKind.CONSENT:
            return consent
        if consent.covers(referral):
            return consent
    return None


@transaction.atomic
def referral_consent_record(
    *,
    referral_id: Any,
    actor: User,
    version: int | None,
    kind: str,
    given_on: date,
    language: str,
    method: str,
    purposes: list[str],
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Record the person's consent to this recipient for these purposes, or the
    written reason to send without it (a child's best interests, an emergency)."""
    referral = referral_locked(referral_id)
    permission_require("referrals.record_consent", actor, referral)
    version_check(referral, version)
    errors: dict[str, Any] = {}
    if given_on > timezone.localdate():
        errors["given_on"] = _("The date cannot be in the future.")
    if kind == ConsentKind.CONSENT:
        if not method:
            errors["method"] = _("Say how the person gave their consent.")
        purposes = [p for p in purposes if p in Purpose.values]
        if not purposes:
            errors["purposes"] = _("Choose the purposes the person consented to.")
    else:
        if len(override_reason.strip()) < 20:
            errors["override_reason"] = _(
                "Write the reason for sending without consent (at least 20 "
                "characters): it is kept with the referral and audited."
            )
        if kind == ConsentKind.OVERRIDE_CHILD and not referral.person.get("is_minor"):
            errors["kind"] = _(
                "The person is not recorded as a child: mark them as a minor "
                "first, or choose the emergency reason."
            )
        purposes = list(referral.purposes)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        referral=referral,
        kind=kind,
        given_on=given_on,
        language=language,
        method=method if kind == ConsentKind.CONSENT else "",
        recipient_id=referral.receiving_organization_id,
        purposes=purposes,
        recorded_by=actor,
    )
    consent.override_reason_encrypted = column_seal(
        consent, "override_reason_encrypted", override_reason.strip().encode()
    )
    consent.save()
    referral.version += 1
    referral.save(update_fields=["version"])
    overridden = kind != ConsentKind.CONSENT
    timeline_add(
        referral,
        kind=TimelineKind.CONSENT_OVERRIDE if overridden else TimelineKind.CONSENT,
        side=Side.SENDING,
        actor=actor,
    )
    audit_record(
        action=(
            ReferralAction.CONSENT_OVERRIDDEN
            if overridden
            else ReferralAction.CONSENT_RECORDED
        ),
        actor=actor,
        request=request,
        target=referral,
        details={"kind": kind, "method": consent.method, "purposes": purposes},
    )
    return consent


def receiving_side_delete(referral: Referral) -> None:
    """What the receiving organisation added about the person goes."""
    referral.documents.filter(side=Side.RECEIVING).delete()
    referral.messages.filter(side=Side.RECEIVING).delete()


@atomic_then_mail
def referral_consent_withdraw(
    *,
    referral_id: Any,
    actor: User,
    version: int | None,
    request: HttpRequest | None = None,
) -> Referral:
    """The person withdrew consent: sharing stops at once, the receiving
    organisation loses access, and what it added about the person is deleted."""
    referral = referral_locked(referral_id)
    permission_require("referrals.withdraw_consent", actor, referral)
    version_check(referral, version)
    now = timezone.now()
    referral.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    was_sent = referral.status != Status.DRAFT
    if not referral.is_final:
        referral.status = Status.WITHDRAWN
        referral.closed_at = now
    referral.consent_withdrawn_at = now
    referral.version += 1
    referral.save()
    receiving_side_delete(referral)
    timeline_add(
        referral, kind=TimelineKind.CONSENT_WITHDRAWN, side=Side.SENDING, actor=actor
    )
    audit_record(
        action=ReferralAction.CONSENT_WITHDRAWN,
        actor=actor,
        request=request,
        target=referral,
        details={"status": referral.status},
    )
    if was_sent:
        party_tell(referral, side=Side.RECEIVING, request=request)
    return referral
