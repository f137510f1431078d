"""Logs as JSON lines, one object per line, without personal data.

Every line carries the request id (`X-Request-ID`, taken from the proxy when
it sends a plausible one, made up otherwise), so that one request's lines can
be found together. Messages and tracebacks are scrubbed of e-mail addresses
and IP addresses: logs travel to places the audit trail's protections do not
reach, and a database error may quote a row's values.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("relais_request_id", default="-")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Hex groups and colons holding "::" or at least four groups (not a clock time).
_IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){3}[0-9A-Fa-f])"
    r"[0-9A-Fa-f:]{2,39}(?![\w:])"
)
# What a request line may tell beside the message: never the query string,
# never the client address, never who the user is.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")

request_logger = logging.getLogger("relais.request")


def scrub(text: str) -> str:
    """`text` with e-mail and IP addresses replaced by placeholders."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _IPV4.sub("[ip]", text)
    return _IPV6.sub("[ip]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": scrub(record.getMessage()),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """One log line per request (method, path, status, duration) and its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
