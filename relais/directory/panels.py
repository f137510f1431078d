"""Panels that other apps add to a listing page, unknown to the directory.

An app registers, from its `AppConfig.ready()`, a function of the request and
the listing that returns the template to include and its context, or None to
show nothing. The listing page includes the panels in the order they were
registered, in its header, so that the directory never imports the apps that
build on it.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .models import Organization

ListingPanel = tuple[str, dict[str, Any]]
ListingPanelFunction = Callable[[HttpRequest, Organization], ListingPanel | None]

_listing_panels: list[ListingPanelFunction] = []


def listing_panel_register(function: ListingPanelFunction) -> ListingPanelFunction:
    """Add a panel to every listing page; registering twice adds it once."""
    if function not in _listing_panels:
        _listing_panels.append(function)
    return function


def listing_panels(
    request: HttpRequest, organization: Organization
) -> list[ListingPanel]:
    """The panels to show on this listing page, for this viewer."""
    panels = (function(request, organization) for function in _listing_panels)
    return [panel for panel in panels if panel is not None]
