"""The knowledge search in a real browser: a filter change keeps the focus
on the control used and announces the new count in the same live region."""

import pytest
from django.core.management import call_command

from relais.directory.tests.test_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kind_change_keeps_focus_and_announces_the_count_in_place(
    live_server, browser_page
):
    call_command("load_knowledge")
    page = browser_page
    page.goto(f"{live_server.url}/en/knowledge/search/?q=reflection")
    count = page.locator("#result-count")
    everything = count.inner_text()
    assert everything.endswith("results")
    live_region = count.element_handle()

    kind = page.locator("#id_kind")
    kind.focus()
    kind.select_option("legislation")
    page.wait_for_url("**kind=legislation**")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "text => document.querySelector('#result-count').textContent.trim() !== text",
        arg=everything,
    )

    legislation = int(live_region.inner_text().split()[0])
    assert 0 < legislation < int(everything.split()[0])
    assert page.locator("#results .kind").all_inner_texts() == (
        ["Legislation"] * min(legislation, 20)
    )
    # The same element, its text changed: screen readers announce it.
    assert live_region.evaluate("element => element.isConnected")
    assert live_region.get_attribute("role") == "status"
    assert kind.evaluate("element => element === document.activeElement")
    assert page.locator("#id_q").input_value() == "reflection"
    assert serious_violations(page) == []
