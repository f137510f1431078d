"""Writes for referrals: drafting, consent, the workflow, messages, deadlines,
reminders and the retention purge.

Every write is checked against rules.py, locks the referral row, refuses an
update made on an older version (nothing is overwritten), appends to the
shared timeline and to the audit trail (without personal data), and tells
the other organisation by an e-mail that only links to the platform.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import rules
from babel.core import get_global
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.accounts.models import Role, User
from relais.accounts.services import country_reviewers
from relais.audit.services import audit_record
from relais.core.dates import months_before
from relais.core.mail import atomic_then_mail, mail_each, mail_later

from .audit_actions import ReferralAction
from .documents import DocumentCheck
from .models import (
    FINAL_STATUSES,
    CalendarFeed,
    Consent,
    ConsentKind,
    Deadline,
    Document,
    Message,
    Purpose,
    Referral,
    Side,
    Status,
    TimelineEntry,
    TimelineKind,
    column_seal,
)
from .rules import is_sender

# Case codes: no 0/O, 1/I/L, so that they can be read out over the phone.
CASE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def case_code_new() -> str:
    groups = (
        "".join(secrets.choice(CASE_CODE_ALPHABET) for _ in range(4)) for _ in range(2)
    )
    return "RL-" + "-".join(groups)


def case_code_normalise(code: str) -> str:
    return "".join(code.split()).upper()


def case_code_hash(code: str) -> str:
    """A keyed hash of the case code: looked up without storing it in clear."""
    return salted_hmac(
        "relais.referrals.case_code",
        case_code_normalise(code),
        algorithm="sha256",
    ).hexdigest()


def _stale(referral: Referral, version: int) -> ValidationError:
    return ValidationError(
        _(
            "This referral was changed by someone else after you opened it "
            "(it is now at version %(current)s, your page showed version "
            "%(yours)s). Nothing was saved: reload the page, read the changes "
            "and try again."
        ),
        code="stale",
        params={"current": referral.version, "yours": version},
    )


def _locked(referral_id: Any) -> Referral:
    # PostgreSQL: the row lock serialises writers; SQLite: the IMMEDIATE
    # transaction already holds the database's write lock.
    try:
        return Referral.objects.select_for_update().get(pk=referral_id)
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise PermissionDenied from None


def _require(permission: str, user: Any, referral: Referral) -> None:
    if not rules.has_perm(permission, user, referral):
        raise PermissionDenied


def _check_version(referral: Referral, version: int | None) -> None:
    if version is None or int(version) != referral.version:
        raise _stale(referral, version or 0)


def _timeline(
    referral: Referral,
    *,
    kind: str,
    side: str,
    actor: Any = None,
    note: str = "",
) -> TimelineEntry:
    entry = TimelineEntry(
        referral=referral,
        kind=kind,
        side=side,
        actor=actor if getattr(actor, "pk", None) else None,
        version=referral.version,
    )
    entry.note_encrypted = column_seal(entry, "note_encrypted", note.encode())
    entry.save()
    return entry


def actor_side(user: Any, referral: Referral) -> str:
    if is_sender(user, referral):
        return Side.SENDING
    return Side.RECEIVING


def _active_members(organization_id: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=[Role.ORGANISATION_ADMIN, Role.MEMBER],
        ).distinct()
    )


def _tell(
    referral: Referral,
    *,
    side: str,
    request: HttpRequest | None,
    subject: Any = None,
) -> None:
    """E-mail the members of `side`'s organisation that the referral changed:
    a link only, never a name, a case code or a note."""
    organization_id = (
        referral.sending_organization_id
        if side == Side.SENDING
        else referral.receiving_organization_id
    )
    people = _active_members(organization_id)
    if not people:
        return
    mail_later(
        lambda: mail_each(
            people=people,
            subject=subject
            or gettext_lazy("A referral on Relais needs your attention"),
            template="referrals/email/changed.txt",
            url_name="referrals:detail",
            url_kwargs={"pk": referral.pk},
            request=request,
        )
    )


def _other(side: str) -> str:
    return Side.RECEIVING if side == Side.SENDING else Side.SENDING


def _purposes_clean(purposes: list[str]) -> list[str]:
    valid = set(Purpose.values)
    chosen = [p for p in dict.fromkeys(purposes) if p]
    if not chosen:
        raise ValidationError(
            {"purposes": _("Choose at least one purpose.")}, code="required"
        )
    if not set(chosen) <= valid:
        raise ValidationError({"purposes": _("Unknown purpose.")}, code="invalid")
    return chosen


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
        purposes=_purposes_clean(purposes),
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
    _timeline(referral, kind=TimelineKind.DRAFTED, side=Side.SENDING, actor=created_by)
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
    referral = _locked(referral_id)
    _require("referrals.edit", actor, referral)
    _check_version(referral, version)
    referral.purposes = _purposes_clean(purposes)
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
    referral = _locked(referral_id)
    _require("referrals.record_consent", actor, referral)
    _check_version(referral, version)
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
    _timeline(
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


def _receiving_side_delete(referral: Referral) -> None:
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
    referral = _locked(referral_id)
    _require("referrals.withdraw_consent", actor, referral)
    _check_version(referral, version)
    now = timezone.now()
    referral.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    was_sent = referral.status != Status.DRAFT
    if not referral.is_final:
        referral.status = Status.WITHDRAWN
        referral.closed_at = now
    referral.consent_withdrawn_at = now
    referral.version += 1
    referral.save()
    _receiving_side_delete(referral)
    _timeline(
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
        _tell(referral, side=Side.RECEIVING, request=request)
    return referral


# The workflow -----------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    side: str
    timeline: str
    label: Any
    note_required: bool = False
    outcome_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    "send": Transition(
        frozenset({Status.DRAFT}),
        Status.SENT,
        Side.SENDING,
        TimelineKind.SENT,
        gettext_lazy("sent"),
    ),
    "provide_info": Transition(
        frozenset({Status.INFO_REQUESTED}),
        Status.SENT,
        Side.SENDING,
        TimelineKind.INFO_PROVIDED,
        gettext_lazy("sent again with more information"),
        note_required=True,
    ),
    "withdraw": Transition(
        frozenset(
            {
                Status.DRAFT,
                Status.SENT,
                Status.INFO_REQUESTED,
                Status.ACCEPTED,
                Status.IN_PROGRESS,
            }
        ),
        Status.WITHDRAWN,
        Side.SENDING,
        TimelineKind.WITHDRAWN,
        gettext_lazy("withdrawn"),
    ),
    "accept": Transition(
        frozenset({Status.SENT}),
        Status.ACCEPTED,
        Side.RECEIVING,
        TimelineKind.ACCEPTED,
        gettext_lazy("accepted"),
    ),
    "decline": Transition(
        frozenset({Status.SENT, Status.INFO_REQUESTED}),
        Status.DECLINED,
        Side.RECEIVING,
        TimelineKind.DECLINED,
        gettext_lazy("declined"),
        note_required=True,
    ),
    "request_info": Transition(
        frozenset({Status.SENT}),
        Status.INFO_REQUESTED,
        Side.RECEIVING,
        TimelineKind.INFO_REQUESTED,
        gettext_lazy("asked for more information"),
        note_required=True,
    ),
    "start": Transition(
        frozenset({Status.ACCEPTED}),
        Status.IN_PROGRESS,
        Side.RECEIVING,
        TimelineKind.STARTED,
        gettext_lazy("marked in progress"),
    ),
    "close": Transition(
        frozenset({Status.ACCEPTED, Status.IN_PROGRESS}),
        Status.CLOSED,
        Side.RECEIVING,
        TimelineKind.CLOSED,
        gettext_lazy("closed"),
        outcome_required=True,
    ),
}


def transitions_allowed(user: Any, referral: Referral) -> list[str]:
    """The actions this user may take on the referral now."""
    allowed = []
    for action, transition in TRANSITIONS.items():
        if referral.status not in transition.sources:
            continue
        permission = (
            "referrals.act_as_sender"
            if transition.side == Side.SENDING
            else "referrals.act_as_receiver"
        )
        if rules.has_perm(permission, user, referral):
            allowed.append(action)
    return allowed


def answer_due(sent_at: datetime, urgency: str) -> datetime:
    days = settings.RELAIS_REFERRAL_ANSWER_DAYS
    if urgency != "routine":
        days = max(1, days // 3)
    return sent_at + timedelta(days=days)


@atomic_then_mail
def referral_transition(
    *,
    referral_id: Any,
    action: str,
    actor: User,
    version: int | None,
    note: str = "",
    outcome: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Move the referral along its workflow, or refuse and change nothing."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action."), code="invalid")
    referral = _locked(referral_id)
    permission = (
        "referrals.act_as_sender"
        if transition.side == Side.SENDING
        else "referrals.act_as_receiver"
    )
    _require("referrals.view", actor, referral)
    if referral.status not in transition.sources:
        raise ValidationError(
            _(
                "This referral is “%(status)s”: it cannot be %(action)s now. "
                "Nothing was changed."
            ),
            code="not_allowed",
            params={
                "status": referral.get_status_display(),
                "action": transition.label,
            },
        )
    _require(permission, actor, referral)
    _check_version(referral, version)
    errors: dict[str, Any] = {}
    note = note.strip()
    if transition.note_required and not note:
        errors["note"] = {
            "decline": _("Say why the referral is declined."),
            "request_info": _("Say what information is needed."),
            "provide_info": _("Give the information that was asked for."),
        }.get(action, _("This field is required."))
    if transition.outcome_required:
        from .models import Outcome

        if outcome not in Outcome.values:
            errors["outcome"] = _("Choose the outcome.")
    if action == "send" and consent_in_force(referral) is None:
        errors["__all__"] = _(
            "Record the person's consent to this recipient for every purpose "
            "of the referral (or the reason to send without it) before sending."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = referral.status
    referral.status = transition.target
    if action == "send":
        referral.sent_at = now
    if transition.target == Status.SENT:
        referral.answer_due_at = answer_due(now, referral.urgency)
        referral.reminded_at = None
        referral.escalated_at = None
    if action == "accept":
        referral.accepted_at = now
    if transition.target in FINAL_STATUSES:
        referral.closed_at = now
    if transition.outcome_required:
        referral.outcome = outcome
    referral.version += 1
    referral.save()
    _timeline(
        referral, kind=transition.timeline, side=transition.side, actor=actor, note=note
    )
    audit_record(
        action=ReferralAction.TRANSITION,
        actor=actor,
        request=request,
        target=referral,
        details={
            "action": action,
            "from": previous,
            "to": referral.status,
            "version": referral.version,
            "outcome": referral.outcome,
        },
    )
    if previous != Status.DRAFT or transition.target != Status.WITHDRAWN:
        _tell(referral, side=_other(transition.side), request=request)
    return referral


# Messages and documents --------------------------------------------------------


@atomic_then_mail
def referral_message_send(
    *,
    referral_id: Any,
    actor: User,
    body: str,
    document: DocumentCheck | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """A message (and optionally one checked document) to the other side."""
    referral = _locked(referral_id)
    _require("referrals.message", actor, referral)
    body = body.strip()
    if not body and document is None:
        raise ValidationError({"body": _("Write a message or attach a document.")})
    side = actor_side(actor, referral)
    message = Message(referral=referral, side=side, author=actor)
    message.body_encrypted = column_seal(message, "body_encrypted", body.encode())
    message.save()
    _timeline(referral, kind=TimelineKind.MESSAGE, side=side, actor=actor)
    audit_record(
        action=ReferralAction.MESSAGE_SENT,
        actor=actor,
        request=request,
        target=referral,
        details={"side": side, "document": document is not None},
    )
    if document is not None:
        stored = Document(
            referral=referral,
            message=message,
            side=side,
            uploaded_by=actor,
            content_type=document.content_type,
            size=len(document.content),
        )
        stored.name_encrypted = column_seal(
            stored, "name_encrypted", document.name.encode()
        )
        stored.content_encrypted = column_seal(
            stored, "content_encrypted", document.content
        )
        stored.save()
        audit_record(
            action=ReferralAction.DOCUMENT_ADDED,
            actor=actor,
            request=request,
            target=referral,
            details={"content_type": document.content_type, "size": stored.size},
        )
    _tell(referral, side=_other(side), request=request)
    return message


def referral_personal_data_read(
    *, referral: Referral, viewer: Any, request: HttpRequest | None, what: str
) -> None:
    """Write down that `viewer` read the referral's personal data."""
    audit_record(
        action=(
            ReferralAction.DOCUMENT_DOWNLOADED
            if what == "document"
            else ReferralAction.PERSONAL_DATA_VIEWED
        ),
        actor=viewer,
        request=request,
        target=referral,
        details={"what": what},
    )


