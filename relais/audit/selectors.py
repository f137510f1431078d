"""Reading the audit trail."""

from django.db.models import QuerySet

from .chain import FIELDS, VerificationResult, chain_verify
from .models import AuditEntry


def audit_trail_verify(*, chunk_size: int = 5000) -> VerificationResult:
    """Check the whole chain; the result names the first entry that breaks it."""
    rows = AuditEntry.objects.order_by("sequence").values_list(*FIELDS)
    return chain_verify(rows.iterator(chunk_size=chunk_size))


def audit_entries(*, action: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-sequence")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor=actor)
    return entries
