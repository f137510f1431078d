"""Helpers of every referral write: case codes, locks, versions, timeline, notices."""

import secrets
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.accounts.models import Role, User
from relais.core.mail import mail_each, mail_later

from ..models import (
    Purpose,
    Referral,
    Side,
    TimelineEntry,
    column_seal,
)
from ..rules import is_sender

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


def stale_error(referral: Referral, version: int) -> ValidationError:
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


def referral_locked(referral_id: Any) -> Referral:
    # PostgreSQL: the row lock serialises writers; SQLite: the IMMEDIATE
    # transaction already holds the database's write lock.
    try:
        return Referral.objects.select_for_update().get(pk=referral_id)
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise PermissionDenied from None


def permission_require(permission: str, user: Any, referral: Referral) -> None:
    if not rules.has_perm(permission, user, referral):
        raise PermissionDenied


def version_check(referral: Referral, version: int | None) -> None:
    if version is None or int(version) != referral.version:
        raise stale_error(referral, version or 0)


def timeline_add(
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


def active_members(organization_id: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=[Role.ORGANISATION_ADMIN, Role.MEMBER],
        ).distinct()
    )


def party_tell(
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
    people = active_members(organization_id)
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


def other_side(side: str) -> str:
    return Side.RECEIVING if side == Side.SENDING else Side.SENDING


def purposes_clean(purposes: list[str]) -> list[str]:
    valid = set(Purpose.values)
    chosen = [p for p in dict.fromkeys(purposes) if p]
    if not chosen:
        raise ValidationError(
            {"purposes": _("Choose at least one purpose.")}, code="required"
        )
    if not set(chosen) <= valid:
        raise ValidationError({"purposes": _("Unknown purpose.")}, code="invalid")
    return chosen
