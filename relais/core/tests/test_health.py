"""/healthz answers without the database; /healthz/ready checks what serving needs."""

import json
import re
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django.utils import timezone

from relais.core import health
from relais.core.models import ScheduledJobRun

READY = "/healthz/ready"


def test_liveness_answers_without_the_database(anonymous):
    # No django_db mark: any query would fail the test.
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.fixture
def jobs_on_time(db, settings):
    for name in settings.RELAIS_SCHEDULED_JOBS:
        ScheduledJobRun.objects.create(name=name, succeeded_at=timezone.now())


@pytest.fixture(autouse=True)
def _migrations_read_again(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def _ready(client):
    response = client.get(READY)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response, json.loads(response.content)


def test_ready_answers_200_when_every_check_passes(anonymous, jobs_on_time):
    response, body = _ready(anonymous)
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "migrations": "ok",
            "disk": "ok",
            "scheduled_jobs": "ok",
        },
    }


def _failing(body):
    return [name for name, state in body["checks"].items() if state != "ok"]


def test_ready_names_an_unreachable_database(anonymous, jobs_on_time):
    down = mock.Mock(side_effect=OperationalError("host db-7 down"))
    with mock.patch.dict(health.CHECKS, {"database": down}):
        response, body = _ready(anonymous)
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert _failing(body) == ["database"]
    assert b"db-7" not in response.content


def test_ready_names_a_broken_cache(anonymous, jobs_on_time):
    with mock.patch("relais.core.health.cache") as cache:
        cache.get.return_value = None
        response, body = _ready(anonymous)
    assert response.status_code == 503
    assert _failing(body) == ["cache"]


def test_ready_names_unapplied_migrations(anonymous, jobs_on_time):
    with mock.patch(
        "relais.core.health.MigrationExecutor.migration_plan",
        return_value=[("a migration", False)],
    ):
        response, body = _ready(anonymous)
    assert response.status_code == 503
    assert _failing(body) == ["migrations"]


def test_ready_names_a_full_disk(anonymous, jobs_on_time, settings):
    settings.RELAIS_HEALTH_MIN_FREE_DISK_MB = 10**12
    response, body = _ready(anonymous)
    assert response.status_code == 503
    assert _failing(body) == ["disk"]


def test_ready_names_a_scheduled_job_that_never_ran(anonymous, jobs_on_time):
    ScheduledJobRun.objects.filter(name="purge-access-requests").delete()
    response, body = _ready(anonymous)
    assert response.status_code == 503
    assert _failing(body) == ["scheduled_jobs"]
    assert b"purge" not in response.content


def test_ready_names_a_late_scheduled_job(anonymous, jobs_on_time):
    ScheduledJobRun.objects.filter(name="audit-verify").update(
        succeeded_at=timezone.now() - timedelta(hours=27)
    )
    response, body = _ready(anonymous)
    assert response.status_code == 503
    assert _failing(body) == ["scheduled_jobs"]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["purge_access_requests"], "purge-access-requests"),
        (["verification_reminders"], "verification-reminders"),
        (["audit", "verify"], "audit-verify"),
        (["purge"], "purge"),
        (["referral_reminders"], "referral-reminders"),
        (["event_reminders"], "event-reminders"),
        (["purge_event_participants"], "purge-event-participants"),
    ],
)
def test_each_scheduled_job_records_its_success(db, command, name):
    call_command(*command, stdout=mock.Mock())
    run = ScheduledJobRun.objects.get(name=name)
    assert timezone.now() - run.succeeded_at < timedelta(minutes=1)


def test_every_scheduled_job_has_a_timer_and_runs_in_the_worker(settings):
    deploy = Path(__file__).resolve().parents[3] / "deploy"
    worker = (deploy / "scheduled-jobs.sh").read_text()
    for name in settings.RELAIS_SCHEDULED_JOBS:
        assert (deploy / "systemd" / f"relais-{name}.timer").exists(), name
        service = (deploy / "systemd" / f"relais-{name}.service").read_text()
        (command,) = re.findall(r"^ExecStart=/opt/relais/venv/bin/(.+)$", service, re.M)
        assert re.search(rf"^\s+{re.escape(command)} \|\|", worker, re.M), name
