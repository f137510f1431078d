"""A passkey in a real browser: Chromium's virtual authenticator (through the
DevTools protocol) stands in for the phone or security key."""

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import AuthenticatorApp, User
from relais.accounts.services import two_factor_enable
from relais.audit.models import AuditEntry
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "passkey.browser@example.org"
PASSWORD = "fictitious browser pass phrase"


def watch_for_csp_errors(page):
    errors = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def add_virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def sign_in_with_password(page, base_url):
    page.goto(f"{base_url}/en/sign-in/?next=/en/account/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/code/**")


def test_a_professional_adds_a_passkey_and_signs_in_with_it(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    settings,
):
    # Passkeys are bound to the origin: the live server's, on "localhost".
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = User.objects.create_user(EMAIL, PASSWORD)
    device = AuthenticatorApp.objects.create(user=user, name="app", confirmed=False)
    two_factor_enable(user=user, device=device)
    page = browser_page
    errors = watch_for_csp_errors(page)
    add_virtual_authenticator(page)

    sign_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_role("button", name="Remove this passkey").wait_for()
    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action=AccountsAction.PASSKEY_ADDED).count() == 1
    assert serious_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, live_server.url)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/en/account/")
    assert page.locator("h1").inner_text() == "Your account"

    # Later, removing the passkey needs a fresh confirmation: password, then
    # the passkey instead of a code.
    expire_confirmation(page)
    page.reload()
    assert page.get_by_role("button", name="Remove this passkey").count() == 0
    page.get_by_role(
        "link", name="Confirm it is you to add or remove a passkey"
    ).click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue with a passkey").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Confirm with a passkey").click()
    page.get_by_role("button", name="Remove this passkey").click()
    page.get_by_text("The passkey has been removed.").wait_for()
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert errors == []


def expire_confirmation(page):
    """The session's last confirmation, moved to long ago."""
    from importlib import import_module

    from django.conf import settings

    from relais.core import sessions

    key = next(
        c["value"]
        for c in page.context.cookies()
        if c["name"] == settings.SESSION_COOKIE_NAME
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    session[sessions.REAUTHENTICATED_AT] = 0
    session.save()


def test_without_a_passkey_the_code_page_offers_none(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    settings,
):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = User.objects.create_user(EMAIL, PASSWORD)
    device = AuthenticatorApp.objects.create(user=user, name="app", confirmed=False)
    codes = two_factor_enable(user=user, device=device)
    page = browser_page
    sign_in_with_password(page, live_server.url)
    # No passkey yet: the page offers none and the recovery code signs in.
    assert page.get_by_role("button", name="Sign in with a passkey").count() == 0
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")
