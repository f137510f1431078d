"""A professional suggests a correction, the coordinator answers it, the
suggester reads the answer: in a real browser with axe-core."""

import pytest

from relais.accounts.models import CountryCoordinator, Membership, Role, User
from relais.directory.tests.factories import OrganizationFactory
from relais.directory.tests.test_browser import (  # noqa: F401 - fixtures
    browser,
    browser_page,
    serious_violations,
)
from relais.verification.models import CorrectionSuggestion

from .test_browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggestion_goes_to_the_coordinator_and_its_answer_comes_back(
    live_server,
    browser,  # noqa: F811
):
    org = OrganizationFactory(name="Fictitious Suggested Org", country="BE")
    admin = User.objects.create_user(
        "admin@example.org",
        "fictitious-pass-9",
        first_name="Fictitious",
        last_name="Admin",
    )
    Membership.objects.create(
        user=admin, organization=org, role=Role.ORGANISATION_ADMIN
    )
    coordinator = User.objects.create_user("coord@example.org", "fictitious-pass-9")
    CountryCoordinator.objects.create(user=coordinator, country="BE")
    other_org = OrganizationFactory(name="Fictitious Other Org", country="RO")
    professional = User.objects.create_user("pro@example.org", "fictitious-pass-9")
    Membership.objects.create(user=professional, organization=other_org)

    page = signed_in(browser, live_server, professional)
    page.goto(f"{live_server.url}/en/directory/{org.slug}/")
    page.get_by_role("link", name="Suggest a correction").click()
    assert serious_violations(page) == []
    typed = "Fictitious: the office moved to Rue Imaginaire 1, Brussels."
    page.get_by_label("What is correct?").fill(typed)
    page.get_by_role("button", name="Send the suggestion").click()
    # No part chosen: the error says so and the text is still there.
    assert "Choose the part of the listing that is wrong." in page.content()
    assert page.get_by_label("What is correct?").input_value() == typed
    assert serious_violations(page) == []
    page.get_by_label("What is wrong?").select_option("address")
    page.get_by_role("button", name="Send the suggestion").click()
    assert "Your suggestion was sent" in page.content()
    assert "Your suggestions for this listing:" in page.content()
    assert serious_violations(page) == []

    page = signed_in(browser, live_server, coordinator)
    page.goto(f"{live_server.url}/en/coordination/")
    page.get_by_role("link", name="Suggested corrections waiting for an answer").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fictitious Suggested Org").click()
    assert typed in page.content()
    assert serious_violations(page) == []
    page.get_by_label("Note to the person who suggested it (optional)").fill(
        "Fictitious: corrected, thank you."
    )
    page.get_by_role("button", name="Mark done: the listing is corrected").click()
    assert "Your answer has been recorded" in page.content()
    assert CorrectionSuggestion.objects.get().status == "done"

    page = signed_in(browser, live_server, professional)
    page.goto(f"{live_server.url}/en/corrections/mine/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fictitious Suggested Org").click()
    assert "Fictitious: corrected, thank you." in page.content()

    member = User.objects.create_user("member@example.org", "fictitious-pass-9")
    Membership.objects.create(user=member, organization=org, role=Role.MEMBER)
    page = signed_in(browser, live_server, member)
    page.goto(f"{live_server.url}/en/directory/{org.slug}/")
    page.get_by_text("Who can change this listing").click()
    assert page.get_by_text("Fictitious Admin").is_visible()
    assert page.get_by_text("coord@example.org").is_visible()
    assert serious_violations(page) == []
