"""`relais audit verify`: check the audit trail's HMAC chain."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.audit.selectors import audit_trail_verify
from relais.core.jobs import scheduled_job_run_record


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` checks the HMAC chain, naming the first bad entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_trail_verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail broken at entry #{result.first_bad_sequence}: "
                f"{result.problem} ({result.checked} entries before it are intact)."
            )
        scheduled_job_run_record(name="audit-verify")
        self.stdout.write(
            f"Audit trail intact: {result.checked} entries. "
            f"Head MAC {result.head_hmac or '-'} (record it elsewhere to detect "
            "removal of the latest entries)."
        )
