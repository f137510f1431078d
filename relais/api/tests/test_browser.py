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


def test_a_professional_makes_and_revokes_a_token(
    live_server,
    browser,  # noqa: F811
    member_be,
):
    from django.conf import settings

    from relais.api.models import ApiToken
    from relais.conftest import verified_client_for
    from relais.directory.tests.test_browser import serious_violations

    session = verified_client_for(member_be).cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context()
    context.add_cookies(
        [{"name": session.key, "value": session.value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/en/account/")
    page.get_by_role("link", name="API tokens").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Make a new token").click()
    page.get_by_label("Name").fill("Helpline CRM")
    page.get_by_label("Expires").select_option("30")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("code.api-token").inner_text()
    assert secret.startswith("relais_")
    assert serious_violations(page) == []
    page.get_by_role("link", name="I have kept the token, continue").click()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke “Helpline CRM”").click()
    assert "is revoked" in page.locator(".messages").inner_text()
    assert ApiToken.objects.get().revoked_at is not None
    context.close()
