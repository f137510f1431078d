"""`relais backup` and `relais restore`: a consistent, private copy that restores."""

import hashlib
import sqlite3
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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
