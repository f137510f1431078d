from typing import Any

from django.core.management.base import BaseCommand

from relais.core.jobs import scheduled_job_run_record
from relais.referrals.services import referral_reminders_send


class Command(BaseCommand):
    help = (
        "Remind receiving organisations of referrals left unanswered, escalate "
        "to the country coordinator after as long again, and remind both sides "
        "a week and a day before each deadline. Run it hourly or daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, escalated, deadlines = referral_reminders_send()
        scheduled_job_run_record(name="referral-reminders")
        self.stdout.write(
            f"{reminded} reminder(s), {escalated} escalation(s), "
            f"{deadlines} deadline reminder(s) sent."
        )
