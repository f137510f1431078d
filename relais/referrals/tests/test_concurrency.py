"""1,000 concurrent transitions on one referral: no lost update, no invalid state.

Each worker reads the referral and asks for the move its state allows (the
receiving side asks for information, the sending side provides it, over and
over) with the version it read. Whatever the interleaving, every accepted
move is on the timeline once, the version counts them exactly, and every
refusal is a clear "stale" or "not now" error, never a database error.
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from relais.referrals.models import Status

from .concurrency_scenario import scenario

ATTEMPTS = 1000
WORKERS = 8


def run_scenario(tmp_path):
    if connection.vendor == "postgresql":
        return scenario(ATTEMPTS, WORKERS)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
        "RELAIS_PROFILE": "development",
        "DJANGO_SETTINGS_MODULE": "relais.settings",
        "EMAIL_URL": "memorymail://",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "relais.referrals.tests.concurrency_scenario",
            str(ATTEMPTS),
            str(WORKERS),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_lose_nothing_and_stay_valid(tmp_path):
    result = run_scenario(tmp_path)
    outcomes = result["outcomes"]
    assert set(outcomes) <= {"done", "stale", "not_allowed"}, outcomes
    assert sum(outcomes.values()) == ATTEMPTS
    done = outcomes.get("done", 0)
    assert done >= 1
    assert result["final_version"] == result["start_version"] + done
    assert result["moves"] == done
    assert result["entries_added"] == done
    # The moves alternate, so the state follows from how many there were.
    expected = Status.INFO_REQUESTED if done % 2 else Status.SENT
    assert result["status"] == expected
    assert result["versions_unique"]
