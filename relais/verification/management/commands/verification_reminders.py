from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from relais.core.jobs import scheduled_job_run_record
from relais.verification.services import verification_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail the administrators of listings due for their yearly re-confirmation "
        "(once per listing and verification cycle; run daily from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sent = verification_reminders_send()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{sent.reminded} listings reminded."))
        if sent.failed:
            # Non-zero exit: cron reports it.
            raise CommandError(
                f"The mail server refused the reminders of {sent.failed} listings; "
                "the next run sends them."
            )
        scheduled_job_run_record(name="verification-reminders")
