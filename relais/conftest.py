"""Personas shared by every app's tests (STYLE.md).

Organisation memberships and roles arrive with the accounts issue; until then
a professional is any signed-in account, and the outsider is a professional of
another organisation who must see only what every professional sees.
"""

import pytest
from django.test import Client

from relais.accounts.models import User
from relais.directory.services import vocabularies_sync


@pytest.fixture
def vocabularies(db):
    vocabularies_sync()


@pytest.fixture
def anonymous() -> Client:
    return Client()


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_be(db) -> User:
    return User.objects.create_user("member.be@example.org", "fictitious-pass-phrase-1")


@pytest.fixture
def member_be_client(member_be) -> Client:
    return _client_for(member_be)


@pytest.fixture
def outsider_ro(db) -> User:
    return User.objects.create_user(
        "outsider.ro@example.org", "fictitious-pass-phrase-2"
    )


@pytest.fixture
def outsider_ro_client(outsider_ro) -> Client:
    return _client_for(outsider_ro)


@pytest.fixture
def platform_admin(db) -> User:
    return User.objects.create_superuser(
        "admin@example.org", "fictitious-pass-phrase-3"
    )


@pytest.fixture
def platform_admin_client(platform_admin) -> Client:
    return _client_for(platform_admin)


@pytest.fixture
def knowledge_editor(db) -> User:
    """A professional in the "Knowledge editors" group."""
    from relais.knowledge.services import editors_group_sync

    user = User.objects.create_user("editor@example.org", "fictitious-pass-phrase-4")
    user.groups.add(editors_group_sync())
    return user


@pytest.fixture
def knowledge_editor_client(knowledge_editor) -> Client:
    return _client_for(knowledge_editor)


LANGUAGE_CODES = ["en", "fr", "nl", "ro", "bg", "es", "sv"]


SEARCH_COUNTRIES = ["BE", "RO", "BG", "ES", "SE", "PL", "NL", "FR"]


@pytest.fixture
def gazetteer(db):
    """The gazetteer's cities of the countries the tests use."""
    from relais.directory.search.gazetteer import places_load

    places_load(countries=SEARCH_COUNTRIES)


@pytest.fixture
def reference(vocabularies, gazetteer):
    """The real reference organisations, indexed for search."""
    from relais.directory.services import reference_load

    reference_load()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request's language must not leak into the next."""
    from django.utils import translation

    with translation.override("en"):
        yield