# Deadlines and the calendar ----------------------------------------------------


def country_time_zone(country: str) -> str:
    zones = get_global("territory_zones").get(str(country).upper()) or []
    return zones[0] if zones else "UTC"


@atomic_then_mail
def referral_deadline_set(
    *,
    referral_id: Any,
    actor: User,
    kind: str,
    local_time: datetime,
    country: str,
    request: HttpRequest | None = None,
) -> Deadline:
    """A deadline at a local date and time of the country where it happens."""
    referral = _locked(referral_id)
    _require("referrals.set_deadline", actor, referral)
    if country not in {str(referral.sending_country), str(referral.receiving_country)}:
        raise ValidationError({"country": _("Choose one of the two countries.")})
    zone = country_time_zone(country)
    due_at = local_time.replace(tzinfo=ZoneInfo(zone))
    if due_at < timezone.now():
        raise ValidationError({"due": _("The deadline is already past.")})
    deadline = Deadline(
        referral=referral, kind=kind, due_at=due_at, time_zone=zone, set_by=actor
    )
    deadline.full_clean()
    deadline.save()
    side = actor_side(actor, referral)
    _timeline(referral, kind=TimelineKind.DEADLINE, side=side, actor=actor)
    audit_record(
        action=ReferralAction.DEADLINE_SET,
        actor=actor,
        request=request,
        target=referral,
        details={"kind": kind},
    )
    _tell(referral, side=_other(side), request=request)
    return deadline


