from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.search.registry import index_names, index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search indexes: the directory's, then the knowledge base's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "names", nargs="*", help=f"Only these indexes ({', '.join(index_names())})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = index_rebuild(options["names"] or None)
        except KeyError as error:
            raise CommandError(error.args[0]) from error
        for name, count in counts.items():
            self.stdout.write(self.style.SUCCESS(f"{name}: {count} records indexed."))
