"""The load test (`make load`): its lost-write check, and a short run of it.

The short run is bench/load_run.py itself, for a few seconds with a few
users, on SQLite: two production gunicorn servers, locust signing in with
TOTP, searching and editing, then the check of the database.
"""

import importlib.util
import os
import random
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]


def _load_run():
    # The bench scripts import their neighbours (doc_sections), as when run.
    if str(PROJECT / "bench") not in sys.path:
        sys.path.insert(0, str(PROJECT / "bench"))
    spec = importlib.util.spec_from_file_location(
        "load_run", PROJECT / "bench" / "load_run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edits(*edits):
    return [
        {"slug": slug, "token": token * 32, "acknowledged": acknowledged}
        for slug, token, acknowledged in edits
    ]


EDITS = _edits(("a", "1", True), ("b", "2", True), ("a", "3", True))


def _proposals(**tokens):
    return {slug: f"Text [load {token * 32}]" for slug, token in tokens.items()}


def test_every_acknowledged_edit_in_the_database_is_no_lost_write():
    result = _load_run().lost_writes(EDITS, _proposals(a="3", b="2"), {"a": 2, "b": 1})
    assert (result["acknowledged"], result["stored"], result["lost"]) == (3, 3, 0)
    assert result["problems"] == []


def test_an_acknowledged_edit_missing_from_the_audit_trail_is_a_lost_write():
    result = _load_run().lost_writes(EDITS, _proposals(a="3", b="2"), {"a": 1, "b": 1})
    assert result["lost"] == 1
    assert result["problems"] == ["a: 2 edits acknowledged, 1 stored"]


def test_an_older_edit_left_in_place_of_the_last_is_a_lost_write():
    result = _load_run().lost_writes(EDITS, _proposals(a="1", b="2"), {"a": 2, "b": 1})
    assert result["lost"] == 1
    assert "a: the last acknowledged edit" in result["problems"][0]


def test_a_missing_proposal_is_a_lost_write():
    result = _load_run().lost_writes(EDITS, _proposals(a="3"), {"a": 2, "b": 1})
    assert result["lost"] == 1


def test_a_later_edit_whose_answer_never_came_may_replace_the_last_acknowledged():
    attempts = _edits(("a", "1", True), ("a", "3", False))
    result = _load_run().lost_writes(attempts, _proposals(a="3"), {"a": 2})
    assert (result["lost"], result["unacknowledged"]) == (0, 1)


def test_an_edit_never_sent_is_reported():
    result = _load_run().lost_writes(
        _edits(("a", "1", True)), _proposals(a="1"), {"a": 2}
    )
    assert result["problems"] == ["a: 2 stored, only 1 sent"]


def _free_port_pair() -> int:
    # Below Linux's ephemeral range (32768-60999): the servers bind seconds
    # after this check, and a live server or client of another test takes its
    # ports from that range in the meantime.
    for port in random.sample(range(20000, 30000, 2), 50):
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    pytest.skip("no two free ports in a row")


@pytest.mark.production
def test_a_short_load_run_signs_in_searches_and_edits_without_errors(tmp_path):
    # Looked up, not imported: importing locust patches threads and sockets
    # (gevent) for the rest of the test process.
    if importlib.util.find_spec("locust") is None:
        pytest.skip("the `load` extra (locust) is not installed")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "DJANGO_", "LOAD_", "DATABASE_URL"))
    }
    env.update(
        {
            "PYTHONPATH": str(PROJECT),
            "LOAD_DATABASES": "sqlite",
            "LOAD_USERS": "4",
            # Long enough for a sign-in and a first edit on a loaded machine.
            "LOAD_SECONDS": "30",
            "LOAD_LISTINGS": "30",
            "LOAD_RECORD": "0",
            "LOAD_PORT": str(_free_port_pair()),
            "LOAD_CACHE_URL": "dbcache://relais_cache",
            "LOAD_FOLDER": str(tmp_path),
        }
    )
    done = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "load_run.py")],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "errors: **0**" in output
    assert "**lost writes: 0**" in output
    assert re.search(r"edits acknowledged: [1-9]", output)
    assert "audit trail verifies: True" in output
    for request in ("sign-in: code", "search: API", "search: directory page"):
        assert f"| {request} |" in output
