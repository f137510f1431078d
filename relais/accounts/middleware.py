import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from relais.core import sessions


class SessionLimitsMiddleware:
    """Ends a signed-in session after idle time or total age, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = int(request.session.get(sessions.AUTHENTICATED_AT, 0))
            seen = int(request.session.get(sessions.SEEN_AT, 0))
            if (
                now - started > settings.RELAIS_SESSION_ABSOLUTE_SECONDS
                or now - seen > settings.RELAIS_SESSION_IDLE_SECONDS
            ):
                logout(request)
                messages.info(
                    request, _("Your session has ended. Please sign in again.")
                )
            else:
                request.session[sessions.SEEN_AT] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A password alone opens only the public pages and the second-factor steps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "verification_required", True):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
