"""The Relais API under /api/v1/ (django-ninja): public reads, personal tokens.

`RelaisAPI` is what every JSON API of Relais shares (this one and the HSDS API,
relais.opendata.hsds_api): each operation runs in the requested language,
counts against the `api` rate limit, and answers errors as RFC 9457 problems
(relais.core.problems), validation errors included. `Authorization: Bearer
<token>` with a personal token (relais.api.models) adds the details for
professionals only.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security.base import AuthBase
from pydantic_core import PydanticCustomError

from relais.core.problems import PROBLEM_CONTENT_TYPE, problem, request_language
from relais.core.ratelimit import rate_limit_retry_after, too_many_requests_problem
from relais.core.viewers import is_professional

from .auth import InvalidToken, api_reader, invalid_token_problem

logger = logging.getLogger(__name__)


class ApiProblem(Exception):
    """An error answered as a problem; raised by operations."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = (
            status,
            title,
            detail,
            errors,
        )


@dataclass(frozen=True)
class Reader:
    """Who is reading: a token's owner, a session's user, or an anonymous visitor."""

    user: Any

    @property
    def professional(self) -> bool:
        return is_professional(self.user)


class PersonalToken(AuthBase):
    """Optional bearer authentication with a personal API token.

    Without an Authorization header the reader is the session's user (usually
    an anonymous visitor); a header with anything but a usable token is
    refused with 401 rather than silently ignored.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = (
        "A personal API token, made under Your account → API tokens. "
        "Optional: without it, answers hold public details only."
    )

    def __call__(self, request: HttpRequest) -> Reader:
        return Reader(api_reader(request))


def reader_of(request: HttpRequest) -> Reader:
    return request.auth  # type: ignore[attr-defined, no-any-return]


class RelaisSwagger(Swagger):
    """Swagger UI from the files django-ninja ships, under our CSP (nonces)."""

    template = "api/docs.html"


def _in_context(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Language, rate limit and cache headers around every operation.

    Wraps the whole operation (authentication and validation included), so a
    failed token costs from the same budget and errors speak the language.
    """

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(request_language(request)):
            retry_after = rate_limit_retry_after(request, "api")
            if retry_after is not None:
                response = too_many_requests_problem(retry_after)
            else:
                response = run(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        reader = getattr(request, "auth", None)
        if isinstance(reader, Reader) and reader.professional:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class RelaisAPI(NinjaAPI):
    """A read-only JSON API of Relais, with the language, rate limit, cache
    headers, personal-token authentication and problem answers they all share."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", PersonalToken())
        kwargs.setdefault("docs", RelaisSwagger())
        kwargs.setdefault("renderer", Utf8JSONRenderer())
        super().__init__(**kwargs)
        self.add_decorator(_in_context, mode="view")
        for exception, handler in PROBLEM_HANDLERS.items():
            self.add_exception_handler(exception, handler)

    def public_urls(self) -> list[URLPattern | URLResolver]:
        """The URL patterns, open to every visitor (the API decides what each
        reader sees) and, being read-only, not exempt from CSRF checks."""
        patterns, _app_name, _namespace = self.urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback.login_required = False  # type: ignore[attr-defined]
                pattern.callback.csrf_exempt = False  # type: ignore[attr-defined]
        return patterns

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document django-ninja builds, with what it cannot say itself:
        the problem media type, optional authentication, Retry-After."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "security" in operation:
                    operation["security"] = [*operation["security"], {}]
                for status, response in operation["responses"].items():
                    if int(status) >= 400 and "content" in response:
                        response["content"] = {
                            PROBLEM_CONTENT_TYPE: response["content"].popitem()[1]
                        }
                    if int(status) == 429:
                        response["headers"] = {
                            "Retry-After": {
                                "description": "Seconds to wait.",
                                "required": True,
                                "schema": {"type": "integer", "minimum": 1},
                            }
                        }
                    if int(status) == 401:
                        response["headers"] = {
                            "WWW-Authenticate": {
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        }
        return schema


# The error type of `parameter_error`: its message is already the one to show.
PARAMETER_ERROR = "relais_parameter"


def parameter_error(message: str) -> PydanticCustomError:
    """A validation error of a parameter, with its own (translated) message."""
    return PydanticCustomError(PARAMETER_ERROR, "{message}", {"message": message})


# Messages for pydantic's error types, in the reader's language.
def _validation_message(error: dict[str, Any]) -> str:
    error_type = str(error.get("type", ""))
    if error_type == PARAMETER_ERROR:
        return str(error["msg"])
    if error_type == "greater_than_equal" and error.get("ctx", {}).get("ge") == 1:
        return _("This parameter must be 1 or more.")
    messages = {
        "int_parsing": _("This parameter must be a whole number."),
        "int_from_float": _("This parameter must be a whole number."),
        "float_parsing": _("This parameter must be a number."),
        "finite_number": _("This parameter must be a number."),
        "bool_parsing": _("This parameter must be true or false."),
        "uuid_parsing": _("This parameter must be a UUID."),
        "uuid_type": _("This parameter must be a UUID."),
        "greater_than_equal": _("This number is out of range."),
        "less_than_equal": _("This number is out of range."),
        "greater_than": _("This number is out of range."),
        "less_than": _("This number is out of range."),
        "string_too_long": _("This value is too long."),
        "too_long": _("This parameter is repeated too often."),
        "literal_error": _("This value is not one of the choices."),
        "enum": _("This value is not one of the choices."),
        "missing": _("This parameter is required."),
    }
    return messages.get(error_type, _("This value is not valid."))


def _validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())[1:]]
        name = location[0] if location else "request"
        message = _validation_message(error)
        if message not in errors.setdefault(name, []):
            errors[name].append(message)
    return problem(
        400,
        _("Invalid parameter") if len(errors) == 1 else _("Invalid parameters"),
        _("Some parameters have values that cannot be used."),
        errors=errors,
    )


def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    extra = {"errors": exc.errors} if exc.errors is not None else {}
    return problem(exc.status, exc.title, exc.detail, **extra)


def _invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    return invalid_token_problem()


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, _("Not found"), str(exc) or _("No record has this address."))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, _("Error"), str(exc))


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path, exc_info=exc)
    return problem(
        500,
        _("Server error"),
        _("Something went wrong on our side. Please try again later."),
    )


PROBLEM_HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    ValidationError: _validation_problem,
    ApiProblem: _api_problem,
    InvalidToken: _invalid_token,
    Http404: _not_found,
    HttpError: _http_error,
    Exception: _server_error,
}


api = RelaisAPI(
    title="Relais API",
    version="1",
    description=(
        "The Relais directory as JSON: search with facets and counts, listings, "
        "vocabularies, countries and places. Public reads need no key; a personal "
        "API token adds the details for professionals only. Errors are RFC 9457 "
        "problem details. See docs/api.md."
    ),
    urls_namespace="api",
)


def api_urls() -> list[URLPattern | URLResolver]:
    """The Relais API's URL patterns (see RelaisAPI.public_urls)."""
    from . import endpoints  # noqa: F401  (registers the operations)

    return api.public_urls()
