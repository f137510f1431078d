"""Stale at 12 months, hidden from the default search at 18, with a frozen clock."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from relais.directory.models import Assurance, Organization
from relais.directory.search import SearchQuery, index_update, search
from relais.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def listing(name, assured):
    org = OrganizationFactory(name=name, assured_date=assured)
    index_update([org.pk])
    return org


def found(**query):
    return {hit.organization.name for hit in search(SearchQuery(**query)).hits}


def test_stale_badge_from_twelve_whole_months(anonymous, today):
    stale = listing("Fictitious Twelve Months", date(2026, 6, 15))
    fresh = listing("Fictitious Day Short", date(2026, 6, 16))
    assert "Not verified for 12 months" in (
        anonymous.get(stale.get_absolute_url()).content.decode()
    )
    page = anonymous.get(fresh.get_absolute_url()).content.decode()
    assert "Verified on 16 June 2026" in page
    assert "left out of the search" not in page


def test_hidden_from_the_default_search_from_eighteen_months(anonymous, today):
    listing("Fictitious Eighteen Months", date(2025, 12, 15))
    listing("Fictitious Seventeen Months", date(2025, 12, 16))
    assert found() == {"Fictitious Seventeen Months"}
    assert found(q="months") == {"Fictitious Seventeen Months"}
    assert found(include_outdated=True) == {
        "Fictitious Eighteen Months",
        "Fictitious Seventeen Months",
    }
    assert found(q="months", include_outdated=True) == {
        "Fictitious Eighteen Months",
        "Fictitious Seventeen Months",
    }
    default = anonymous.get(reverse("directory:list")).content.decode()
    assert "Fictitious Eighteen Months" not in default
    assert "Fictitious Seventeen Months" in default
    with_filter = anonymous.get(reverse("directory:list"), {"outdated": "on"})
    assert "Fictitious Eighteen Months" in with_filter.content.decode()
    api = anonymous.get(reverse("api:search"), {"outdated": "on"}).json()
    assert api["total"] == 2


def test_a_hidden_listing_is_still_reachable_with_a_warning(anonymous, today):
    hidden = listing("Fictitious Hidden", date(2024, 1, 1))
    response = anonymous.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "left out of the search" in response.content.decode()


def test_never_verified_listings_are_not_hidden(today):
    listing("Fictitious Never Verified", None)
    assert found() == {"Fictitious Never Verified"}


@override_settings(RELAIS_VERIFICATION_HIDE_AFTER_MONTHS=24)
def test_the_hiding_threshold_is_a_setting(today):
    listing("Fictitious Twenty Months", date(2025, 10, 15))
    assert found() == {"Fictitious Twenty Months"}


def test_the_dashboard_lists_stale_and_hidden_listings_of_the_coordinators_country(
    clients, today
):
    stale = listing("Fictitious Stale BE", date(2026, 3, 1))
    hidden = listing("Fictitious Hidden BE", date(2025, 1, 1))
    listing("Fictitious Fresh BE", date(2027, 1, 1))
    other = OrganizationFactory(
        name="Fictitious Stale RO", country="RO", assured_date=date(2026, 3, 1)
    )
    page = clients["coordinator_be"].get(reverse("verification:coordination"))
    body = page.content.decode()
    assert stale.name in body and hidden.name in body
    assert "Fictitious Fresh BE" not in body and other.name not in body
    everything = clients["platform_admin"].get(reverse("verification:coordination"))
    assert other.name in everything.content.decode()
    Organization.objects.filter(pk=stale.pk).update(assured_date=today)
    assert stale.name not in (
        clients["coordinator_be"]
        .get(reverse("verification:coordination"))
        .content.decode()
    )


def test_the_hsds_api_search_still_lists_outdated_listings(anonymous, today):
    listing("Fictitious Outdated Harbour", date(2024, 1, 1))
    response = anonymous.get(reverse("hsds:organizations"), {"search": "harbour"})
    assert response.status_code == 200
    assert "Fictitious Outdated Harbour" in response.content.decode()


def test_listings_from_public_sources_age_by_their_date_but_stay_unconfirmed(
    clients, anonymous, today
):
    compiled = OrganizationFactory(
        name="Fictitious Compiled BE",
        assured_date=date(2026, 3, 1),
        assurance=Assurance.PUBLIC_SOURCES,
    )
    old = OrganizationFactory(
        name="Fictitious Compiled Long Ago BE",
        assured_date=date(2025, 1, 1),
        assurance=Assurance.PUBLIC_SOURCES,
    )
    index_update([compiled.pk, old.pk])
    dashboard = clients["coordinator_be"].get(reverse("verification:coordination"))
    body = dashboard.content.decode()
    assert compiled.name in body and old.name in body
    assert "from public sources, not yet confirmed (1 March 2026)" in body
    assert "last verified on" not in body
    page = anonymous.get(compiled.get_absolute_url()).content.decode()
    assert "From public sources, not yet confirmed (1 March 2026)" in page
    assert "Not verified for" not in page
    assert found() == {"Fictitious Compiled BE"}
