"""Personas shared by every app's tests (STYLE.md).

A professional is an account signed in with its second factor: the persona
clients below are verified sessions (an authenticator app is set up and the
session passed it). `password_only_client` is signed in with a password alone.
Organisation personas (member of A in Belgium, colleague, outsider at B in
Romania, coordinator for Belgium) are in relais/accounts/tests/conftest.py.
"""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from relais.accounts.models import User

# The hashers relais/settings.py configures (Argon2 first). Tests hash with MD5,
# which takes microseconds where Argon2 takes a tenth of a second on purpose;
# the tests about hashing ask for `configured_password_hashers`, and
# relais/core/tests/test_settings.py checks both profiles put Argon2 first.
CONFIGURED_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture
def configured_password_hashers(settings):
    """The hashers of relais/settings.py, for a test about hashing itself."""
    settings.PASSWORD_HASHERS = CONFIGURED_PASSWORD_HASHERS
    return CONFIGURED_PASSWORD_HASHERS


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


# Shared reference data --------------------------------------------------------
#
# The vocabularies, the gazetteer, the reference organisations and the knowledge
# base take seconds to load, and most tests that ask for them ask for the same.
# A test sees them exactly when it asks for them (by these fixture names, which
# are reserved), as before; what changes is that consecutive tests asking for
# the same data share one load. Each kind of data is written in a transaction
# (a savepoint over the kinds below it) opened before a test's own
# (pytest-django's TestCase transaction, which rolls back whatever the test
# writes), and stays while the next tests ask for it; it is rolled back as soon
# as a test does not ask for it (the reference organisations go, the
# vocabularies and the gazetteer under them stay if asked for), before a
# transactional test (those commit and flush the database, so they load what
# they need themselves), and at the end of the session. This is
# Django's setUpTestData, keyed by what a test asks for: tests stay independent
# of each other and of their order. The search indexes' versions are random
# tokens rolled back with the data, so the in-memory facet index of a process
# always matches the rows it was built from.


def _load_vocabularies():
    from relais.directory.services import vocabularies_sync

    return vocabularies_sync()


def _load_gazetteer():
    from relais.directory.search.gazetteer import places_load

    return places_load(countries=SEARCH_COUNTRIES)


def _load_reference():
    from relais.directory.services import reference_load

    return reference_load()


def _load_knowledge():
    from relais.knowledge.services import knowledge_load

    return knowledge_load()


# Fixture name: (the data it is loaded on, the loader), in loading order.
SHARED_DATA = {
    "vocabularies": ((), _load_vocabularies),
    "gazetteer": ((), _load_gazetteer),
    "reference": (("vocabularies", "gazetteer"), _load_reference),
    # relais/knowledge/tests/conftest.py: the knowledge base on the reference
    # organisations; relais/knowledge/tests/test_search.py: the knowledge base alone.
    "knowledge": (("reference",), _load_knowledge),
    "shipped": ((), _load_knowledge),
}


class SharedData:
    def __init__(self) -> None:
        # The loaded data, bottom first: (name, its transaction, the loader's result).
        self.layers: list[tuple[str, Any, object]] = []
        self.connection: Any = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _atomic, _result in self.layers)

    @staticmethod
    def wanted(request) -> tuple[str, ...]:
        """The shared data a test asks for, with what it is loaded on."""
        from pytest_django.django_compat import is_django_unittest
        from pytest_django.fixtures import validate_django_db

        marker = request.node.get_closest_marker("django_db")
        transaction, reset_sequences, *_ = (
            validate_django_db(marker) if marker else (False, False)
        )
        names = set(request.fixturenames)
        if (
            transaction
            or reset_sequences
            or is_django_unittest(request)
            or names & {"transactional_db", "live_server", "django_db_reset_sequences"}
        ):
            return ()
        wanted: set[str] = set()

        def add(name: str) -> None:
            wanted.add(name)
            for base in SHARED_DATA[name][0]:
                add(base)

        for name in SHARED_DATA.keys() & names:
            add(name)
        return tuple(name for name in SHARED_DATA if name in wanted)

    def prepare(self, request) -> None:
        """Before a test's own transaction: keep what it asks for of the loaded
        data, roll back the rest, load what is missing."""
        wanted = self.wanted(request)
        if wanted == self.names:
            return
        kept = 0
        while kept < min(len(wanted), len(self.layers)) and (
            wanted[kept] == self.layers[kept][0]
        ):
            kept += 1
        with request.getfixturevalue("django_db_blocker").unblock():
            self.drop(keep=kept)
            for name in wanted[kept:]:
                self.load(name)

    def load(self, name: str) -> None:
        from django.core.cache import cache
        from django.db import connections, transaction
        from django.utils import translation

        atomic = transaction.atomic()
        # As for TestCase's own transactions: a durable atomic block in the code
        # under test may open inside this one.
        atomic._from_testcase = True  # type: ignore[attr-defined]
        atomic.__enter__()
        # The connection it is open on: a later test may look the default
        # connection up from another context (Playwright's sync API runs in a
        # greenlet, where Django's connection handler hands out a new one).
        self.connection = connections["default"]
        try:
            with translation.override("en"):
                result = SHARED_DATA[name][1]()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            self.drop()
            raise
        self.layers.append((name, atomic, result))
        cache.clear()

    def drop(self, keep: int = 0) -> None:
        """Roll back the loaded data above the first `keep` layers."""
        from django.db import connections, transaction

        if not self.layers:
            return
        current = connections["default"]
        if self.connection is not None and current is not self.connection:
            connections["default"] = self.connection
        try:
            while len(self.layers) > keep:
                _name, atomic, _result = self.layers.pop()
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
        finally:
            connections["default"] = current

    def get(self, name: str) -> object:
        """The loader's result: shared, or loaded now (transactional tests)."""
        for loaded, _atomic, result in self.layers:
            if loaded == name:
                return result
        return SHARED_DATA[name][1]()


_shared_data = SharedData()


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    # pytest-django's helper opens the test's transaction (or, for a
    # transactional test, prepares to flush): the shared data goes first.
    if fixturedef.argname == "_django_db_helper":
        _shared_data.prepare(request)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _shared_data.drop()


@pytest.fixture
def vocabularies(db):
    """The controlled vocabularies."""
    return _shared_data.get("vocabularies")


@pytest.fixture
def gazetteer(db):
    """The gazetteer's cities of the countries the tests use."""
    return _shared_data.get("gazetteer")


@pytest.fixture
def reference(vocabularies, gazetteer):
    """The real reference organisations, indexed for search."""
    return _shared_data.get("reference")


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