def calendar_feed_for(user: Any, *, renew: bool = False) -> CalendarFeed:
    feed, created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    if renew and not created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed


# Reminders and escalation --------------------------------------------------------


def referral_reminders_send(*, now: datetime | None = None) -> tuple[int, int, int]:
    """Remind the receiving organisation of an unanswered referral, then
    escalate to its country's coordinators; remind both sides a week and a day
    before each deadline. Each claimed with a conditional UPDATE, so that two
    runs never send the same reminder. Returns (reminded, escalated, deadlines)."""
    now = now or timezone.now()
    days = timedelta(days=settings.RELAIS_REFERRAL_ANSWER_DAYS)
    reminded = escalated = deadline_count = 0
    waiting = Referral.objects.filter(status=Status.SENT, answer_due_at__lt=now)
    for referral_id in waiting.filter(reminded_at__isnull=True).values_list(
        "pk", flat=True
    ):
        if _claim(Referral, referral_id, "reminded_at", now):
            _remind(referral_id, escalate=False)
            reminded += 1
    for referral_id in waiting.filter(
        reminded_at__isnull=False,
        escalated_at__isnull=True,
        answer_due_at__lt=now - days,
    ).values_list("pk", flat=True):
        if _claim(Referral, referral_id, "escalated_at", now):
            _remind(referral_id, escalate=True)
            escalated += 1
    open_deadlines = Deadline.objects.exclude(
        referral__status__in=FINAL_STATUSES
    ).filter(due_at__gt=now)
    for field, ahead in [
        ("week_reminder_sent_at", timedelta(days=7)),
        ("day_reminder_sent_at", timedelta(days=1)),
    ]:
        for deadline_id in open_deadlines.filter(
            **{f"{field}__isnull": True, "due_at__lte": now + ahead}
        ).values_list("pk", flat=True):
            if _claim(Deadline, deadline_id, field, now):
                _deadline_remind(deadline_id)
                deadline_count += 1
    return reminded, escalated, deadline_count


