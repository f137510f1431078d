from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_countries import countries

from relais.directory.models import Organization
from relais.opendata.exports import export_to
from relais.opendata.hsds import HSDSSerializer


class Command(BaseCommand):
    help = (
        "Export the directory as Open Referral HSDS 3.0: a tabular datapackage "
        "(zip of CSV files and datapackage.json) or HSDS JSON. Public details "
        "only: professional-only contact details are never exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The file to write.")
        parser.add_argument(
            "--format",
            choices=["datapackage", "json"],
            default="datapackage",
            help="datapackage (zip, the default) or json.",
        )
        parser.add_argument(
            "--country",
            help="Only the organisations based in this country (ISO code, e.g. BE).",
        )

    def handle(
        self, *args: Any, path: Path, format: str, country: str | None, **options: Any
    ) -> None:
        queryset = Organization.objects.all()
        if country:
            code = country.upper()
            if code not in countries:
                raise CommandError(f"{country} is not an ISO 3166 country code.")
            queryset = queryset.filter(country=code)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        serializer = HSDSSerializer(viewer=None)
        if format == "datapackage":
            with path.open("wb") as out:
                count = export_to(out, format, queryset, serializer)
        else:
            with path.open("w", encoding="utf-8") as out:
                count = export_to(out, format, queryset, serializer)
        self.stdout.write(
            self.style.SUCCESS(f"{count} organisations exported to {path}.")
        )
