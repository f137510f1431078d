from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from relais.accounts.services import access_requests_purge
from relais.core.jobs import scheduled_job_run_record


class Command(BaseCommand):
    help = (
        "Delete access requests older than RELAIS_ACCESS_REQUEST_RETENTION_DAYS, "
        "decided or not (they hold personal data). Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = access_requests_purge()
        scheduled_job_run_record(name="purge-access-requests")
        self.stdout.write(
            f"Deleted {count} access request(s) older than "
            f"{settings.RELAIS_ACCESS_REQUEST_RETENTION_DAYS} days."
        )
