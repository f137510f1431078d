"""What the accounts app writes to the audit trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class AccountsAction(models.TextChoices):
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
    ACCESS_REQUEST_RECEIVED = "access_request_received", _("Access request received")
    ACCESS_REQUEST_APPROVED = "access_request_approved", _("Access request approved")
    ACCESS_REQUEST_REJECTED = "access_request_rejected", _("Access request declined")
    ACCESS_REQUESTS_PURGED = "access_requests_purged", _("Old access requests deleted")
    PASSKEY_ADDED = "passkey_added", _("Passkey added")
    PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")
