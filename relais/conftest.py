"""Personas shared by every app's tests (STYLE.md).

A professional is an account signed in with its second factor: the persona
clients below are verified sessions (an authenticator app is set up and the
session passed it). `password_only_client` is signed in with a password alone.
Organisation personas (member of A in Belgium, colleague, outsider at B in
Romania, coordinator for Belgium) are in relais/accounts/tests/conftest.py.
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


def verified_client_for(user: User) -> Client:
    """A client signed in as `user` whose session passed the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from relais.accounts.models import AuthenticatorApp

    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = AuthenticatorApp.objects.create(
            user=user, name="Test app", confirmed=True
        )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_client_for = verified_client_for


@pytest.fixture
def password_only_client(member_be) -> Client:
    """Signed in with the right password, second factor not yet passed."""
    client = Client()
    client.force_login(member_be)
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


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: each test starts with a fresh budget."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
