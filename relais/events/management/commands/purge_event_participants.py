from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from relais.core.jobs import scheduled_job_run_record
from relais.events.services import participants_purge, unconfirmed_registrations_purge


class Command(BaseCommand):
    help = (
        "Delete event participants' names, e-mail addresses and organisations "
        "RELAIS_EVENTS_RETENTION_MONTHS after the event (counts by profession, "
        "attendance and anonymous feedback remain), and guests' registrations "
        "left unconfirmed. `relais purge` runs the same purges daily; this "
        "command runs the events' part alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = participants_purge()
        unconfirmed = unconfirmed_registrations_purge()
        scheduled_job_run_record(name="purge-event-participants")
        self.stdout.write(
            f"Cleared the personal data of {count} registration(s) of events that "
            f"ended over {settings.RELAIS_EVENTS_RETENTION_MONTHS} months ago."
        )
        self.stdout.write(
            f"Deleted {unconfirmed} guest registration(s) left unconfirmed."
        )
