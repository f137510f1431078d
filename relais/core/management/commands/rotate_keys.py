from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.core.crypto import column_rotate, encrypted_columns, key_ring


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the current key (the first of "
        "RELAIS_ENCRYPTION_KEYS). Safe to interrupt and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        current = key_ring().current
        for column in encrypted_columns():
            count = column_rotate(column, batch_size=options["batch_size"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"{column.table}.{column.column}: {count} values re-encrypted "
                    f"with the key {current!r}."
                )
            )
