"""Request log lines are JSON, carry the request id and no personal data."""

import io
import json
import logging

import pytest

from relais.core.logs import JsonFormatter, RequestIdFilter, scrub

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    lines: list[dict] = []
    yield lines, stream
    root.removeHandler(handler)
    root.setLevel(previous_level)


def _parsed(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_writes_one_json_line_without_e_mail_or_address(
    json_lines, anonymous
):
    _lines, stream = json_lines
    response = anonymous.post(
        "/en/sign-in/?next=/en/",
        {"email": "victim.helper@example.org", "password": "y" * 12},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200
    text = stream.getvalue()
    assert "victim.helper" not in text
    assert "203.0.113.9" not in text
    assert "next=" not in text
    request_lines = [e for e in _parsed(stream) if e["logger"] == "relais.request"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["method"] == "POST"
    assert line["path"] == "/en/sign-in/"
    assert line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)


def test_the_proxy_request_id_is_kept_when_plausible(json_lines, anonymous):
    _lines, stream = json_lines
    response = anonymous.get("/en/", HTTP_X_REQUEST_ID="f00dcafe-1234-abcd")
    assert response["X-Request-ID"] == "f00dcafe-1234-abcd"
    response = anonymous.get("/en/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    ids = [e["request_id"] for e in _parsed(stream) if e["logger"] == "relais.request"]
    assert ids == ["f00dcafe-1234-abcd", response["X-Request-ID"]]


def test_messages_and_tracebacks_are_scrubbed(json_lines):
    _lines, stream = json_lines
    logger = logging.getLogger("relais.test")
    try:
        raise ValueError("Key (email)=(someone@example.org) from 198.51.100.7")
    except ValueError:
        logger.exception("Failed for %s at %s", "a.person@example.org", "2001:db8::1")
    (entry,) = _parsed(stream)
    assert "example.org" not in json.dumps(entry)
    assert "198.51.100.7" not in entry["exception"]
    assert "2001:db8::1" not in entry["message"]
    assert entry["level"] == "ERROR"


def test_scrub_keeps_ordinary_text():
    assert scrub("GET /en/directory/ 200 in 12.5 ms") == (
        "GET /en/directory/ 200 in 12.5 ms"
    )
