from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django_countries import countries

from relais.directory import printable


class Command(BaseCommand):
    help = (
        "Write the printable directory of one country as a PDF (A4), grouped by "
        "city and organisation type. Public details only: professional-only "
        "contact details are never printed by this command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--country",
            required=True,
            help="The country whose listings are printed (ISO code, e.g. BE).",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of the directory (default: %(default)s).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: relais-directory-CC-DATE.pdf here).",
        )

    def handle(
        self,
        *args: Any,
        country: str,
        language: str,
        output: Path | None,
        **options: Any,
    ) -> None:
        code = country.upper()
        if code not in countries:
            raise CommandError(f"{country} is not an ISO 3166 country code.")
        with translation.override(language):
            directory = printable.printable_directory(code, viewer=None)
            path = output or Path(
                f"relais-directory-{code.lower()}-{directory.printed_on}.pdf"
            )
            if not path.parent.is_dir():
                raise CommandError(f"The folder {path.parent} does not exist.")
            try:
                pdf = printable.printable_pdf(printable.printable_html(directory))
            except OSError as error:
                raise CommandError(
                    f"WeasyPrint cannot run here ({error}): install pango "
                    "(`make pango`)."
                ) from error
        path.write_bytes(pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"{directory.count} listings of {code} printed to {path}."
            )
        )
