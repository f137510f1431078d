"""RFC 9457 problem details: the one error shape of every JSON API."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JsonResponse:
    """An RFC 9457 problem-details response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def request_language(request: HttpRequest) -> str:
    """The `lang` parameter when it names a language of the platform, else
    the request's Accept-Language (or cookie), else the default."""
    requested = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return requested
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE
