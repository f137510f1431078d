"""Passkeys: adding one (re-authenticated), signing in with one, removing one."""

import json
import re
import time

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import User
from relais.audit.models import AuditEntry
from relais.conftest import verified_client_for
from relais.core import sessions

from .conftest import PASSWORD
from .soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = "/en/passkeys/registration/begin/"
REGISTER_COMPLETE = "/en/passkeys/registration/complete/"
AUTH_BEGIN = "/en/passkeys/authentication/begin/"
AUTH_COMPLETE = "/en/passkeys/authentication/complete/"
ACCOUNT = "/en/account/"


def confirmed(client: Client) -> Client:
    """The session confirmed password and code a moment ago."""
    session = client.session
    session[sessions.REAUTHENTICATED_AT] = int(time.time())
    session.save()
    return client


def unconfirmed(client: Client) -> Client:
    """Signed in long enough ago that sensitive changes ask again."""
    session = client.session
    session[sessions.REAUTHENTICATED_AT] = 0
    session.save()
    return client


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def register(client, authenticator):
    options = post_json(client, REGISTER_BEGIN).json()
    return post_json(client, REGISTER_COMPLETE, authenticator.create(options))


@pytest.fixture
def person(db):
    return User.objects.create_user("passkey.person@example.org", PASSWORD)


@pytest.fixture
def person_with_passkey(person):
    authenticator = SoftAuthenticator()
    response = register(confirmed(verified_client_for(person)), authenticator)
    assert response.status_code == 200, response.content
    return person, authenticator


