from typing import Any

from django.core.management.base import BaseCommand

from relais.core.jobs import scheduled_job_run_record
from relais.events.services import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail confirmed participants a week and a day before their event "
        "(each reminder once). Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send()
        scheduled_job_run_record(name="event-reminders")
        self.stdout.write(f"Sent {sent} event reminder(s).")
