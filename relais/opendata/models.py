"""Provenance of imported directory data: one ImportRun per file, a link per record."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of one file: who, when, which file (name, checksum), the outcome."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, waiting for confirmation")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected: nothing was changed")
        DRY_RUN = "dry_run", _("Checked without changing anything")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(_("file"), max_length=300)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    file_format = models.CharField(_("format"), max_length=30, blank=True)
    language = models.CharField(_("language of the texts"), max_length=10)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_by_label = models.CharField(_("by (as recorded)"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    # An uploaded file waiting between preview and confirmation (never served).
    pending_path = models.CharField(max_length=500, blank=True)

    class Meta:
        # Kept from the former `imports` app (migrations/0001_initial.py).
        db_table = "imports_importrun"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ImportedRecord(models.Model):
    """A directory record created or changed by an import run (its provenance)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(
        ImportRun,
        on_delete=models.CASCADE,
        related_name="records",
        verbose_name=_("import"),
    )
    resource_type = models.CharField(_("record type"), max_length=50)
    resource_id = models.UUIDField(_("record"), db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta:
        db_table = "imports_importedrecord"
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_id} ({self.action})"
