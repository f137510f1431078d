"""Personal API tokens: how another system reads professional-only details.

Only a SHA-256 digest of each token is stored: the token itself is shown
once, when it is made. Tokens carry 256 bits of randomness, so a fast hash is
enough and lets a request find its token by digest.

A token is also a django-otp device: a request that presents it reads as its
owner verified through it (`user.otp_device`), as a session is verified
through the device its second factor was passed with (relais.api.auth). It
is found by its digest, never by its persistent id, which django-otp reads
back for integer ids only (`Device.from_persistent_id`).
"""

import hashlib
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager

TOKEN_PREFIX = "relais_"  # noqa: S105  (a marker, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenManager(DeviceManager):
    def devices_for_user(self, user: Any, confirmed: bool | None = None) -> Any:
        """None: a token is not a second factor a person can present, so
        django-otp's lists of a person's devices (`devices_for_user`,
        `user_has_device`) leave tokens out."""
        return self.none()


# models.Model is named for the type checker: django-otp has no type hints.
class ApiToken(Device, models.Model):
    """A personal API token; as a device, `confirmed` is false once revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the system that uses it."),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (
            now or timezone.now()
        )

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    def verifies(self, user: Any, now: datetime | None = None) -> bool:
        """Whether this token verifies `user`: what django-otp's middleware asks
        of a session's device (its owner, confirmed), and not expired."""
        return self.user_id == user.pk and self.confirmed and self.is_usable(now)
