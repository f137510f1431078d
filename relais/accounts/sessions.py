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


def stamp_password_confirmed(request: HttpRequest) -> None:
    """The password was typed again; a passkey may now complete the confirmation."""
    request.session[CONFIRMATION_STARTED_AT] = int(time.time())


def take_password_confirmed(request: HttpRequest) -> bool:
    """Whether the password was typed again just before; usable once."""
    at = request.session.pop(CONFIRMATION_STARTED_AT, 0)
    return int(time.time()) - int(at) <= PASSKEY_CONFIRMATION_SECONDS


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
    """Exports, two-factor changes and role changes ask for password and code again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_authenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
