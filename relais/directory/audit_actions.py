"""What the directory app writes to the audit trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class DirectoryAction(models.TextChoices):
    EXPORT = "export", _("Directory exported with professional-only details")
