"""Reading the audit trail."""

from django.db.models import QuerySet

from .chain import FIELDS, VerificationResult, chain_verify
from .checkpoint import CheckpointInvalid, checkpoint_path, checkpoint_read
from .models import AuditEntry


def audit_trail_verify(*, chunk_size: int = 5000) -> VerificationResult:
    """Check the whole chain; the result names the first entry that breaks it.

    With settings.AUDIT_CHECKPOINT_PATH, the entry the checkpoint names must
    be there with the MAC it recorded: the latest entries cannot be removed
    unseen.
    """
    rows = AuditEntry.objects.order_by("sequence").values_list(*FIELDS)
    result = chain_verify(rows.iterator(chunk_size=chunk_size))
    path = checkpoint_path()
    if not result.ok or path is None:
        return result
    try:
        checkpoint = checkpoint_read(path)
    except CheckpointInvalid as exc:
        return VerificationResult(
            result.checked,
            result.checked + 1,
            f"the checkpoint {path} cannot be trusted: {exc}",
            result.head_hmac,
        )
    if checkpoint is None:
        return result
    if checkpoint.sequence > result.checked:
        return VerificationResult(
            result.checked,
            result.checked + 1,
            f"missing from the end of the trail: the checkpoint names entry "
            f"#{checkpoint.sequence}",
            result.head_hmac,
        )
    kept = (
        AuditEntry.objects.filter(sequence=checkpoint.sequence)
        .values_list("hmac", flat=True)
        .first()
    )
    if kept != checkpoint.hmac:
        return VerificationResult(
            result.checked,
            checkpoint.sequence,
            "does not match the MAC the checkpoint recorded",
            result.head_hmac,
        )
    return result


def audit_entries(*, action: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-sequence")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor=actor)
    return entries
