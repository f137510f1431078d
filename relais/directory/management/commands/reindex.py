from typing import Any

from django.core.management.base import BaseCommand

from relais.directory.search import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the directory's search index from the listings."

    def handle(self, *args: Any, **options: Any) -> None:
        count = index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} listings indexed."))
