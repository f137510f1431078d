"""Two fictitious listings seeded with professional-only sentinels.

Every output of the directory (pages, PDF, HSDS API, exports) is checked
against them: an anonymous reader must never see a sentinel.
"""

from decimal import Decimal
from typing import Any

from relais.directory.models import (
    ChangeRecord,
    Organization,
    ServiceAtLocation,
    Visibility,
)
from relais.directory.search import index_update
from relais.directory.tests.factories import (
    AddressFactory,
    ContactFactory,
    LanguageFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    tag,
)

SECRET_STREET = "Sentinel Shelter Street 99"
SECRET_EMAIL = "sentinel.secret@example.org"
SECRET_ORG_EMAIL = "sentinel.org.private@example.org"
SECRET_PHONE = "+3222222222"
SECRET_CONTACT = "Sentinel Private Contact"
# Professional-only values that make_directory() seeds.
SENTINELS = (
    SECRET_STREET,
    SECRET_EMAIL,
    SECRET_ORG_EMAIL,
    SECRET_PHONE,
    SECRET_CONTACT,
)


def make_directory() -> tuple[Any, Any]:
    """Two fictitious listings, one with professional-only details (sentinels)."""
    antwerp = OrganizationFactory(
        name="Fictitious Ștefan Welcome Centre",
        country="BE",
        email=SECRET_ORG_EMAIL,
        email_visibility=Visibility.PROFESSIONALS,
        description_en="Shelter and advice.",
        description_fr="Hébergement et conseil.",
        year_incorporated=1999,
    )
    tag(antwerp, "organization_type", "ngo")
    office = LocationFactory(
        organization=antwerp,
        latitude=Decimal("51.219400"),
        longitude=Decimal("4.402500"),
    )
    AddressFactory(location=office, city="Antwerpen", postal_code="2000")
    shelter = LocationFactory(
        organization=antwerp,
        name="Shelter",
        visibility=Visibility.PROFESSIONALS,
        latitude=Decimal("51.200000"),
        longitude=Decimal("4.400000"),
    )
    AddressFactory(location=shelter, address_1=SECRET_STREET, postal_code="2018")
    service = ServiceFactory(organization=antwerp, name_en="Safe housing")
    tag(service, "service", "shelter")
    LanguageFactory(service=service, code="ro")
    ServiceAtLocation.objects.create(service=service, location=office)
    ServiceAtLocation.objects.create(service=service, location=shelter)
    PhoneFactory(organization=antwerp, number="+3232011690")
    PhoneFactory(
        organization=antwerp,
        number=SECRET_PHONE,
        visibility=Visibility.PROFESSIONALS,
    )
    PhoneFactory(organization=antwerp, location=shelter, number="+3233333333")
    ContactFactory(
        organization=antwerp,
        name=SECRET_CONTACT,
        email=SECRET_EMAIL,
        visibility=Visibility.PROFESSIONALS,
    )
    ContactFactory(organization=antwerp, name="Reception desk", service=service)
    ChangeRecord.objects.create(
        resource_id=antwerp.pk,
        resource_type="organization",
        last_action_type=ChangeRecord.Action.UPDATE,
        field_name="name",
        previous_value="Old name",
        replacement_value=antwerp.name,
        updated_by="editor@example.org",
    )

    bucharest = OrganizationFactory(name="Fictitious Bucharest Helpline", country="RO")
    bucharest_office = LocationFactory(
        organization=bucharest,
        latitude=Decimal("44.426800"),
        longitude=Decimal("26.102500"),
    )
    AddressFactory(
        location=bucharest_office, city="București", postal_code="010011", country="RO"
    )
    helpline = ServiceFactory(organization=bucharest, name_en="Helpline")
    tag(helpline, "service", "legal_advice")
    ServiceAtLocation.objects.create(service=helpline, location=bucharest_office)

    index_update(Organization.objects.values_list("pk", flat=True))
    return antwerp, bucharest
