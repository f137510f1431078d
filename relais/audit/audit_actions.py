"""What the audit app itself writes to the trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import audit_actions_register


@audit_actions_register
class AuditAction(models.TextChoices):
    REQUEST_REFUSED = "request_refused", _("Request refused (no permission)")
    REFUSALS_SUPPRESSED = (
        "request_refusals_suppressed",
        _("Further refused requests not recorded this minute"),
    )
