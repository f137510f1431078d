"""Readiness checks for `/healthz/ready`: database, cache, migrations, disk, jobs.

Each check answers True or False only: the public answer must not carry
host names, paths or error messages; the reason goes to the log.
"""

import logging
import shutil
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .models import ScheduledJobRun

logger = logging.getLogger(__name__)

# Code on disk does not change under a running process: once every
# migration is applied, this process need not load the migrations again.
_migrations_applied = False


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers() -> bool:
    key = f"relais-health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    answered = cache.get(key) == "ok"
    cache.delete(key)
    return answered


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
        if plan:
            logger.error("Health: %d migrations not applied.", len(plan))
    return _migrations_applied


def _written_directories() -> list[Path]:
    directories = [Path(settings.RELAIS_IMPORT_PENDING_DIR)]
    if connection.vendor == "sqlite":
        directories.append(Path(settings.DATABASES["default"]["NAME"]).parent)
    return directories


def disk_has_room() -> bool:
    least = settings.RELAIS_HEALTH_MIN_FREE_DISK_MB * 1024 * 1024
    for directory in _written_directories():
        existing = next(p for p in (directory, *directory.parents) if p.exists())
        if shutil.disk_usage(existing).free < least:
            logger.error("Health: less than the free space required in %s.", existing)
            return False
    return True


def scheduled_jobs_on_time() -> bool:
    last = dict(ScheduledJobRun.objects.values_list("name", "succeeded_at"))
    now = timezone.now()
    on_time = True
    for name, hours in settings.RELAIS_SCHEDULED_JOBS.items():
        if name not in last:
            logger.error("Health: the scheduled job %s never succeeded.", name)
            on_time = False
        elif now - last[name] > timedelta(hours=hours):
            logger.error("Health: the scheduled job %s is late.", name)
            on_time = False
    return on_time


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_answers,
    "cache": cache_answers,
    "migrations": migrations_applied,
    "disk": disk_has_room,
    "scheduled_jobs": scheduled_jobs_on_time,
}


def readiness() -> dict[str, bool]:
    """Run every check; one that raises counts as failed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("Health: the %s check failed.", name)
            results[name] = False
    return results
