import pytest

from relais.directory.tests.test_browser import (  # noqa: F401 - shared fixtures
    browser,
    browser_page,
)
from relais.knowledge.services import knowledge_load


@pytest.fixture
def knowledge(reference):
    """The shipped knowledge base, on top of the real reference organisations."""
    return knowledge_load()
