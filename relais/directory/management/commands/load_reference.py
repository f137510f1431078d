from typing import Any

from django.core.management.base import BaseCommand

from relais.directory.services import reference_load


class Command(BaseCommand):
    help = (
        "Load the real reference organisations and the official listings shipped "
        "with Relais (with their sources). Running it again updates them in "
        "place, except listings a person has since confirmed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reference_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference organisations: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.kept_confirmed} kept as confirmed by a person."
            )
        )
