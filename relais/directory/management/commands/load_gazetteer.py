from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.directory.search.gazetteer import places_load


class Command(BaseCommand):
    help = (
        "Load the gazetteer (European cities of 15,000+ inhabitants from GeoNames, "
        "with their names in other languages) used for place names and distances."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--country",
            action="append",
            default=None,
            help="Only this ISO country code (repeatable).",
        )

    def handle(self, *args: Any, country: list[str] | None, **options: Any) -> None:
        count = places_load(countries=[c.upper() for c in country] if country else None)
        self.stdout.write(self.style.SUCCESS(f"{count} places loaded."))
