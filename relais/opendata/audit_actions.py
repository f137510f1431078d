"""What the open-data app writes to the audit trail (relais.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.audit.registry import audit_actions_register


@audit_actions_register
class OpenDataAction(models.TextChoices):
    DIRECTORY_IMPORT = "directory_import", _("Directory data imported")
