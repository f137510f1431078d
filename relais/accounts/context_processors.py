from typing import Any

import rules
from django.http import HttpRequest


def standing(request: HttpRequest) -> dict[str, Any]:
    """Whether the viewer coordinates a country (the navigation links to it)."""
    return {
        "viewer_coordinates": rules.has_perm(
            "accounts.coordinate", getattr(request, "user", None)
        )
    }
