from typing import Any

from django.core.management.base import BaseCommand

from relais.knowledge.services import knowledge_load


class Command(BaseCommand):
    help = (
        "Load the knowledge base shipped with Relais: the legislation library "
        "(with its sources), the country rights matrices, the good practices and "
        "the handbook. Running it again updates them in place."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = knowledge_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Knowledge: {result.provisions} legislation entries, "
                f"{result.cells} matrix cells ({result.published} published), "
                f"{result.practices} good practices, {result.sections} handbook "
                f"sections; {result.translations} translated texts "
                f"({result.stale_translations} out of date); "
                f"{result.changed} records changed."
            )
        )
