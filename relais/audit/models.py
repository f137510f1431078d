"""The append-only, tamper-evident audit trail.

Each entry carries an HMAC over its own content and the previous entry's
HMAC, with a key kept outside the database (settings.AUDIT_HMAC_KEY): an
edited, deleted or reordered entry breaks the chain at that entry. The
application only ever inserts rows.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Account locked out")
    LOGOUT = "logout", _("Signed out")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor authentication set up")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    EXPORT = "export", _("Directory exported with professional-only details")
    LISTING_CHANGE_PROPOSED = "listing_change_proposed", _("Listing change proposed")
    LISTING_CHANGE_APPROVED = "listing_change_approved", _("Listing change approved")
    LISTING_CHANGE_REJECTED = "listing_change_rejected", _("Listing change rejected")
    LISTING_CLAIMED = "listing_claimed", _("Listing claimed")
    LISTING_CLAIM_CONFIRMED = "listing_claim_confirmed", _("Listing claim confirmed")
    LISTING_CLAIM_REJECTED = "listing_claim_rejected", _("Listing claim rejected")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    DIRECTORY_IMPORT = "directory_import", _("Directory data imported")
    ACCESS_REQUEST_RECEIVED = "access_request_received", _("Access request received")
    ACCESS_REQUEST_APPROVED = "access_request_approved", _("Access request approved")
    ACCESS_REQUEST_REJECTED = "access_request_rejected", _("Access request declined")
    ACCESS_REQUESTS_PURGED = "access_requests_purged", _("Old access requests deleted")
    PASSKEY_ADDED = "passkey_added", _("Passkey added")
    PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("number"), unique=True)
    created_at = models.DateTimeField(_("when (UTC)"), db_index=True)
    action = models.CharField(_("event"), max_length=40, choices=AuditAction.choices)
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
