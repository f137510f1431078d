import pytest

from relais.knowledge.services import knowledge_load


@pytest.fixture
def knowledge(reference):
    """The shipped knowledge base, on top of the real reference organisations."""
    return knowledge_load()
