"""Reads of API tokens."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken, token_digest


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_of(user: Any, token_id: uuid.UUID) -> ApiToken | None:
    """One of the user's own tokens (never another person's)."""
    return api_tokens_of(user).filter(pk=token_id).first()


def api_token_find(raw: str) -> ApiToken | None:
    """The usable token for this secret: not revoked, not expired, its owner active."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired(timezone.now()) or not token.user.is_active:
        return None
    return token
