"""The first sign-in in a real browser: password, authenticator, recovery codes."""

import pytest
from django_otp.oath import TOTP

from relais.accounts.models import User
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "fictitious browser pass phrase"


def code_for(secret: str) -> str:
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_a_new_professional_sets_up_two_factor_and_signs_in(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
):
    User.objects.create_user("browser.person@example.org", PASSWORD)
    page = browser_page
    csp_errors = []
    page.on(
        "console",
        lambda m: (
            csp_errors.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Sign in").click()
    assert serious_violations(page) == []
    page.get_by_label("E-mail address").fill("browser.person@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/account/two-factor/**")
    page.wait_for_function(
        "document.querySelector(\"img[alt^='QR code']\").naturalWidth > 0",
        timeout=5000,
    )
    assert serious_violations(page) == []
    secret = page.locator("code").inner_text()
    page.get_by_label("Code shown by your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()

    assert page.locator("h1").inner_text() == "Your recovery codes"
    assert page.locator(".recovery-codes li").count() == 10
    assert serious_violations(page) == []
    page.get_by_role("link", name="I have kept my codes, continue").click()
    page.get_by_role("link", name="Your account").click()
    assert page.locator("h1").inner_text() == "Your account"
    assert serious_violations(page) == []
    assert csp_errors == []
