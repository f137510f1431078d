"""0 plaintext sentinels at rest: the SQLite file and its WAL, a pg_dump, a backup."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .storage_scenario import CONTROL, found_in, referral_with_sentinels


def child_env(tmp_path):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'storage.sqlite3'}",
        "RELAIS_PROFILE": "development",
        "DJANGO_SETTINGS_MODULE": "relais.settings",
        "EMAIL_URL": "memorymail://",
    }


@pytest.mark.django_db(transaction=True)
def test_no_personal_data_in_the_sqlite_file_its_wal_or_a_backup(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "relais.referrals.tests.storage_scenario"],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # The scan sees clear text where there is some (the public control name)...
    assert CONTROL in result["database"] + (result["wal"] or [])
    assert CONTROL in result["backup"]
    assert result["wal_bytes"] > 0
    # ...and no personal data anywhere.
    assert [s for s in result["database"] if s != CONTROL] == []
    assert [s for s in (result["wal"] or []) if s != CONTROL] == []
    assert [s for s in result["backup"] if s != CONTROL] == []
    assert result["case_code_in_database"] is False


@pytest.mark.django_db(transaction=True)
def test_no_personal_data_in_a_pg_dump_or_a_backup(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the SQLite test above covers SQLite)")
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        pytest.fail("pg_dump is needed for this test (Debian's postgresql-client)")
    referral = referral_with_sentinels()
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    base = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    dump = subprocess.run(
        [pg_dump, *base, "--format=plain", connection.settings_dict["NAME"]],
        env=env,
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
    backup = tmp_path / "backup.dump"
    call_command("backup", str(backup))
    restored_sql = subprocess.run(
        [pg_restore, "-f", "-", str(backup)],
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
    for data in (dump, restored_sql):
        assert found_in(data) == [CONTROL]
        assert referral.case_code.encode() not in data
