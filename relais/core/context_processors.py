from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info

from relais.accounts.permissions import can_coordinate, can_view_professional_details


def site(request: HttpRequest) -> dict[str, Any]:
    """The language switcher (same page in each language) and the viewer's standing."""
    path = request.get_full_path()
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": translate_url(path, code),
            }
        )
    return {
        "relais_languages": languages,
        "viewer_is_professional": can_view_professional_details(
            getattr(request, "user", None)
        ),
        "viewer_coordinates": can_coordinate(getattr(request, "user", None)),
    }
