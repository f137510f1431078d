"""The visibility rule, in SQL (`visible_to`) and in memory (`is_visible_to`)."""

import itertools

import pytest

from relais.accounts.models import User
from relais.directory.models import (
    Contact,
    Location,
    Phone,
    ServiceAtLocation,
    Visibility,
)
from relais.directory.visibility import is_visible_to

from .factories import (
    ContactFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    professional_viewer,
)

pytestmark = pytest.mark.django_db

PUBLIC, PROFESSIONALS = Visibility.PUBLIC, Visibility.PROFESSIONALS


def public(record) -> bool:
    return record is None or record.visibility == PUBLIC


@pytest.fixture
def every_combination():
    """A phone and a contact for each marking of themselves and what they belong to."""
    org = OrganizationFactory()
    locations = [None] + [
        LocationFactory(organization=org, visibility=v) for v in (PUBLIC, PROFESSIONALS)
    ]
    contacts = [None] + [
        ContactFactory(organization=org, visibility=v, location=loc)
        for v, loc in itertools.product((PUBLIC, PROFESSIONALS), locations)
    ]
    for v, loc, contact in itertools.product(
        (PUBLIC, PROFESSIONALS), locations, contacts
    ):
        PhoneFactory(organization=org, visibility=v, location=loc, contact=contact)
    service = ServiceFactory(organization=org)
    for loc in locations[1:]:
        ServiceAtLocation.objects.create(service=service, location=loc)


@pytest.mark.parametrize(
    ("model", "shown_to_anyone"),
    [
        (Location, lambda loc: public(loc)),
        (Contact, lambda c: public(c) and public(c.location)),
        (
            Phone,
            lambda p: (
                public(p)
                and public(p.location)
                and (
                    p.contact is None
                    or (public(p.contact) and public(p.contact.location))
                )
            ),
        ),
        (ServiceAtLocation, lambda sal: public(sal.location)),
    ],
)
def test_the_rule_is_the_same_in_sql_and_in_memory(
    every_combination, model, shown_to_anyone
):
    everything = list(model.objects.all())
    expected = {r.pk for r in everything if shown_to_anyone(r)}
    assert 0 < len(expected) < len(everything)
    assert {r.pk for r in model.objects.visible_to(None)} == expected
    assert {r.pk for r in everything if is_visible_to(r, None)} == expected

    professional = professional_viewer(User())
    assert model.objects.visible_to(professional).count() == len(everything)
    assert all(is_visible_to(r, professional) for r in everything)


def test_a_password_alone_sees_what_the_public_sees(every_combination, member_be):
    assert list(Phone.objects.visible_to(member_be)) == list(
        Phone.objects.visible_to(None)
    )


@pytest.mark.parametrize(
    ("visibility", "anyone", "professional"),
    [
        (PUBLIC, "desk@example.org", "desk@example.org"),
        (PROFESSIONALS, "", "desk@example.org"),
    ],
)
def test_the_organisation_email_follows_its_own_marking(
    db, visibility, anyone, professional
):
    org = OrganizationFactory.build(
        email="desk@example.org", email_visibility=visibility
    )
    assert org.email_for(None) == anyone
    assert org.email_for(professional_viewer(User())) == professional
