"""The navigator journey in a real browser (Debian's chromium), with axe-core."""

import pytest
from django.core.management import call_command

from relais.directory.tests.test_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_professional_walks_the_navigator_to_a_printable_sheet(
    live_server, browser_page
):
    call_command("load_reference")
    call_command("load_knowledge")
    page = browser_page
    page.goto(f"{live_server.url}/en/knowledge/navigator/")
    assert page.locator("h1").inner_text() == "Rights navigator"
    assert serious_violations(page) == []

    page.get_by_label("Country where the person was identified").select_option("BE")
    page.get_by_label("Nationality").select_option("RO")
    page.get_by_label("Adult", exact=True).check()
    page.get_by_label("Form of exploitation").select_option("sexual")
    page.get_by_label("Return to their country of origin").check()
    page.locator("input[name=cooperating][value=no]").check()
    page.locator("input[name=proceedings][value=no]").check()
    page.get_by_label("Language of the printable sheet").select_option("ro")
    page.get_by_role("button", name="Show the rights").click()

    page.wait_for_url("**identified_in=BE**")
    sheet = page.locator("#sheet")
    sheet.wait_for()
    assert sheet.get_attribute("lang") == "ro"
    assert "Payoke" in sheet.inner_text()
    assert serious_violations(page) == []

    page.emulate_media(media="print")
    assert page.locator("form").first.is_hidden()
    assert sheet.is_visible()


def test_missing_answers_are_announced(live_server, browser_page):
    call_command("load_knowledge")
    page = browser_page
    page.goto(f"{live_server.url}/fr/knowledge/navigator/?identified_in=BE")
    assert page.locator("[role=alert]").first.is_visible()
    assert serious_violations(page) == []


def test_profile_comparison_and_handbook_pass_axe(live_server, browser_page):
    call_command("load_knowledge")
    page = browser_page
    for path in [
        "/en/knowledge/countries/be/",
        "/ro/knowledge/compare/?country=RO&country=BE",
        "/bg/knowledge/legislation/",
        "/en/knowledge/handbook/victims-rights/the-common-eu-minimum/",
        "/sv/knowledge/practices/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert serious_violations(page) == [], path
