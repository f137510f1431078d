"""The API documentation page in a real browser, under the production CSP."""

import pytest

from relais.directory.tests.test_browser import browser, browser_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_renders_without_csp_violations(
    live_server,
    browser_page,  # noqa: F811
):
    page = browser_page
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith(live_server.url)
            and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/search" in " ".join(paths)
    assert external == []
    assert problems == []
