"""The shared personas (relais/accounts/tests/conftest.py) and an event of org A."""

import pytest

from relais.accounts.tests.conftest import (  # noqa: F401 - shared fixtures
    clients,
    org_a,
    org_b,
    people,
)

from .factories import EventFactory


@pytest.fixture
def event(org_a):  # noqa: F811
    """A public training of organisation A in Brussels, in a month, 2 places."""
    created = EventFactory(slug="fictitious-training", capacity=2)
    created.organisers.add(org_a)
    return created
