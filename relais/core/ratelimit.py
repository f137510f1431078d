"""A small cache-based rate limiter: N requests per client address per window."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    from relais.audit.services import client_ip

    return client_ip(request) or "unknown"


def rate_limit_exceeded(request: HttpRequest, scope: str) -> bool:
    """Count this request against the scope's budget; True once it is spent."""
    limit, window = settings.RELAIS_RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    key = f"relais-rl:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count > limit


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "core/429.html", status=429)


def rate_limited(
    scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[..., Any]:
    """Answer 429 once a client has spent its budget of `methods` requests."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and rate_limit_exceeded(request, scope):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
