"""The directory search page in a real browser: facets, focus, the live count,
the map and the phone layout (issue 17)."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from relais.directory.search import index_update
from relais.directory.tests import test_browser
from relais.directory.tests.test_browser import serious_violations

from .factories import LocationFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The directory's browser fixtures: one Chromium, a fresh page per test, and no
# request to the map tile server.
browser = test_browser.browser
browser_page = test_browser.browser_page


@pytest.fixture
def listings():
    """Three fictitious listings: two share a rare word, two are in Belgium."""
    made = []
    for name, country, latitude, longitude in [
        ("Fictitious Zephyr Shelter", "BE", "51.2194", "4.4025"),
        ("Fictitious Zephyr Legal Aid", "RO", "44.4268", "26.1025"),
        ("Fictitious Harbour Centre", "BE", "50.8503", "4.3517"),
    ]:
        organization = OrganizationFactory(name=name, country=country)
        LocationFactory(
            organization=organization,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        made.append(organization)
    index_update([o.pk for o in made])
    return made


def result_names(page):
    return page.locator("#results h2").all_inner_texts()


def test_results_map_has_tiles_attribution_and_no_nested_interactive_finding(
    live_server, browser_page, listings
):
    page = browser_page
    tile_referers = []
    page.on(
        "request",
        lambda request: (
            "tile.openstreetmap.org" in request.url
            and tile_referers.append(request.header_value("referer"))
        ),
    )
    page.goto(f"{live_server.url}/en/directory/?sort=name")
    page.locator("#results-map .leaflet-tile-loaded").first.wait_for()
    # OpenStreetMap's tile policy asks for a Referer: the origin, not the search.
    assert tile_referers and set(tile_referers) == {f"{live_server.url}/"}
    assert page.locator("#results-map path.leaflet-interactive").count() == 3
    attribution = page.locator("#results-map .leaflet-control-attribution")
    assert "© OpenStreetMap contributors" in attribution.inner_text()
    link = attribution.get_by_role("link", name="OpenStreetMap")
    assert link.get_attribute("href") == "https://www.openstreetmap.org/copyright"

    violations = Axe().run(page).response["violations"]
    assert "nested-interactive" not in [v["id"] for v in violations]
    assert serious_violations(page) == []
