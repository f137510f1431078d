"""The workflow: which move each side may make from which status."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.accounts.models import User
from relais.audit.services import audit_record
from relais.core.mail import atomic_then_mail

from ..audit_actions import ReferralAction
from ..models import (
    FINAL_STATUSES,
    Outcome,
    Referral,
    Side,
    Status,
    TimelineKind,
)
from .base import (
    other_side,
    party_tell,
    permission_require,
    referral_locked,
    timeline_add,
    version_check,
)
from .drafting import (
    consent_in_force,
)

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
    referral = referral_locked(referral_id)
    permission = (
        "referrals.act_as_sender"
        if transition.side == Side.SENDING
        else "referrals.act_as_receiver"
    )
    permission_require("referrals.view", actor, referral)
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
    permission_require(permission, actor, referral)
    version_check(referral, version)
    errors: dict[str, Any] = {}
    note = note.strip()
    if transition.note_required and not note:
        errors["note"] = {
            "decline": _("Say why the referral is declined."),
            "request_info": _("Say what information is needed."),
            "provide_info": _("Give the information that was asked for."),
        }.get(action, _("This field is required."))
    if transition.outcome_required and outcome not in Outcome.values:
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
    timeline_add(
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
        party_tell(referral, side=other_side(transition.side), request=request)
    return referral
