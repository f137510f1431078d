"""The directory search page in a real browser: facets, focus, the live count,
the map and the phone layout (issue 17)."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from relais.directory.search import index_update
from relais.directory.tests import test_browser
from relais.directory.tests.test_browser import BLANK_TILE, serious_violations

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


def test_facet_click_after_typing_keeps_the_text_the_focus_and_the_live_region(
    live_server, browser_page, listings
):
    page = browser_page
    page.goto(f"{live_server.url}/en/directory/")
    count = page.locator("#result-count")
    assert count.inner_text() == "3 listings found"
    live_region = count.element_handle()

    # Typed without Enter, and the facet clicked before the search-as-you-type
    # delay has passed.
    page.locator("#id_q").press_sequentially("zephyr", delay=20)
    belgium = page.locator("input[name=country][value=BE]")
    belgium.click()

    page.wait_for_url("**country=BE**")
    page.wait_for_function(
        "document.querySelector('#result-count').textContent.trim()"
        " === '1 listing found'"
    )
    page.wait_for_load_state("networkidle")
    assert result_names(page) == ["Fictitious Zephyr Shelter"]
    assert "q=zephyr" in page.url
    assert page.locator("#id_q").input_value() == "zephyr"
    assert belgium.is_checked()
    assert belgium.evaluate("element => element === document.activeElement")
    # The same live region, its text changed: screen readers announce it.
    assert live_region.evaluate("element => element.isConnected")
    assert live_region.evaluate("element => element.getAttribute('role')") == ("status")
    assert live_region.inner_text() == "1 listing found"


def test_focus_stays_on_the_sort_select_after_a_change(
    live_server, browser_page, listings
):
    page = browser_page
    page.goto(f"{live_server.url}/en/directory/")
    page.locator("#id_q").fill("zephyr")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=zephyr**")
    sort = page.locator("#id_sort")
    sort.focus()
    sort.select_option("name")
    page.wait_for_url("**sort=name**")
    page.wait_for_load_state("networkidle")
    assert result_names(page) == [
        "Fictitious Zephyr Legal Aid",
        "Fictitious Zephyr Shelter",
    ]
    assert sort.evaluate("element => element === document.activeElement")


def filters_toggle_expanded(page):
    """The expanded state Chromium gives assistive technologies."""
    session = page.context.new_cdp_session(page)
    tree = session.send("Accessibility.getFullAXTree")["nodes"]
    for node in tree:
        if node.get("name", {}).get("value") == "Filters" and not node.get("ignored"):
            for prop in node.get("properties", []):
                if prop["name"] == "expanded":
                    return prop["value"]["value"]
    raise AssertionError("No Filters toggle in the accessibility tree")


# A small phone's screen (iPhone SE): the first screen is 667 pixels high.
PHONE = {"width": 375, "height": 667}


def assert_on_first_screen(element):
    assert element.is_visible()
    box = element.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]


def test_phone_shows_the_count_a_filters_toggle_and_the_first_result(
    live_server, browser_page, listings
):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/en/directory/")

    count = page.locator("#result-count")
    toggle = page.get_by_text("Filters", exact=True)
    first_result = page.locator("#results .result h2").first
    for element in (count, toggle, first_result):
        assert_on_first_screen(element)
    assert count.bounding_box()["y"] < first_result.bounding_box()["y"]
    assert toggle.bounding_box()["y"] < first_result.bounding_box()["y"]
    belgium = page.locator("input[name=country][value=BE]")
    assert belgium.is_hidden()
    assert filters_toggle_expanded(page) is False

    toggle.click()
    assert belgium.is_visible()
    assert filters_toggle_expanded(page) is True
    belgium.click()
    page.wait_for_url("**country=BE**")
    page.wait_for_load_state("networkidle")
    # The panel stays open and the focus on the facet after the results change.
    assert belgium.is_visible()
    assert belgium.evaluate("element => element === document.activeElement")
    assert count.inner_text() == "2 listings found"
    assert serious_violations(page) == []


@pytest.mark.parametrize("java_script_enabled", [True, False])
def test_phone_first_screen_shows_the_first_result_of_the_demo_directory(
    live_server, browser, java_script_enabled
):
    """The demo's page: a long header in French and Bulgarian, the map, the
    downloads and, with a search, how the words were read."""
    # As `make demo` does: the gazetteer places the real listings on the map.
    call_command("load_gazetteer")
    call_command("load_reference")
    call_command("generate_demo", n=120)
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=java_script_enabled
    )
    page = context.new_page()
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"),
    )
    for path in [
        "/fr/directory/",
        "/bg/directory/",
        "/fr/directory/?q=refuge+Bulgarie",
        "/bg/directory/?q=avocat+Roumanie",
    ]:
        page.goto(f"{live_server.url}{path}")
        if java_script_enabled:
            page.locator("#results-map .leaflet-tile-loaded").first.wait_for()
        if "?q=" in path:
            assert page.locator(".search-reading").is_visible()
        count = page.locator("#result-count")
        first_result = page.locator("#results .result h2").first
        for element in (count, page.locator("#filters > summary"), first_result):
            assert_on_first_screen(element)
        # The downloads and the map are still there, after the list.
        downloads = page.locator("a[href*='/download/json']:visible")
        assert downloads.count() == 1
        last_result = page.locator("#results .result").last
        below = last_result.bounding_box()["y"]
        assert downloads.bounding_box()["y"] > below
        if java_script_enabled:
            assert page.locator("#results-map").bounding_box()["y"] > below
    context.close()


def test_wide_screen_keeps_the_downloads_and_the_map_above_the_results(
    live_server, browser_page, listings
):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/en/directory/")
    page.locator("#results-map .leaflet-tile-loaded").first.wait_for()
    downloads = page.locator("a[href*='/download/json']:visible")
    assert downloads.count() == 1
    first_result = page.locator("#results .result").first.bounding_box()["y"]
    assert downloads.bounding_box()["y"] < first_result
    assert page.locator("#results-map").bounding_box()["y"] < first_result


def test_phone_filters_toggle_works_without_javascript(live_server, browser, listings):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/directory/")
    belgium = page.locator("input[name=country][value=BE]")
    assert belgium.is_hidden()
    page.get_by_text("Filters", exact=True).click()
    belgium.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**country=BE**")
    assert sorted(result_names(page)) == [
        "Fictitious Harbour Centre",
        "Fictitious Zephyr Shelter",
    ]
    context.close()


def test_results_map_has_tiles_attribution_and_no_nested_interactive_finding(
    live_server, browser_page, listings
):
    page = browser_page
    tile_referers = []

    def note_tile_referer(request):
        if "tile.openstreetmap.org" in request.url:
            tile_referers.append(request.header_value("referer"))

    page.on("request", note_tile_referer)
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
