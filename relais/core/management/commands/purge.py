from typing import Any

from django.core.management.base import BaseCommand

from relais.core.jobs import scheduled_job_run_record
from relais.core.retention import retention_purges


class Command(BaseCommand):
    help = (
        "Delete the personal data whose retention period is over (referrals "
        "closed for longer than RELAIS_REFERRAL_RETENTION_MONTHS, and what the "
        "other apps register). Run it daily; running it twice does no harm."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, purge in sorted(retention_purges().items()):
            count = purge()
            self.stdout.write(f"{name}: {count} purged.")
        scheduled_job_run_record(name="purge")
