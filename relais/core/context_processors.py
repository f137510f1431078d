from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info

from .viewers import is_professional


def site(request: HttpRequest) -> dict[str, Any]:
    """The language switcher (the same page in each language) and the viewer."""
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
        "viewer_is_professional": is_professional(getattr(request, "user", None)),
    }
