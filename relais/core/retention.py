"""Retention: each app registers what it deletes when its time is up.

`relais purge` (daily, deploy/) runs every registered purge; each returns
how many records it purged. Registered in the app's `AppConfig.ready()`, so
that this bottom layer never imports the apps above it.
"""

from collections.abc import Callable

RetentionPurge = Callable[[], int]

_purges: dict[str, RetentionPurge] = {}


def retention_purge_register(name: str, purge: RetentionPurge) -> None:
    _purges[name] = purge


def retention_purges() -> dict[str, RetentionPurge]:
    return dict(_purges)
