"""The production profile starts as docs/deployment.md says, and serves its pages.

The commands are those of docs/deployment.md's steps, run in subprocesses
under the production profile: `relais check --deploy`, `relais migrate`,
`relais createcachetable`, `relais collectstatic --no-input`, then gunicorn
with deploy/gunicorn.conf.py on a free port of 127.0.0.1. Requests carry
`X-Forwarded-Proto: https`, as the TLS proxy in front of it would.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from relais.core.tests.test_settings import (
    REAL_AUDIT_KEY,
    REAL_ENCRYPTION_KEYS,
    REAL_KEY,
)

pytestmark = pytest.mark.production

PROJECT = Path(__file__).resolve().parents[3]
LANGUAGES = ["en", "fr", "nl", "ro", "bg", "es", "sv"]
PAGES = ["", "directory/", "countries/BE/", "knowledge/", "sign-in/"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(tmp_path: Path) -> dict[str, str]:
    """The variables of docs/deployment.md, with throw-away values."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "DJANGO_")) and k not in ("DEBUG",)
    }
    env.update(
        {
            "PYTHONPATH": str(PROJECT),
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "AUDIT_HMAC_KEY": REAL_AUDIT_KEY,
            "RELAIS_ENCRYPTION_KEYS": REAL_ENCRYPTION_KEYS,
            "AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit-checkpoint.json"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.sqlite3'}",
            "CACHE_URL": "dbcache://relais_cache",
            "STATIC_ROOT": str(tmp_path / "static"),
            # The gzip and Brotli copies take most of collectstatic's minute;
            # the manifest, which pages need, is made all the same.
            "RELAIS_STATIC_COMPRESSION": "false",
            "RELAIS_IMPORT_PENDING_DIR": str(tmp_path / "imports"),
            "EMAIL_URL": "smtp://127.0.0.1:9",
        }
    )
    return env


def _relais(env: dict[str, str], *commands: tuple[str, ...]) -> subprocess.Popen:
    """Start `relais <command>` for each command, one after the other."""
    script = " && ".join(
        " ".join([sys.executable, "-m", "relais.cli", *command]) for command in commands
    )
    return subprocess.Popen(  # noqa: S602  # fixed commands, no user input
        script,
        shell=True,
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_deployment_steps(env: dict[str, str]) -> None:
    """The steps of docs/deployment.md; those that do not wait on each other at once."""
    steps = [
        _relais(env, ("check", "--deploy", "--fail-level", "WARNING")),
        _relais(env, ("migrate", "--no-input"), ("createcachetable",)),
        _relais(env, ("collectstatic", "--no-input")),
    ]
    for step in steps:
        output, _ = step.communicate(timeout=120)
        assert step.returncode == 0, (step.args, output[-4000:])


def _get(port: int, path: str) -> tuple[http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request(
        "GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    )
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response, body


@pytest.fixture
def production_server(tmp_path):
    env = production_environment(tmp_path)
    run_deployment_steps(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "relais.wsgi",
            "--config",
            str(PROJECT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=env,
        cwd=PROJECT,
        stdout=open(tmp_path / "stdout.log", "w"),  # noqa: SIM115
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(port, "/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
            time.sleep(0.2)
        yield port, tmp_path / "stdout.log"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_production_serves_the_main_pages_in_every_language(production_server):
    port, stdout = production_server
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES
    failures = []
    for language in LANGUAGES:
        for page in PAGES:
            path = f"/{language}/{page}"
            response, body = _get(port, path)
            if response.status != 200:
                failures.append((path, response.status))
                continue
            headers = {k.lower(): v for k, v in response.getheaders()}
            csp = headers.get("content-security-policy", "")
            expected = {
                "strict-transport-security": "max-age=31536000"
                in headers.get("strict-transport-security", ""),
                "csp frame-ancestors": "frame-ancestors 'none'" in csp,
                "csp script nonce": "script-src 'self' 'nonce-" in csp,
                "x-content-type-options": headers.get("x-content-type-options")
                == "nosniff",
                "referrer-policy": headers.get("referrer-policy") == "same-origin",
                "x-frame-options": headers.get("x-frame-options") == "DENY",
                "content-language": headers.get("content-language") == language,
            }
            missing = [name for name, present in expected.items() if not present]
            if missing:
                failures.append((path, missing))
            failures.extend(_unserved_static_files(port, body))
    assert failures == []
    _assert_json_request_lines(port, stdout)
    _assert_ready_but_for_the_jobs(port)


def _assert_ready_but_for_the_jobs(port: int) -> None:
    """Database, shared cache, migrations and disk pass; no job has run yet."""
    response, body = _get(port, "/healthz/ready")
    assert response.status == 503
    assert json.loads(body)["checks"] == {
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
        "disk": "ok",
        "scheduled_jobs": "failing",
    }


def _assert_json_request_lines(port: int, stdout: Path) -> None:
    """The application's log: JSON lines on stdout, no query string or e-mail."""
    _get(port, "/en/directory/?q=someone%40example.org")
    deadline = time.monotonic() + 5
    while stdout.read_text().count('"path": "/en/directory/"') < 2:
        assert time.monotonic() < deadline, "no request line for the last request"
        time.sleep(0.1)
    lines = [json.loads(line) for line in stdout.read_text().splitlines()]
    requests = [line for line in lines if line["logger"] == "relais.request"]
    assert {line["path"] for line in requests} >= {"/en/", "/sv/sign-in/"}
    assert all(line["request_id"] != "-" for line in requests)
    assert "example.org" not in stdout.read_text()


def _unserved_static_files(port: int, body: str) -> list[tuple[str, int]]:
    """The page's stylesheets and scripts, by their hashed names, answer 200."""
    paths = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', body))
    assert paths, "the page links no static file"
    failures = []
    for path in paths:
        assert re.search(r"\.[0-9a-f]{12}\.", path), path
        status = _get(port, path)[0].status
        if status != 200:
            failures.append((path, status))
    return failures
