from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.directory.demo import demo_generate


class Command(BaseCommand):
    help = (
        "Create N fictitious demo listings (replacing earlier demo listings). "
        "Each is marked and shown as fictitious demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--n", type=int, default=200, help="How many listings (default 200)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed, for repeatable data."
        )

    def handle(self, *args: Any, n: int, seed: int, **options: Any) -> None:
        if n < 0:
            self.stderr.write("--n must be 0 or more.")
            raise SystemExit(2)
        demo_generate(n=n, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"{n} fictitious demo listings created."))
