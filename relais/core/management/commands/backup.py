"""`relais backup PATH`: a consistent backup of the database, for its owner only."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.backup import BackupFailed, database_backup


class Command(BaseCommand):
    help = (
        "Back up the database while Relais runs: SQLite through its online backup "
        "API, PostgreSQL through pg_dump (custom format). The file is mode 0600."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            database_backup(path)
        except (BackupFailed, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes).")
