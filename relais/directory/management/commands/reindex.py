from typing import Any

from django.core.management.base import BaseCommand

from relais.directory.search import index_rebuild
from relais.directory.search.index import OTHER_INDEXES


class Command(BaseCommand):
    help = "Rebuild the search indexes: the directory's, then the knowledge base's."

    def handle(self, *args: Any, **options: Any) -> None:
        count = index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} listings indexed."))
        for name, rebuild in OTHER_INDEXES.items():
            count = rebuild()
            self.stdout.write(self.style.SUCCESS(f"{name}: {count} records indexed."))
