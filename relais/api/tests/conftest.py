"""A listing with professional-only sentinels, and personal tokens."""

import pytest

from relais.api.services import api_token_create
from relais.directory.models import Visibility
from relais.directory.search import index_update
from relais.directory.tests.factories import (
    AddressFactory,
    ContactFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)

SECRET_EMAIL = "sentinel-professional-only@example.org"
SECRET_PHONE = "+3225551234"
SECRET_CONTACT_PHONE = "+3225559999"
SECRET_STREET = "Sentinel Hidden Street 7"
SECRET_NAME = "Sentinel Hidden Person"
SECRETS = [
    SECRET_EMAIL,
    SECRET_PHONE,
    SECRET_CONTACT_PHONE,
    SECRET_STREET,
    SECRET_NAME,
]


@pytest.fixture
def listing(vocabularies):
    org = OrganizationFactory(
        name="Fictitious API Shelter",
        slug="fictitious-api-shelter",
        country="BE",
        email=SECRET_EMAIL,
        email_visibility=Visibility.PROFESSIONALS,
    )
    tag(org, "organization_type", "ngo")
    shelter = ServiceFactory(organization=org, name_en="Shelter for adults")
    tag(shelter, "service", "shelter")
    PhoneFactory(organization=org, number="+3232011690", visibility=Visibility.PUBLIC)
    PhoneFactory(
        organization=org, number=SECRET_PHONE, visibility=Visibility.PROFESSIONALS
    )
    public = LocationFactory(organization=org, visibility=Visibility.PUBLIC)
    AddressFactory(location=public, address_1="Public Street 1")
    hidden = LocationFactory(organization=org, visibility=Visibility.PROFESSIONALS)
    AddressFactory(location=hidden, address_1=SECRET_STREET)
    desk = ContactFactory(organization=org, name="Public Desk", email="")
    PhoneFactory(
        organization=org,
        contact=desk,
        number=SECRET_CONTACT_PHONE,
        visibility=Visibility.PROFESSIONALS,
    )
    ContactFactory(
        organization=org, name=SECRET_NAME, visibility=Visibility.PROFESSIONALS
    )
    other = OrganizationFactory(name="Fictitious Sofia Lawyer", country="BG")
    tag(other, "organization_type", "lawyer")
    index_update([org.pk, other.pk])
    return org


@pytest.fixture
def token_of():
    """Make a token for a user; returns (token, secret)."""

    def make(user, expires_in_days=30, name="Case management system"):
        return api_token_create(user=user, name=name, expires_in_days=expires_in_days)

    return make


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