def _claim(model: Any, pk: Any, field: str, now: datetime) -> bool:
    return bool(
        model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now})
    )


@atomic_then_mail
def _remind(referral_id: Any, *, escalate: bool) -> None:
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    _timeline(
        referral,
        kind=TimelineKind.ESCALATED if escalate else TimelineKind.REMINDER,
        side=Side.PLATFORM,
    )
    audit_record(
        action=ReferralAction.ESCALATED if escalate else ReferralAction.REMINDED,
        target=referral,
    )
    if escalate:
        people = country_reviewers(str(referral.receiving_country))
        mail_later(
            lambda: mail_each(
                people=people,
                subject=gettext_lazy("A referral to your country waits for an answer"),
                template="referrals/email/escalated.txt",
                url_name="referrals:detail",
                url_kwargs={"pk": referral.pk},
            )
        )
    else:
        _tell(
            referral,
            side=Side.RECEIVING,
            request=None,
            subject=gettext_lazy("A referral on Relais waits for your answer"),
        )


@atomic_then_mail
def _deadline_remind(deadline_id: Any) -> None:
    deadline = Deadline.objects.select_related("referral").get(pk=deadline_id)
    for side in (Side.SENDING, Side.RECEIVING):
        _tell(
            deadline.referral,
            side=side,
            request=None,
            subject=gettext_lazy("A referral's deadline is coming up"),
        )


