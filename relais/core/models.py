from django.db import models


class ScheduledJobRun(models.Model):
    """When each scheduled job (a periodic management command) last succeeded.

    `/healthz/ready` reports a job whose last success is older than its
    allowance in RELAIS_SCHEDULED_JOBS: a timer that stopped firing goes
    unnoticed otherwise.
    """

    name = models.CharField(max_length=100, primary_key=True)
    succeeded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.succeeded_at.isoformat()}"
