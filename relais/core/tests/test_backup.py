"""`relais backup` and `relais restore`: a consistent, private copy that restores."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from relais.accounts.models import User
from relais.core.backup import sqlite_copy


def _checksum(rows):
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_sqlite_backup_during_writes_is_one_moment_of_the_database(tmp_path):
    source_path = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(source_path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    setup.commit()
    setup.close()
    stop = threading.Event()
    written = []

    def writer():
        db = sqlite3.connect(source_path, timeout=10)
        deadline = time.monotonic() + 10
        for n in range(1, 20_001):  # bounded in count and time
            if stop.is_set() or time.monotonic() > deadline:
                break
            db.execute("INSERT INTO note VALUES (?, ?)", (n, f"fictitious {n}"))
            db.commit()
            written.append(n)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 200:
        time.sleep(0.01)
    source = sqlite3.connect(source_path, timeout=10)
    target = sqlite3.connect(tmp_path / "backup.sqlite3")
    before = len(written)
    sqlite_copy(source, target)
    after = len(written)
    stop.set()
    thread.join()
    rows = target.execute("SELECT id, body FROM note ORDER BY id").fetchall()
    # Every row committed before the copy, none half-written, in one snapshot:
    # rows 1..n exactly, as the writer committed them.
    assert before <= len(rows) <= after + 1
    expected = [(n, f"fictitious {n}") for n in range(1, len(rows) + 1)]
    assert _checksum(rows) == _checksum(expected)
    assert target.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(written) > len(rows)  # writes went on after the copy


@pytest.mark.django_db(transaction=True)
def test_backup_is_private_and_restore_brings_back_that_moment(tmp_path):
    User.objects.create_user("kept.test@example.org", "fictitious-pass-phrase")
    at_backup = _checksum(User.objects.order_by("pk").values_list("pk", "email"))
    path = tmp_path / "relais.backup"
    call_command("backup", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    User.objects.create_user("later.test@example.org", "fictitious-pass-phrase")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    call_command("restore", str(path), "--yes")
    restored = User.objects.order_by("pk").values_list("pk", "email")
    assert _checksum(restored) == at_backup
    assert not User.objects.filter(email="later.test@example.org").exists()


@pytest.mark.django_db
def test_restore_of_a_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "none"), "--yes")


PROBE_TABLES = ("backup_probe_note", "backup_probe_line")


def _conninfo(settings_dict, name):
    return psycopg.conninfo.make_conninfo(
        dbname=name,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
    )


def _database_url(settings_dict, name):
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{name}"


def _tables(cursor):
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def _table_checksums(cursor, tables):
    """Each table's row count and the MD5 of its rows in a fixed order."""
    sums = {}
    rows = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
    for table in tables:
        # Table names from pg_tables, quoted.
        cursor.execute(f'SELECT count(*), {rows} FROM "{table}" t')  # noqa: S608
        sums[table] = cursor.fetchone()
    return sums


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backup (pg_dump)"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_during_writes_restores_one_moment_into_a_fresh_database(
    tmp_path,
):
    """`relais backup` (pg_dump) while a writer commits, `relais restore` into
    a new database while it still does: the copy is the database at one
    moment, every table alike."""
    for n in range(3):
        User.objects.create_user(f"kept{n}.test@example.org", "fictitious-pass-phrase")
    live = connection.settings_dict
    fresh = f"{live['NAME']}_restore"
    admin = psycopg.connect(_conninfo(live, "postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    admin.execute(f'CREATE DATABASE "{fresh}"')
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE backup_probe_note (id integer PRIMARY KEY, body text)"
        )
        cursor.execute(
            "CREATE TABLE backup_probe_line (note_id integer "
            "REFERENCES backup_probe_note, n integer)"
        )
    stop = threading.Event()
    written = []
    failures = []

    def writer():
        # Each transaction writes a note and its two lines: a consistent copy
        # has both or neither.
        try:
            with psycopg.connect(_conninfo(live, live["NAME"])) as db:
                deadline = time.monotonic() + 60
                for n in range(1, 1_000_001):  # bounded in count and time
                    if stop.is_set() or time.monotonic() > deadline:
                        break
                    with db.transaction():
                        db.execute(
                            "INSERT INTO backup_probe_note VALUES (%s, %s)",
                            (n, f"fictitious {n}"),
                        )
                        db.execute(
                            "INSERT INTO backup_probe_line VALUES (%s, 1), (%s, 2)",
                            (n, n),
                        )
                    written.append(n)
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    path = tmp_path / "relais.backup"
    try:
        while len(written) < 200 and thread.is_alive():
            time.sleep(0.01)
        before = len(written)
        call_command("backup", str(path))
        after = len(written)
        env = {
            **os.environ,
            "RELAIS_PROFILE": "development",
            "DATABASE_URL": _database_url(live, fresh),
        }
        restored = subprocess.run(
            [sys.executable, "-m", "relais.cli", "restore", str(path), "--yes"],
            env=env,
            cwd=Path(__file__).resolve().parents[3],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr[-2000:]
        assert len(written) > after  # the writer went on during the restore
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    assert path.stat().st_mode & 0o777 == 0o600
    try:
        with (
            connection.cursor() as live_cursor,
            psycopg.connect(_conninfo(live, fresh)) as copy,
        ):
            copy_cursor = copy.cursor()
            # Rows as text, timestamps included, as Django's connection sees them.
            copy_cursor.execute("SET TIME ZONE 'UTC'")
            tables = _tables(live_cursor)
            assert _tables(copy_cursor) == tables
            notes = [
                row[0]
                for row in copy_cursor.execute(
                    "SELECT id FROM backup_probe_note ORDER BY id"
                )
            ]
            # Every note committed before the backup began, none committed
            # after it, and every note with its two lines.
            assert before <= len(notes) <= after + 1
            assert notes == list(range(1, len(notes) + 1))
            lines = copy_cursor.execute("SELECT count(*) FROM backup_probe_line")
            assert lines.fetchone() == (2 * len(notes),)
            # The live database at that moment: its rows up to the last note
            # in the copy (nothing else was written).
            live_cursor.execute(
                "DELETE FROM backup_probe_line WHERE note_id > %s", [len(notes)]
            )
            live_cursor.execute(
                "DELETE FROM backup_probe_note WHERE id > %s", [len(notes)]
            )
            assert _table_checksums(copy_cursor, tables) == _table_checksums(
                live_cursor, tables
            )
            users = _table_checksums(copy_cursor, ["accounts_user"])
            assert users["accounts_user"][0] == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS backup_probe_line, backup_probe_note")
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.close()
