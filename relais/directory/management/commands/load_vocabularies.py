from typing import Any

from django.core.management.base import BaseCommand

from relais.directory.services import vocabularies_sync


class Command(BaseCommand):
    help = "Create or update the controlled vocabularies (organisation types, ...)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = vocabularies_sync()
        self.stdout.write(self.style.SUCCESS(f"{count} vocabulary terms in place."))