# Retention, erasure and export ---------------------------------------------------


def _purge(referral: Referral) -> None:
    referral.person_encrypted = ""
    referral.case_code_encrypted = ""
    # The hash must stay unique; it no longer matches any case code.
    referral.case_code_hash = "purged-" + referral.pk.hex
    referral.purged_at = timezone.now()
    referral.version += 1
    referral.save()
    referral.documents.all().delete()
    referral.messages.all().delete()
    referral.consents.update(override_reason_encrypted="")
    referral.timeline.update(note_encrypted="")


def referral_retention_cutoff(now: datetime | None = None) -> datetime:
    moment = now or timezone.now()
    # relativedelta keeps a datetime a datetime.
    return cast(
        datetime, months_before(moment, settings.RELAIS_REFERRAL_RETENTION_MONTHS)
    )


def referrals_purge(*, now: datetime | None = None) -> int:
    """Delete the personal data of referrals ended more than the retention
    period ago; the anonymised record (organisations, purposes, statuses,
    dates, outcome) stays for the statistics."""
    cutoff = referral_retention_cutoff(now)
    count = 0
    for referral_id in Referral.objects.filter(
        purged_at__isnull=True, closed_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=referral_id)
            if referral.purged_at is not None:
                continue
            _purge(referral)
            _timeline(referral, kind=TimelineKind.PURGED, side=Side.PLATFORM)
            audit_record(
                action=ReferralAction.PURGED,
                target=referral,
                details={"reason": "retention"},
            )
            count += 1
    return count


@atomic_then_mail
def referral_erase(
    *, referral_id: Any, actor: User, request: HttpRequest | None = None
) -> Referral:
    """Erasure on the person's request: their data goes now, the referral ends."""
    referral = _locked(referral_id)
    _require("referrals.erase", actor, referral)
    was_open = not referral.is_final and referral.status != Status.DRAFT
    if not referral.is_final:
        referral.status = Status.WITHDRAWN
        referral.closed_at = timezone.now()
    _purge(referral)
    _timeline(referral, kind=TimelineKind.PURGED, side=Side.SENDING, actor=actor)
    audit_record(
        action=ReferralAction.PURGED,
        actor=actor,
        request=request,
        target=referral,
        details={"reason": "erasure_request"},
    )
    if was_open:
        _tell(referral, side=Side.RECEIVING, request=request)
    return referral


def referral_export_record(
    *, referral: Referral, actor: Any, request: HttpRequest | None
) -> None:
    audit_record(
        action=ReferralAction.EXPORTED, actor=actor, request=request, target=referral
    )
