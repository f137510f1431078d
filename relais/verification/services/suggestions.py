"""Writes for suggested corrections: any professional suggests, those who can
change the listing answer; each step is audited without the text and told by
an e-mail that only links to the platform."""

from datetime import timedelta
from functools import partial
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.accounts.models import Role, User
from relais.accounts.services import country_reviewers
from relais.audit.services import audit_record
from relais.core.mail import atomic_then_mail, mail_each, mail_later
from relais.directory.models import Organization
from relais.verification.audit_actions import VerificationAction

from ..models import CorrectionSuggestion

# Beyond this, a person's suggestions look like a flood, not corrections.
SUGGESTIONS_PER_PERSON_PER_DAY = 20


def suggestion_recipients(
    organization: Organization, *, excluding: Any = None
) -> list[User]:
    """Who answers suggestions about the listing: its organisation's
    administrators and its country's coordinators (the platform
    administrators where the country has none); never `excluding`."""
    admins = User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__role=Role.ORGANISATION_ADMIN,
    )
    if excluding is not None:
        admins = admins.exclude(pk=excluding.pk)
    people = {user.pk: user for user in admins}
    for user in country_reviewers(str(organization.country), excluding=excluding):
        people.setdefault(user.pk, user)
    return sorted(people.values(), key=lambda user: user.email)


@atomic_then_mail
def suggestion_submit(
    *,
    organization: Organization,
    suggested_by: User,
    section: str,
    correction: str,
    source_url: str = "",
    request: HttpRequest | None = None,
) -> CorrectionSuggestion:
    """Record a correction to the listing and tell who can make it (a link only)."""
    if not rules.has_perm("verification.suggest_correction", suggested_by):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=1)
    if (
        CorrectionSuggestion.objects.filter(
            suggested_by=suggested_by, suggested_at__gte=since
        ).count()
        >= SUGGESTIONS_PER_PERSON_PER_DAY
    ):
        raise ValidationError(
            _(
                "You have sent many suggestions today. Please send this one "
                "tomorrow, or write to the country coordinator."
            ),
            code="too_many",
        )
    suggestion = CorrectionSuggestion(
        organization=organization,
        suggested_by=suggested_by,
        section=section,
        correction=(correction or "").strip(),
        source_url=(source_url or "").strip(),
    )
    suggestion.full_clean()
    suggestion.save()
    audit_record(
        action=VerificationAction.CORRECTION_SUGGESTED,
        actor=suggested_by,
        request=request,
        target=organization,
        details={"suggestion": str(suggestion.pk), "section": suggestion.section},
    )
    mail_later(
        partial(
            mail_each,
            people=suggestion_recipients(organization, excluding=suggested_by),
            subject=gettext_lazy("A correction to a listing was suggested on Relais"),
            template="verification/email/correction_suggested.txt",
            url_name="verification:suggestion",
            url_kwargs={"pk": suggestion.pk},
            request=request,
        )
    )
    return suggestion


@atomic_then_mail
def suggestion_answer(
    *,
    suggestion: CorrectionSuggestion,
    answered_by: User,
    status: str,
    response: str = "",
    request: HttpRequest | None = None,
) -> CorrectionSuggestion:
    """Mark the suggestion done or declined; the person who sent it is told."""
    locked = (
        CorrectionSuggestion.objects.select_for_update(of=("self",))
        .select_related("organization", "suggested_by")
        .filter(pk=suggestion.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This suggestion no longer exists."), code="gone")
    if not rules.has_perm(
        "verification.answer_suggestions", answered_by, locked.organization
    ):
        raise PermissionDenied
    if not locked.is_open:
        raise ValidationError(
            _("This has already been decided."), code="already_decided"
        )
    if status not in (
        CorrectionSuggestion.Status.DONE,
        CorrectionSuggestion.Status.DECLINED,
    ):
        raise ValidationError(_("Choose done or declined."), code="invalid_status")
    locked.status = status
    locked.response = (response or "").strip()
    locked.resolved_by = answered_by
    locked.resolved_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        action=VerificationAction.CORRECTION_ANSWERED,
        actor=answered_by,
        request=request,
        target=locked.organization,
        details={"suggestion": str(locked.pk), "status": status},
    )
    suggester = locked.suggested_by
    if suggester is not None and suggester.is_active and suggester != answered_by:
        mail_later(
            partial(
                mail_each,
                people=[suggester],
                subject=gettext_lazy(
                    "Your suggested correction on Relais was answered"
                ),
                template="verification/email/correction_answered.txt",
                url_name="verification:suggestion",
                url_kwargs={"pk": locked.pk},
                request=request,
            )
        )
    return locked


def suggestions_purge(now: Any = None) -> int:
    """Delete the suggestions answered longer ago than the retention period.

    Open suggestions stay until they are answered: someone still has to read
    them. Returns how many were deleted (registered with `relais purge`)."""
    from django.conf import settings

    days = settings.RELAIS_CORRECTION_SUGGESTION_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _by_model = (
        CorrectionSuggestion.objects.exclude(status=CorrectionSuggestion.Status.OPEN)
        .filter(resolved_at__lt=cutoff)
        .delete()
    )
    return deleted
