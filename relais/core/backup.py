"""Backups of the database while the application runs, and their restoration.

SQLite through its online backup API: a consistent copy taken while others
keep writing. PostgreSQL through pg_dump and pg_restore (custom format), from
PATH. A backup holds everything, the encrypted referral fields included:
their keys are never in it, and it is only ever readable by its owner.
"""

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


class BackupFailed(Exception):
    pass


def _private_file(path: Path) -> Path:
    """An empty file only its owner can read, next to `path`, to be renamed onto it."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return temporary


def sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # All pages in one step: the copy is one snapshot, not a mix of moments.
    source.backup(target, pages=-1)


def _pg_env(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    # A fixed argument list, no shell; only the paths come from the operator.
    done = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupFailed(done.stderr.strip()[-2000:])


def database_backup(path: Path, *, using: str = "default") -> None:
    """Write a backup of the database to `path` (mode 0600), atomically."""
    connection = connections[using]
    temporary = _private_file(path)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(temporary)
            try:
                sqlite_copy(connection.connection, target)
            finally:
                target.close()
        elif connection.vendor == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={temporary}"],
                _pg_env(connection.settings_dict),
            )
            temporary.chmod(0o600)
        else:
            raise BackupFailed(f"No backup for {connection.vendor}.")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def database_restore(path: Path, *, using: str = "default") -> None:
    """Replace the database's content with the backup at `path`."""
    if not path.is_file():
        raise BackupFailed(f"No backup at {path}.")
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            sqlite_copy(source, connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        env = _pg_env(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={env.get('PGDATABASE', '')}",
                str(path),
            ],
            env,
        )
    else:
        raise BackupFailed(f"No restore for {connection.vendor}.")
