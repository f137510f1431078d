"""The directory journey in a real browser (Debian's chromium), with axe-core."""

import base64
import os
import shutil

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a module's tests; each test gets its own context."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the tests around it are still synchronous and safe.
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


# A transparent 1x1 PNG, served in place of the map tiles: no test reaches the
# tile server (RELAIS_MAP_TILE_URL's default), and the tiles still pass the
# page's Content-Security-Policy to be shown.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def browser_page(browser):
    """A page in a fresh context (no cookies or storage from another test)."""
    page = browser.new_page()
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"),
    )
    yield page
    page.context.close()


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_visitor_filters_by_country_and_opens_a_listing(live_server, browser_page):
    call_command("load_reference")
    page = browser_page
    page.goto(f"{live_server.url}/en/directory/")
    assert page.locator("h1").inner_text() == "Directory"
    assert serious_violations(page) == []

    page.locator("input[name=country][value=BE]").check()
    page.wait_for_url("**country=BE**")
    page.locator("#results").get_by_role("link", name="Payoke").wait_for()
    result_names = page.locator("#results h2").all_inner_texts()
    assert "Payoke" in result_names
    assert "Talita" not in result_names
    assert serious_violations(page) == []

    page.locator("#results").get_by_role("link", name="Payoke").click()
    page.wait_for_url("**/directory/be-payoke/")
    assert page.locator("h1").inner_text() == "Payoke"
    # Compiled from public web pages, not confirmed by a person (issue 17).
    badge = page.locator(".badge").first.inner_text()
    assert badge.startswith("From public sources, not yet confirmed")
    assert serious_violations(page) == []


def test_filters_work_without_javascript(live_server, browser):
    call_command("load_reference")
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/fr/directory/")
    page.locator("input[name=country][value=SE]").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**country=SE**")
    assert "Talita" in page.locator("#results").inner_text()
    assert "Payoke" not in page.locator("#results").inner_text()


def test_search_as_you_type_finds_a_listing_in_another_script(
    live_server, browser_page
):
    call_command("load_reference")
    page = browser_page
    page.goto(f"{live_server.url}/bg/directory/")
    page.locator("#id_q").press_sequentially("Анимус", delay=30)
    page.wait_for_url("**q=**")
    results = page.locator("#results")
    # A Bulgarian reader sees the name in Bulgarian (docs/places.md).
    results.get_by_role("link", name="Анимус", exact=False).wait_for()
    assert page.locator("#results h2").count() == 1
    assert serious_violations(page) == []


def test_directory_fits_a_360_pixel_phone(live_server, browser_page):
    call_command("load_reference")
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/bg/directory/be-payoke/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert serious_violations(page) == []
