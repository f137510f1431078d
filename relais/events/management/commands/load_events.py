from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.events.past_events import demo_events_load, past_events_load


class Command(BaseCommand):
    help = (
        "Load the project's past events (from public sources, marked with their "
        "source); with --demo, also fictitious upcoming demo events."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also create fictitious demo events (development profile only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = past_events_load()
        self.stdout.write(f"Loaded {count} past project event(s).")
        if options["demo"]:
            if settings.PRODUCTION and not settings.DEBUG:
                raise CommandError("Demo events are for the development profile only.")
            self.stdout.write(f"Loaded {demo_events_load()} fictitious demo event(s).")
