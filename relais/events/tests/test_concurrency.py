"""200 professionals register at once for the last place: one gets it, the
others wait in line, nobody gets an error (SQLite and PostgreSQL alike)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from relais.events.models import RegistrationStatus

from .race import race

RACERS = 200
ROOT = Path(__file__).resolve().parents[3]


def _race_on_a_sqlite_file(tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "relais.settings",
        "RELAIS_PROFILE": "development",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from relais.events.tests.race import main; main()",
            str(RACERS),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


@pytest.mark.django_db(transaction=True)
def test_two_hundred_registrations_for_the_last_place_never_overbook(tmp_path):
    if connection.vendor == "sqlite":
        result = _race_on_a_sqlite_file(tmp_path)
    else:
        result = race(RACERS)
    outcomes = result["outcomes"]
    assert [o for o in outcomes if o not in RegistrationStatus.values] == []
    assert outcomes.count(RegistrationStatus.CONFIRMED) == 1
    assert outcomes.count(RegistrationStatus.WAITLISTED) == RACERS - 1
    assert result["confirmed"] == result["capacity"]
