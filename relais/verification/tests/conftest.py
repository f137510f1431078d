"""Organisation personas (relais/accounts/tests/conftest.py) and a frozen clock."""

from datetime import date

import pytest

from relais.accounts.tests.conftest import clients, org_a, org_b, people  # noqa: F401


@pytest.fixture
def today(monkeypatch):
    """Freeze the date every verification rule reads: 15 June 2027."""
    from django.utils import timezone

    day = date(2027, 6, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day
