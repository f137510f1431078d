"""Factories for directory records. Everything they make is fictitious."""

import factory
from django.utils import timezone

from relais.directory.models import (
    Address,
    Attribute,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
    Visibility,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Fictitious Test Organisation {n}")
    slug = factory.Sequence(lambda n: f"fictitious-test-{n}")
    country = "BE"
    description_en = "A fictitious organisation used in tests."
    website = "https://example.org/"
    assured_date = factory.LazyFunction(timezone.localdate)
    assurer = "Test Coordinator"
    is_fictitious = True


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name_en = factory.Sequence(lambda n: f"Test service {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = "Head office"
    visibility = Visibility.PUBLIC


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = "Fictitious street 1"
    city = "Antwerpen"
    postal_code = "2000"
    country = "BE"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Test Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    visibility = Visibility.PUBLIC


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    organization = factory.SubFactory(OrganizationFactory)
    number = "+3232011690"
    visibility = Visibility.PUBLIC


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language

    service = factory.SubFactory(ServiceFactory)
    code = "ro"


def professional_viewer(user: object) -> object:
    """`user` as read in a session that passed the second factor, for outputs
    built outside a request (an edition, an export)."""
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


def tag(record: object, taxonomy: str, code: str) -> Attribute:
    """Tag an organisation or service with a shipped vocabulary term."""
    term = TaxonomyTerm.objects.get(taxonomy__slug=taxonomy, code=code)
    entity = "service" if isinstance(record, Service) else "organization"
    return Attribute.objects.create(
        taxonomy_term=term,
        link_entity=entity,
        link_id=record.pk,  # type: ignore[attr-defined]
    )


def admin_change_post(client, organization, **changes):
    """Post the admin change form of a listing as it stands, with `changes` applied."""
    from django.urls import reverse

    url = reverse("admin:directory_organization_change", args=[organization.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data["additional_sources"] = "[]"
    for prefix in ("services", "locations", "contacts", "phones"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(changes)
    return client.post(url, data)
