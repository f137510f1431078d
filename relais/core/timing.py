"""Answers that take the same time whether or not an account exists.

Password reset, access requests and invitations answer alike for a known and
an unknown address; without more, the time to answer would still tell them
apart (a known address costs a token, a rendered e-mail and an SMTP
exchange). `steady_response` pads every answer of the wrapped view to at
least `RELAIS_STEADY_RESPONSE_SECONDS`, so both take the floor as long as the
work is shorter than it.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def steady_response(
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Pad the answer of `methods` requests to the configured floor."""

    def decorator(
        view: Callable[..., HttpResponseBase],
    ) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            started = time.monotonic()
            response = view(request, *args, **kwargs)
            remaining = settings.RELAIS_STEADY_RESPONSE_SECONDS - (
                time.monotonic() - started
            )
            if remaining > 0:
                time.sleep(remaining)
            return response

        return wrapped

    return decorator
