import pytest

from relais.conftest import _shared_data
from relais.directory.tests.test_browser import (  # noqa: F401 - shared fixtures
    browser,
    browser_page,
)


@pytest.fixture
def knowledge(reference):
    """The shipped knowledge base, on top of the real reference organisations
    (loaded once for consecutive tests that ask for it: relais/conftest.py)."""
    return _shared_data.get("knowledge")
