"""Organisation personas: two organisations in two countries, each with its people."""

import pytest

from relais.accounts.models import CountryCoordinator, Membership, Role, User
from relais.conftest import verified_client_for
from relais.directory.tests.factories import OrganizationFactory

PASSWORD = "fictitious-pass-phrase-for-tests"


@pytest.fixture
def org_a(db):
    return OrganizationFactory(
        name="Fictitious Org A", slug="fictitious-org-a", country="BE"
    )


@pytest.fixture
def org_b(db):
    return OrganizationFactory(
        name="Fictitious Org B", slug="fictitious-org-b", country="RO"
    )


def _person(email, organization=None, role=Role.MEMBER):
    user = User.objects.create_user(email, PASSWORD)
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def everyone(org_a, org_b):
    """Every role, in both organisations and countries."""
    coordinator_be = _person("coordinator.be@example.org")
    CountryCoordinator.objects.create(user=coordinator_be, country="BE")
    coordinator_ro = _person("coordinator.ro@example.org")
    CountryCoordinator.objects.create(user=coordinator_ro, country="RO")
    return {
        "admin_a": _person("admin.a@example.org", org_a, Role.ORGANISATION_ADMIN),
        "member_a": _person("member.a@example.org", org_a, Role.MEMBER),
        "observer_a": _person("observer.a@example.org", org_a, Role.OBSERVER),
        "admin_b": _person("admin.b@example.org", org_b, Role.ORGANISATION_ADMIN),
        "member_b": _person("member.b@example.org", org_b, Role.MEMBER),
        "observer_b": _person("observer.b@example.org", org_b, Role.OBSERVER),
        "coordinator_be": coordinator_be,
        "coordinator_ro": coordinator_ro,
        "platform_admin": User.objects.create_superuser("root@example.org", PASSWORD),
        "no_organisation": _person("nobody@example.org"),
    }


@pytest.fixture
def people(org_a, org_b):
    """Every role, in both organisations and countries."""
    return everyone(org_a, org_b)


@pytest.fixture
def clients(people):
    return {name: verified_client_for(user) for name, user in people.items()}
