"""`relais restore PATH --yes`: replace the database with a backup."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.backup import BackupFailed, database_restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `relais backup`. Stop "
        "the application first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that the current content of the database may be replaced.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces the whole database: add --yes.")
        try:
            database_restore(options["path"])
        except (BackupFailed, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Database restored from {options['path']}.")
