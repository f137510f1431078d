"""Asking for access and approving it, in a real browser, with axe-core."""

import pytest
from django_otp.oath import TOTP

from relais.accounts.models import (
    AccessRequest,
    AuthenticatorApp,
    CountryCoordinator,
    Invitation,
    User,
)
from relais.accounts.services import two_factor_enable
from relais.directory.tests.factories import OrganizationFactory
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "fictitious browser pass phrase"


def test_a_professional_asks_for_access_and_the_coordinator_approves(
    live_server,
    browser_page,  # noqa: F811 - the fixture imported above
    mailoutbox,
):
    organization = OrganizationFactory(
        name="Fictitious Shelter (demo)", slug="fictitious-shelter", country="BE"
    )
    coordinator = User.objects.create_user("coordinator.browser@example.org", PASSWORD)
    CountryCoordinator.objects.create(user=coordinator, country="BE")
    device = AuthenticatorApp.objects.create(
        user=coordinator, name="app", confirmed=False
    )
    two_factor_enable(user=coordinator, device=device)
    page = browser_page

    page.goto(f"{live_server.url}/en/sign-in/")
    page.get_by_role("link", name="No invitation? Ask for access").click()
    assert serious_violations(page) == []
    page.get_by_label("Country where your organisation is").select_option("BE")
    page.get_by_role("button", name="Continue").click()
    organisations = page.get_by_label("Your organisation", exact=True)
    organisations.select_option(label=organization.name)
    page.get_by_label("Your name", exact=True).fill("Fictitious Requester")
    page.get_by_label("E-mail address").fill("requester.browser@example.org")
    page.get_by_label("Profession").select_option("social_worker")
    page.get_by_label("Why you need access").fill("Fictitious: shelter placements.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Send the request").click()
    assert page.locator("h1").inner_text() == "Request sent"
    assert serious_violations(page) == []
    assert AccessRequest.objects.count() == 1

    page.goto(f"{live_server.url}/en/sign-in/?next=/en/account/")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="1 request waiting for your decision").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fictitious Requester").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Approve and send an invitation").click()
    assert "Approved" in page.locator(".messages").inner_text()
    assert Invitation.objects.filter(email="requester.browser@example.org").exists()
