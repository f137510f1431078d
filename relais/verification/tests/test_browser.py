"""An owner proposes, the coordinator approves, in a real browser with axe-core."""

import pytest

from relais.accounts.models import CountryCoordinator, Membership, Role, User
from relais.conftest import verified_client_for
from relais.directory.models import Organization
from relais.directory.services import vocabularies_sync
from relais.directory.tests.factories import OrganizationFactory
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):  # noqa: F811
    """A page whose session passed the second factor, as after a real sign-in."""
    session = verified_client_for(user).cookies["sessionid"].value
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": session, "url": live_server.url}]
    )
    return context.new_page()


def test_an_owner_proposes_and_the_coordinator_approves(
    live_server,
    browser,  # noqa: F811
):
    vocabularies_sync()
    org = OrganizationFactory(name="Fictitious Browser Org", country="BE")
    owner = User.objects.create_user("owner@example.org", "fictitious-pass-phrase-9")
    Membership.objects.create(
        user=owner, organization=org, role=Role.ORGANISATION_ADMIN
    )
    coordinator = User.objects.create_user("coord@example.org", "fictitious-pass-9")
    CountryCoordinator.objects.create(user=coordinator, country="BE")

    page = signed_in(browser, live_server, owner)
    page.goto(f"{live_server.url}/en/directory/{org.slug}/")
    page.get_by_role("link", name="Edit this listing").click()
    assert serious_violations(page) == []
    page.get_by_label("Name").fill("Fictitious Browser Org Renamed")
    page.get_by_label("Shelter", exact=True).check()
    page.get_by_role("button", name="Send for review").click()
    assert "sent to the country coordinator" in page.content()
    assert serious_violations(page) == []

    page = signed_in(browser, live_server, coordinator)
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Coordination").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fictitious Browser Org").click()
    assert page.locator("table.diff ins").first.inner_text() == (
        "Fictitious Browser Org Renamed"
    )
    assert serious_violations(page) == []
    page.get_by_role("button", name="Approve").click()
    assert "Your decision has been recorded" in page.content()
    org.refresh_from_db()
    assert Organization.objects.get(pk=org.pk).name == "Fictitious Browser Org Renamed"
