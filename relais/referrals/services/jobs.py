"""Reminders and escalation, the retention purge, erasure and export."""

from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from relais.accounts.models import User
from relais.accounts.services import country_reviewers
from relais.audit.services import audit_record
from relais.core.dates import months_before
from relais.core.mail import atomic_then_mail, mail_each, mail_later

from ..audit_actions import ReferralAction
from ..models import (
    FINAL_STATUSES,
    Deadline,
    Referral,
    Side,
    Status,
    TimelineKind,
)
from .base import (
    party_tell,
    permission_require,
    referral_locked,
    timeline_add,
)

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
        if job_claim(Referral, referral_id, "reminded_at", now):
            referral_remind(referral_id, escalate=False)
            reminded += 1
    for referral_id in waiting.filter(
        reminded_at__isnull=False,
        escalated_at__isnull=True,
        answer_due_at__lt=now - days,
    ).values_list("pk", flat=True):
        if job_claim(Referral, referral_id, "escalated_at", now):
            referral_remind(referral_id, escalate=True)
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
            if job_claim(Deadline, deadline_id, field, now):
                deadline_remind(deadline_id)
                deadline_count += 1
    return reminded, escalated, deadline_count


def job_claim(model: Any, pk: Any, field: str, now: datetime) -> bool:
    return bool(
        model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now})
    )


@atomic_then_mail
def referral_remind(referral_id: Any, *, escalate: bool) -> None:
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    timeline_add(
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
        party_tell(
            referral,
            side=Side.RECEIVING,
            request=None,
            subject=gettext_lazy("A referral on Relais waits for your answer"),
        )


@atomic_then_mail
def deadline_remind(deadline_id: Any) -> None:
    deadline = Deadline.objects.select_related("referral").get(pk=deadline_id)
    for side in (Side.SENDING, Side.RECEIVING):
        party_tell(
            deadline.referral,
            side=side,
            request=None,
            subject=gettext_lazy("A referral's deadline is coming up"),
        )


# Retention, erasure and export ---------------------------------------------------


def personal_data_purge(referral: Referral) -> None:
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
            personal_data_purge(referral)
            timeline_add(referral, kind=TimelineKind.PURGED, side=Side.PLATFORM)
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
    referral = referral_locked(referral_id)
    permission_require("referrals.erase", actor, referral)
    was_open = not referral.is_final and referral.status != Status.DRAFT
    if not referral.is_final:
        referral.status = Status.WITHDRAWN
        referral.closed_at = timezone.now()
    personal_data_purge(referral)
    timeline_add(referral, kind=TimelineKind.PURGED, side=Side.SENDING, actor=actor)
    audit_record(
        action=ReferralAction.PURGED,
        actor=actor,
        request=request,
        target=referral,
        details={"reason": "erasure_request"},
    )
    if was_open:
        party_tell(referral, side=Side.RECEIVING, request=request)
    return referral


def referral_export_record(
    *, referral: Referral, actor: Any, request: HttpRequest | None
) -> None:
    audit_record(
        action=ReferralAction.EXPORTED, actor=actor, request=request, target=referral
    )


def referral_handover_record(
    *, referral: Referral, actor: Any, request: HttpRequest | None
) -> None:
    audit_record(
        action=ReferralAction.HANDED_OVER,
        actor=actor,
        request=request,
        target=referral,
    )
