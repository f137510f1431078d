"""The append-only, tamper-evident audit trail.

Each entry carries an HMAC over its own content and the previous entry's
HMAC, with a key kept outside the database (settings.AUDIT_HMAC_KEY): an
edited, deleted or reordered entry breaks the chain at that entry. The
application only ever inserts rows.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import ACTION_MAX_LENGTH, action_label


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("number"), unique=True)
    created_at = models.DateTimeField(_("when (UTC)"), db_index=True)
    # A string registered by the app that writes it (relais.audit.registry).
    action = models.CharField(_("event"), max_length=ACTION_MAX_LENGTH)
    # Account identifiers (UUIDs), never e-mail addresses or names.
    actor = models.CharField(_("who"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    # Field names, roles and outcomes only: never a password, token or
    # personal data value.
    details = models.JSONField(_("details"), default=dict, blank=True)
    previous_hmac = models.CharField(max_length=64, blank=True)
    hmac = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ("sequence",)
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")

    @property
    def action_label(self) -> str:
        return action_label(self.action)
