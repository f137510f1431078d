"""`relais import PATH [--dry-run] [--as EMAIL]`: HSDS data or the listing template."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.opendata.services import import_file


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 JSON file, an HSDS tabular datapackage (zip or folder) "
        "or the listing template (CSV or XLSX). All or nothing: any error leaves "
        "the directory as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would change, changing nothing.",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            default="",
            help="E-mail address of the account the import is recorded for.",
        )
        parser.add_argument(
            "--language",
            default=None,
            help="Language of the names and descriptions in the file (default: en).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"No file or folder at {path}")
        user = None
        if options["as_email"]:
            user = (
                get_user_model()
                .objects.filter(email__iexact=options["as_email"])
                .first()
            )
            if user is None:
                raise CommandError(f"No account with the address {options['as_email']}")
        result = import_file(
            path=path,
            user=user,
            updated_by=options["as_email"] or "relais import",
            dry_run=options["dry_run"],
            language=options["language"],
        )
        for finding in result.findings.kept:
            self.stderr.write(str(finding))
        if result.findings.omitted:
            self.stderr.write(f"... and {result.findings.omitted} more findings")
        for table, counts in sorted(result.counts.items()):
            self.stdout.write(
                f"{table}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        totals = result.totals()
        if not result.ok:
            raise CommandError(
                f"{result.findings.errors} errors: nothing was imported "
                f"(import {result.run.pk})."
            )
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['created']} records {verb} created, {totals['updated']} "
                f"updated, {totals['unchanged']} unchanged "
                f"({result.findings.warnings} warnings; import {result.run.pk})."
            )
        )
