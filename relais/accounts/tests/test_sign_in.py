"""Sign-in with password and second factor, lockout, sessions and re-authentication."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from relais.accounts.audit_actions import AccountsAction
from relais.accounts.models import AuthenticatorApp, User
from relais.accounts.services import two_factor_enable
from relais.audit.models import AuditEntry
from relais.core import sessions

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/sign-in/"
CODE = "/en/sign-in/code/"
ACCOUNT = "/en/account/"


@pytest.fixture
def user_with_app(db):
    user = User.objects.create_user("person@example.org", PASSWORD)
    device = AuthenticatorApp.objects.create(user=user, name="app", confirmed=False)
    codes = two_factor_enable(user=user, device=device)
    return user, device, codes


def current_code(device):
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:06d}"


def sign_in(client, email="person@example.org", password=PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password})


def full_sign_in(client, device):
    sign_in(client)
    return client.post(CODE, {"code": current_code(device)})


def test_password_then_code_signs_in(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"].startswith(CODE)
    assert client.get(ACCOUNT).status_code == 302
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 200


def test_a_code_cannot_be_used_twice(user_with_app):
    _user, device, _codes = user_with_app
    first, second = Client(), Client()
    code = current_code(device)
    sign_in(first)
    assert first.post(CODE, {"code": code}).status_code == 302
    sign_in(second)
    response = second.post(CODE, {"code": code})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert second.get(ACCOUNT).status_code == 302


def test_a_recovery_code_works_once(user_with_app):
    _user, _device, codes = user_with_app
    client = Client()
    sign_in(client)
    assert client.post(CODE, {"code": codes[0]}).status_code == 302
    other = Client()
    sign_in(other)
    assert other.post(CODE, {"code": codes[0]}).status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(user_with_app):
    wrong_password = sign_in(Client(), password="not-the-password-at-all")
    unknown = sign_in(Client(), email="nobody.here@example.org")
    assert wrong_password.status_code == unknown.status_code == 200
    assert wrong_password.context["form"].errors == unknown.context["form"].errors


def test_five_failures_lock_the_account_out_even_with_the_right_password(user_with_app):
    client = Client()
    for _ in range(4):
        assert sign_in(client, password="wrong-password-attempt").status_code == 200
    locked = sign_in(client, password="wrong-password-attempt")
    assert locked.status_code == 429
    assert "blocked" in locked.content.decode()
    assert AuditEntry.objects.filter(action=AccountsAction.LOCKOUT).count() == 1
    assert AuditEntry.objects.filter(action=AccountsAction.LOGIN_FAILED).count() == 5
    # Each attempt refused during the cool-off is recorded as a lockout too.
    assert sign_in(Client(), password=PASSWORD).status_code == 429
    assert AuditEntry.objects.filter(action=AccountsAction.LOCKOUT).count() == 2
    assert not AuditEntry.objects.filter(action=AccountsAction.LOGIN).exists()


def test_an_unknown_address_is_locked_out_the_same_way(db):
    client = Client()
    responses = [
        sign_in(client, email="ghost@example.org", password="wrong-password-x")
        for _ in range(5)
    ]
    assert responses[-1].status_code == 429


def test_sign_in_gives_a_new_session_key(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted_key
    sign_in(client)
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(CODE, {"code": current_code(device)})
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert len({planted_key, after_password, after_code}) == 3


def test_sign_out_invalidates_the_old_cookie(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get(ACCOUNT).status_code == 302


def _age_session(client, **stamps):
    session = client.session
    for key, seconds_ago in stamps.items():
        session[key] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_ends_after_thirty_minutes(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    _age_session(client, **{sessions.SEEN_AT: 29 * 60})
    assert client.get(ACCOUNT).status_code == 200
    _age_session(client, **{sessions.SEEN_AT: 31 * 60})
    assert client.get(ACCOUNT).status_code == 302
    assert client.get(ACCOUNT).status_code == 302


def test_a_session_ends_after_twelve_hours_even_when_active(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    _age_session(client, **{sessions.AUTHENTICATED_AT: 12 * 3600 + 1})
    assert client.get(ACCOUNT).status_code == 302


def test_deactivation_ends_the_session(user_with_app):
    user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    user.is_active = False
    user.save()
    assert client.get(ACCOUNT).status_code == 302


def test_password_change_ends_the_other_sessions(user_with_app):
    _user, device, _codes = user_with_app
    here, elsewhere = Client(), Client()
    full_sign_in(here, device)
    device.refresh_from_db()
    device.last_t -= 1  # the second sign-in in the same 30 s window
    device.save()
    full_sign_in(elsewhere, device)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another fictitious pass phrase",
            "new_password2": "another fictitious pass phrase",
        },
    )
    assert response.status_code == 302
    assert here.get(ACCOUNT).status_code == 200
    assert elsewhere.get(ACCOUNT).status_code == 302


def test_two_factor_changes_need_a_recent_confirmation(user_with_app):
    _user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    assert client.post(reverse("accounts:recovery_codes")).status_code == 200
    _age_session(
        client,
        **{sessions.REAUTHENTICATED_AT: settings.RELAIS_REAUTHENTICATION_SECONDS + 5},
    )
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    assert reverse("accounts:reauthenticate") in response["Location"]
    response = client.get(reverse("accounts:two_factor_setup"))
    assert reverse("accounts:reauthenticate") in response["Location"]


def test_wrong_passwords_at_the_confirmation_lock_the_account_as_at_sign_in(
    user_with_app,
):
    _user, device, _codes = user_with_app
    client = Client()
    full_sign_in(client, device)
    confirm = reverse("accounts:reauthenticate")
    for _ in range(4):
        response = client.post(
            confirm, {"password": "wrong-password-guess", "code": "000000"}
        )
        assert response.status_code == 200
    locked = client.post(confirm, {"password": "wrong-password-guess", "code": "1"})
    assert locked.status_code == 429
    assert "blocked" in locked.content.decode()
    assert AuditEntry.objects.filter(action=AccountsAction.LOGIN_FAILED).count() == 5
    assert AuditEntry.objects.filter(action=AccountsAction.LOCKOUT).count() == 1
    # The session that guessed is over, and the right password waits too.
    assert client.get(ACCOUNT).status_code == 302
    assert sign_in(Client()).status_code == 429


def test_new_accounts_must_set_up_an_authenticator_before_anything_else(db):
    User.objects.create_user("new.person@example.org", PASSWORD)
    client = Client()
    response = client.post(
        LOGIN, {"email": "new.person@example.org", "password": PASSWORD}
    )
    response = client.get(response["Location"])
    assert reverse("accounts:two_factor_setup") in response["Location"]
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = AuthenticatorApp.objects.get(user__email="new.person@example.org")
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": current_code(device)}
    )
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get(ACCOUNT).status_code == 200


def test_password_reset_does_not_sign_in(user_with_app, mailoutbox):
    client = Client()
    response = client.post(
        reverse("accounts:password_reset"), {"email": "person@example.org"}
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "a brand new pass phrase",
            "new_password2": "a brand new pass phrase",
        },
    )
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 302
    assert AuditEntry.objects.filter(action=AccountsAction.PASSWORD_RESET).count() == 1


def test_password_reset_answers_alike_for_unknown_addresses(user_with_app, mailoutbox):
    known = Client().post(
        reverse("accounts:password_reset"), {"email": "person@example.org"}
    )
    unknown = Client().post(
        reverse("accounts:password_reset"), {"email": "x@example.org"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1


def test_passwords_shorter_than_twelve_characters_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Zq8vR2mP9xW")
    validate_password("Zq8vR2mP9xWk")


def test_long_pass_phrases_are_accepted_and_common_ones_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    validate_password("correct horse battery staple " * 2 + "and more words here")
    with pytest.raises(ValidationError):
        validate_password("password1234")


def test_passwords_are_hashed_with_argon2(configured_password_hashers, user_with_app):
    user, _device, _codes = user_with_app
    assert user.password.startswith("argon2")