def signed_in_with_password(email="passkey.person@example.org"):
    client = Client()
    response = client.post("/en/sign-in/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_confirmed_professional_adds_a_passkey(person):
    client = confirmed(verified_client_for(person))
    response = register(client, SoftAuthenticator())
    assert response.status_code == 200
    assert WebAuthnCredential.objects.filter(user=person, confirmed=True).count() == 1
    entries = AuditEntry.objects.filter(action=AccountsAction.PASSKEY_ADDED)
    assert entries.count() == 1
    assert entries.get().actor == str(person.uuid)
    page = client.get(ACCOUNT).content.decode()
    assert "You have no passkey yet" not in page


def test_adding_a_passkey_needs_a_recent_confirmation(person):
    client = unconfirmed(verified_client_for(person))
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    page = client.get(ACCOUNT).content.decode()
    assert "passkey-register-button" not in page
    assert "/account/confirm/" in page
    assert not WebAuthnCredential.objects.exists()


def test_a_password_alone_cannot_add_a_passkey(person):
    client = signed_in_with_password()
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 302
    assert "/sign-in/code/" in response["Location"]
    anonymous = post_json(Client(), REGISTER_BEGIN)
    assert anonymous.status_code == 302
    assert not WebAuthnCredential.objects.exists()


def test_password_then_passkey_signs_in(person_with_passkey):
    _person, authenticator = person_with_passkey
    client = signed_in_with_password()
    page = client.get("/en/sign-in/code/").content.decode()
    assert "passkey-verification-button" in page
    key_before = client.session.session_key
    options = post_json(client, AUTH_BEGIN).json()
    response = post_json(
        client, AUTH_COMPLETE + "?next=/en/account/", authenticator.get(options)
    )
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/en/account/"
    assert client.session.session_key != key_before
    assert client.get(ACCOUNT).status_code == 200


def test_a_passkey_of_someone_else_does_not_sign_in(person_with_passkey, db):
    _person, authenticator = person_with_passkey
    User.objects.create_user("other.person@example.org", PASSWORD)
    client = signed_in_with_password("other.person@example.org")
    options = post_json(client, AUTH_BEGIN).json()
    response = post_json(client, AUTH_COMPLETE, authenticator.get(options))
    assert response.status_code == 403
    assert client.get(ACCOUNT).status_code == 302
    assert (
        AuditEntry.objects.filter(action=AccountsAction.TWO_FACTOR_FAILED).count() == 1
    )


def test_a_replayed_passkey_answer_is_refused(person_with_passkey):
    _person, authenticator = person_with_passkey
    client = signed_in_with_password()
    options = post_json(client, AUTH_BEGIN).json()
    answer = authenticator.get(options)
    assert post_json(client, AUTH_COMPLETE, answer).status_code == 200
    other = signed_in_with_password()
    post_json(other, AUTH_BEGIN)
    assert post_json(other, AUTH_COMPLETE, answer).status_code != 200
    assert other.get(ACCOUNT).status_code == 302


def test_passkeys_never_replace_the_password(person_with_passkey):
    _person, authenticator = person_with_passkey
    anonymous = Client()
    response = post_json(anonymous, AUTH_BEGIN)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    answer = authenticator.get({"challenge": "ZmljdGl0aW91cw"})
    assert post_json(anonymous, AUTH_COMPLETE, answer).status_code == 302
    assert anonymous.get(ACCOUNT).status_code == 302


def test_the_code_page_offers_a_passkey_only_to_those_who_have_one(person):
    page = signed_in_with_password().get("/en/sign-in/code/").content.decode()
    assert "passkey-verification-button" not in page


def test_a_confirmed_professional_removes_a_passkey(person_with_passkey):
    person, _authenticator = person_with_passkey
    passkey = WebAuthnCredential.objects.get(user=person)
    client = confirmed(verified_client_for(person))
    response = client.post(f"/en/account/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.exists()
    assert AuditEntry.objects.filter(action=AccountsAction.PASSKEY_REMOVED).count() == 1


def test_removing_a_passkey_needs_a_recent_confirmation(person_with_passkey):
    person, _authenticator = person_with_passkey
    passkey = WebAuthnCredential.objects.get(user=person)
    response = unconfirmed(verified_client_for(person)).post(
        f"/en/account/passkeys/{passkey.pk}/remove/"
    )
    assert "/account/confirm/" in response["Location"]
    assert WebAuthnCredential.objects.count() == 1


def test_nobody_removes_someone_elses_passkey(person_with_passkey, platform_admin):
    person, _authenticator = person_with_passkey
    passkey = WebAuthnCredential.objects.get(user=person)
    client = confirmed(verified_client_for(platform_admin))
    response = client.post(f"/en/account/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 404
    assert WebAuthnCredential.objects.count() == 1


def test_passkey_scripts_carry_the_pages_csp_nonce(person):
    response = confirmed(verified_client_for(person)).get(ACCOUNT)
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match is not None
    nonce = match[1]
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    executable = [s for s in scripts if "application/json" not in s]
    assert any("otp_webauthn_register.js" in s for s in executable)
    assert all(f'nonce="{nonce}"' in s for s in executable), executable


def test_passkey_script_messages_are_translated():
    from relais.accounts.passkeys import SCRIPT_MESSAGES

    client = verified_client_for(
        User.objects.create_user("catalogue@example.org", PASSWORD)
    )
    body = client.get("/fr/passkeys/jsi18n/").content.decode()
    assert "Register a Passkey" in body  # the key
    match = re.search(r"const newcatalog = (\{.*?\});", body, re.S)
    assert match is not None
    french = json.loads(match[1])
    assert set(french) == set(SCRIPT_MESSAGES)
    assert french["Register a Passkey"] != "Register a Passkey"


# Confirming a sensitive action with password, then a passkey ----------------------

CONFIRM = "/en/account/confirm/"


def confirm_with_passkey(client, authenticator, password=PASSWORD):
    """Password first (the passkey's method), then the passkey ceremony."""
    page = client.post(
        CONFIRM + "?next=/en/account/",
        {"password": password, "method": "passkey", "next": "/en/account/"},
    )
    options = post_json(client, AUTH_BEGIN).json()
    answer = post_json(
        client, AUTH_COMPLETE + "?next=/en/account/", authenticator.get(options)
    )
    return page, answer


def test_password_then_passkey_confirms_a_sensitive_action(person_with_passkey):
    person, authenticator = person_with_passkey
    client = unconfirmed(verified_client_for(person))
    form = client.get(CONFIRM).content.decode()
    assert 'name="method" value="passkey"' in form
    page, answer = confirm_with_passkey(client, authenticator)
    assert page.status_code == 200
    assert "passkey-verification-button" in page.content.decode()
    assert 'name="next" value="/en/account/"' in page.content.decode()
    assert answer.status_code == 200
    assert answer.json()["redirect_url"] == "/en/account/"
    passkey = WebAuthnCredential.objects.get(user=person)
    response = client.post(f"/en/account/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    assert not WebAuthnCredential.objects.exists()


def test_a_passkey_without_the_password_confirms_nothing(person_with_passkey):
    person, authenticator = person_with_passkey
    client = unconfirmed(verified_client_for(person))
    options = post_json(client, AUTH_BEGIN).json()
    assert post_json(client, AUTH_COMPLETE, authenticator.get(options)).status_code == (
        200
    )
    passkey = WebAuthnCredential.objects.get(user=person)
    response = client.post(f"/en/account/passkeys/{passkey.pk}/remove/")
    assert "/account/confirm/" in response["Location"]
    assert WebAuthnCredential.objects.count() == 1


def test_a_wrong_password_before_the_passkey_confirms_nothing(person_with_passkey):
    person, authenticator = person_with_passkey
    client = unconfirmed(verified_client_for(person))
    right, _answer = confirm_with_passkey(client, authenticator)
    client = unconfirmed(client)
    wrong, answer = confirm_with_passkey(client, authenticator, password="wrong-pw-1")
    # The password step answers the same either way: no guessing the password
    # with a session alone.
    assert wrong.status_code == right.status_code == 200
    assert strip_tokens(wrong.content) == strip_tokens(right.content)
    assert answer.status_code == 200
    assert not sessions.recently_authenticated(client_request(client))
    page = client.get(answer.json()["redirect_url"]).content.decode()
    assert "The password was not right, or the passkey came too late." in page


def strip_tokens(content: bytes) -> str:
    """A page without its per-request values (CSRF token, CSP nonce)."""
    text = content.decode()
    text = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r"csrfToken&quot;: &quot;[^&]+&quot;", "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def test_the_password_step_expires_before_the_passkey(person_with_passkey, monkeypatch):
    person, authenticator = person_with_passkey
    client = unconfirmed(verified_client_for(person))
    client.post(CONFIRM, {"password": PASSWORD, "method": "passkey"})
    later = time.time() + sessions.PASSKEY_CONFIRMATION_SECONDS + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    options = post_json(client, AUTH_BEGIN).json()
    post_json(client, AUTH_COMPLETE, authenticator.get(options))
    session = client.session
    assert int(later) - int(session.get(sessions.REAUTHENTICATED_AT, 0)) > (
        sessions.PASSKEY_CONFIRMATION_SECONDS
    )


def test_without_a_passkey_the_code_is_still_needed(person):
    client = unconfirmed(verified_client_for(person))
    page = client.get(CONFIRM).content.decode()
    assert 'value="passkey"' not in page
    response = client.post(CONFIRM, {"password": PASSWORD, "method": "passkey"})
    assert response.status_code == 200
    assert "passkey-verification-button" not in response.content.decode()
    assert sessions.REAUTHENTICATED_AT not in client.session or (
        client.session[sessions.REAUTHENTICATED_AT] == 0
    )


def client_request(client):
    """A request carrying the client's session, for the session helpers."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    return request
