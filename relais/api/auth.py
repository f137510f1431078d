"""Who reads an API: the owner of a personal token, or the session's user.

Shared by the Relais API (`/api/v1/`) and the HSDS API (`/api/hsds/`).
"""

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_otp.middleware import is_verified

from relais.core.problems import problem

from .models import ApiToken
from .selectors import api_token_find
from .services import api_token_mark_used


class InvalidToken(Exception):
    """The Authorization header holds no usable personal token."""


def api_reader(request: HttpRequest) -> Any:
    """The user a request reads as.

    Without an Authorization header, the session's user (usually an anonymous
    visitor); with `Bearer <personal token>`, the token's owner. A header with
    anything but a usable token raises InvalidToken rather than being ignored.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return request.user
    scheme, _space, raw = header.partition(" ")
    token = api_token_find(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise InvalidToken
    api_token_mark_used(token=token)
    return token_user(token)


def token_user(token: ApiToken) -> Any:
    """The token's owner, verified through the token as django-otp's
    middleware verifies a session's user through its device.

    A token is made in a session that passed the second factor and a fresh
    re-authentication (relais.api.views.token_create): it stands for that
    verification until it expires or is revoked.
    """
    user = token.user
    user.otp_device = token if token.verifies(user) else None  # type: ignore[attr-defined]
    user.is_verified = functools.partial(is_verified, user)  # type: ignore[attr-defined]
    return user


def invalid_token_problem() -> HttpResponse:
    response = problem(
        401,
        _("Invalid API token"),
        _(
            "The API token is unknown, expired or revoked, or its account is "
            "deactivated. Send a valid token as “Authorization: Bearer …”, "
            "or no Authorization header for public details only."
        ),
    )
    response["WWW-Authenticate"] = 'Bearer realm="relais", error="invalid_token"'
    return response
