"""A small cache-based rate limiter: N requests per client address per window.

Every 429 answer says in `Retry-After` how many seconds remain until the
window ends and the budget is renewed.
"""

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .http import client_ip
from .problems import problem


def client_address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def rate_limit_retry_after(request: HttpRequest, scope: str) -> int | None:
    """Count this request against the scope's budget.

    None while the budget lasts; once it is spent, the whole seconds until the
    window ends (at least 1).
    """
    limit, window = settings.RELAIS_RATE_LIMITS[scope]
    now = time.time()
    bucket = int(now // window)
    key = f"relais-rl:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((bucket + 1) * window - now))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "core/429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def too_many_requests_problem(retry_after: int) -> HttpResponse:
    """The JSON APIs' 429: a problem-details body and `Retry-After`."""
    response = problem(
        429,
        _("Too many requests"),
        _("Please wait a minute before the next request."),
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[..., Any]:
    """Answer 429 once a client has spent its budget of `methods` requests."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                retry_after = rate_limit_retry_after(request, scope)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
