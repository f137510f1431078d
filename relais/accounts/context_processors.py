from typing import Any

from django.http import HttpRequest

from .permissions import can_coordinate


def standing(request: HttpRequest) -> dict[str, Any]:
    """Whether the viewer coordinates a country (the navigation links to it)."""
    return {"viewer_coordinates": can_coordinate(getattr(request, "user", None))}
