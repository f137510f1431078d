from typing import Any

from django.core.management.base import BaseCommand

from relais.directory.services import reference_load


class Command(BaseCommand):
    help = (
        "Load the real reference organisations shipped with Relais (with their "
        "sources and verification). Running it again updates them in place."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reference_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference organisations: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
        )
