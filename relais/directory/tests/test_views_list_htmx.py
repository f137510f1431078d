"""The directory search's htmx answers: a fragment that updates the live count
in place, and a whole page when htmx restores its history (issue 17)."""

import pytest
from django.urls import reverse

from relais.directory.search import index_update

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db

COUNT_UPDATE = '<span hx-swap-oob="innerHTML:#result-count">2 listings found'


@pytest.fixture
def listings():
    made = [OrganizationFactory(country="BE"), OrganizationFactory(country="RO")]
    index_update([o.pk for o in made])
    return made


def test_a_search_update_is_a_fragment_that_changes_the_count_in_place(
    anonymous, listings
):
    response = anonymous.get(reverse("directory:list"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert not page.startswith("<!doctype html>")
    assert page.lstrip().startswith('<div id="search"')
    assert COUNT_UPDATE in page
    assert 'id="result-count"' in page and 'role="status"' in page
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page_without_the_count_update(
    anonymous, listings
):
    response = anonymous.get(
        reverse("directory:list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    page = response.content.decode()
    assert page.startswith("<!doctype html>")
    assert "<h1>Directory</h1>" in page
    assert "hx-swap-oob" not in page


def test_the_page_without_htmx_has_the_count_once(anonymous, listings):
    response = anonymous.get(reverse("directory:list"))
    page = response.content.decode()
    assert page.count("2 listings found") == 1
    assert "hx-swap-oob" not in page
    assert "HX-Request" in response["Vary"]
