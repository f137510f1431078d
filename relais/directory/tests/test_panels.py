"""Other apps add panels to the listing page through relais.directory.panels."""

import pytest

from relais.directory import panels

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' own panels restored after it."""
    registered: list = []
    monkeypatch.setattr(panels, "_listing_panels", registered)
    return registered


def test_a_registered_panel_is_shown_with_its_own_context(anonymous, registry):
    listing = OrganizationFactory(name="Fictitious Verified Shelter")
    unverified = OrganizationFactory(assured_date=None)
    seen = []

    def panel(request, organization):
        seen.append(organization)
        return "directory/_verification.html", {"org": unverified}

    panels.listing_panel_register(panel)
    panels.listing_panel_register(panel)
    body = anonymous.get(listing.get_absolute_url()).content.decode()
    assert seen == [listing]
    assert "Not verified" in body
    assert "Fictitious Verified Shelter" in body


def test_a_panel_may_show_nothing(anonymous, registry):
    listing = OrganizationFactory()
    panels.listing_panel_register(lambda request, organization: None)
    assert anonymous.get(listing.get_absolute_url()).status_code == 200
    assert panels.listing_panels(None, listing) == []  # type: ignore[arg-type]
