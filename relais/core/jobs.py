"""Scheduled jobs: periodic management commands record each success."""

from django.utils import timezone

from .models import ScheduledJobRun


def scheduled_job_run_record(*, name: str) -> None:
    """Record that the job `name` (a key of RELAIS_SCHEDULED_JOBS) just succeeded."""
    ScheduledJobRun.objects.update_or_create(
        name=name, defaults={"succeeded_at": timezone.now()}
    )
