"""Session bookkeeping: sign-in time, last activity, last re-authentication."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

AUTHENTICATED_AT = "relais_authenticated_at"
SEEN_AT = "relais_seen_at"
REAUTHENTICATED_AT = "relais_reauthenticated_at"
CONFIRMATION_STARTED_AT = "relais_confirmation_started_at"
# Between the password typed to confirm an action and the passkey that completes it.
PASSKEY_CONFIRMATION_SECONDS = 120


def stamp_sign_in(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[AUTHENTICATED_AT] = now
    request.session[SEEN_AT] = now
    request.session[REAUTHENTICATED_AT] = now


def stamp_reauthentication(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = int(time.time())


def stamp_confirmation_started(request: HttpRequest, *, password_ok: bool) -> None:
    """The password was typed again; a passkey is to complete the confirmation.

    Whether it was right is kept for the passkey step and told only then, so
    that the password step alone never says whether a guess was right.
    """
    request.session[CONFIRMATION_STARTED_AT] = [int(time.time()), password_ok]


def take_confirmation_started(request: HttpRequest) -> bool | None:
    """None when no confirmation was started; else whether the password typed
    was right and recent enough. Usable once."""
    started = request.session.pop(CONFIRMATION_STARTED_AT, None)
    if not isinstance(started, list) or len(started) != 2:
        return None
    at, password_ok = started
    return bool(password_ok) and int(time.time()) - int(at) <= (
        PASSKEY_CONFIRMATION_SECONDS
    )


def recently_authenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTHENTICATED_AT, 0)
    return int(time.time()) - int(at) <= settings.RELAIS_REAUTHENTICATION_SECONDS


def verification_not_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """For the steps a password-only session must reach (second factor, set-up)."""
    view.verification_required = False  # type: ignore[attr-defined]
    return view


def recent_authentication_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Exports, two-factor and role changes ask again: password, code or passkey."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_authenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
