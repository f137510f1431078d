"""Writes of API tokens: made, revoked, marked as used."""

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from relais.audit.services import audit_record

from .audit_actions import ApiAction
from .models import TOKEN_PREFIX, ApiToken, token_digest

# last_used_at is written at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *,
    user: Any,
    name: str,
    expires_in_days: int | None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its secret, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip(),
        digest=token_digest(raw),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean()
    token.save()
    audit_record(
        action=ApiAction.API_TOKEN_CREATED,
        actor=user,
        request=request,
        target=token,
        details={"expires_in_days": expires_in_days},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, revoked_by: Any, request: HttpRequest | None = None
) -> None:
    """Revoke a token at once; revoking it again changes nothing."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), confirmed=False
    )
    if revoked:
        token.refresh_from_db(fields=["revoked_at", "confirmed"])
        audit_record(
            action=ApiAction.API_TOKEN_REVOKED,
            actor=revoked_by,
            request=request,
            target=token,
        )


def api_token_mark_used(*, token: ApiToken) -> None:
    """Record the time of use, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
