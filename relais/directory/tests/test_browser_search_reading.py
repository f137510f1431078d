"""Reading the words and suggesting changes, in a real browser with axe-core."""

import pytest
from django.core.management import call_command

from .test_browser import browser, browser_page, serious_violations  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_sees_how_the_words_were_read_and_can_search_them_as_typed(
    live_server,
    browser_page,  # noqa: F811
):
    call_command("load_reference")
    page = browser_page
    page.goto(f"{live_server.url}/en/directory/?q=refuge+Bulgarie")
    reading = page.locator(".search-reading")
    assert "Country: Bulgaria" in reading.inner_text()
    assert "Shelter" in reading.inner_text()
    assert serious_violations(page) == []

    reading.get_by_role("link", name="Search every word as typed instead").click()
    page.wait_for_url("**literal=on**")
    assert "Every word was searched as typed." in page.locator("#results").inner_text()
    # A facet chosen afterwards keeps the words as typed.
    page.locator("input[name=country][value=BG]").check()
    page.wait_for_url("**country=BG**")
    assert "literal=on" in page.url


def test_visitor_who_finds_nothing_follows_a_suggestion(
    live_server,
    browser_page,  # noqa: F811
):
    call_command("load_reference")
    page = browser_page
    page.goto(f"{live_server.url}/en/directory/?q=compensation+in+Spain")
    suggestions = page.locator(".search-suggestions")
    assert "Nothing found" in suggestions.inner_text()
    assert serious_violations(page) == []

    suggestions.get_by_role("link", name="Search without “compensation”").click()
    page.wait_for_url("**q=in+Spain**")
    assert page.locator("#results .result h2").count() > 0
