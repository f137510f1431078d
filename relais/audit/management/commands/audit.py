"""`relais audit verify|checkpoint`: check the trail; move its checkpoint forward."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.audit.checkpoint import checkpoint_advance, checkpoint_path
from relais.audit.models import AuditEntry
from relais.audit.selectors import audit_trail_verify
from relais.core.jobs import scheduled_job_run_record


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` checks the HMAC chain and the checkpoint, "
        "naming the first bad entry; `checkpoint` verifies, then records the "
        "head in AUDIT_CHECKPOINT_PATH."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify", "checkpoint"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_trail_verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail broken at entry #{result.first_bad_sequence}: "
                f"{result.problem} ({result.checked} entries before it are intact)."
            )
        scheduled_job_run_record(name="audit-verify")
        path = checkpoint_path()
        if options["operation"] == "checkpoint":
            if path is None:
                raise CommandError("AUDIT_CHECKPOINT_PATH is not set.")
            head = AuditEntry.objects.order_by("-sequence").first()
            if head is not None:
                checkpoint_advance(sequence=head.sequence, mac=head.hmac)
        where = (
            f"checked against the checkpoint {path}"
            if path
            else "no checkpoint (set AUDIT_CHECKPOINT_PATH to detect removal of "
            "the latest entries)"
        )
        self.stdout.write(
            f"Audit trail intact: {result.checked} entries, {where}. "
            f"Head MAC {result.head_hmac or '-'}."
        )
