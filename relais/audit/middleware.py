"""Refused state-changing requests go into the audit trail, within a budget."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from relais.core.http import client_ip

from .audit_actions import AuditAction
from .services import audit_record

logger = logging.getLogger(__name__)

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WINDOW = 60


class RefusalAuditMiddleware:
    """Record each 403 answer to a POST, PUT, PATCH or DELETE.

    Whoever was refused (account and address), the method, path and view
    name; never the body. Someone hammering a forbidden URL must not flood
    the trail: per account and address at most
    settings.AUDIT_REFUSALS_PER_MINUTE entries a minute, then one
    "suppressed" entry; the next minute's first entry counts what was left
    out in the minute before.

    Placed outside CsrfViewMiddleware, so that a refused CSRF check is
    recorded too; request.user is set by then.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and request.method in STATE_CHANGING:
            try:
                _record_refusal(request)
            except DatabaseError:
                # The refusal stands; a trail that cannot be written is logged.
                logger.exception("Refused request could not be audited")
        return response


def _count(key: str) -> int:
    cache.add(key, 0, timeout=2 * WINDOW + 1)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=2 * WINDOW + 1)
        return 1


def _record_refusal(request: HttpRequest) -> None:
    user = getattr(request, "user", None)
    actor = str(user.uuid) if user is not None and user.is_authenticated else ""
    address = client_ip(request) or "unknown"
    bucket = int(time.time() // WINDOW)
    key = f"relais-audit-refused:{actor}:{address}"
    count = _count(f"{key}:{bucket}")
    limit = settings.AUDIT_REFUSALS_PER_MINUTE
    match = getattr(request, "resolver_match", None)
    details: dict[str, object] = {
        "method": request.method,
        "path": request.path[:200],
        "view": (match.view_name if match else "")[:200],
    }
    if count == 1:
        before = cache.get(f"{key}:{bucket - 1}") or 0
        if before > limit:
            details["suppressed_last_minute"] = before - limit
    if count <= limit:
        action = AuditAction.REQUEST_REFUSED
    elif count == limit + 1:
        action = AuditAction.REFUSALS_SUPPRESSED
        details = {"limit": limit, "window_seconds": WINDOW}
    else:
        return
    audit_record(action=action, actor=user, request=request, details=details)
