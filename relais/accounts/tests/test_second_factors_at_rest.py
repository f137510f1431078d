"""Second factors at rest: seeds encrypted, recovery codes hashed, both still verify."""

import base64

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts import services
from relais.accounts.models import AuthenticatorApp, RecoveryCodes, User
from relais.core import crypto

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def all_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def set_up_second_factor(email="person@example.org"):
    user = User.objects.create_user(email, PASSWORD)
    device = services.totp_device_pending(user=user)
    seed = device.bin_key
    codes = services.two_factor_enable(user=user, device=device)
    return user, seed, codes


def test_no_seed_or_recovery_code_is_stored_in_plain():
    _user, seed, codes = set_up_second_factor()
    stored = all_rows("otp_totp_totpdevice") + all_rows("otp_static_statictoken")
    assert seed.hex() not in stored.lower()
    assert base64.b32encode(seed).decode().rstrip("=") not in stored
    for code in codes:
        assert code not in stored


def current_code(device):
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:06d}"


def test_the_app_verifies_its_codes_with_throttling_and_no_replay():
    user, _seed, _codes = set_up_second_factor()
    device = AuthenticatorApp.objects.get(user=user)
    code = current_code(device)
    assert device.verify_token(code)
    assert not device.verify_token(code)  # the same code twice
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_recovery_codes_verify_once_each():
    user, _seed, codes = set_up_second_factor()
    device = RecoveryCodes.objects.get(user=user)
    assert not device.verify_token("notacode")
    device.throttle_reset()
    assert device.verify_token(codes[0])
    assert not device.verify_token(codes[0])
    assert device.token_set.count() == len(codes) - 1


def test_recovery_codes_still_verify_while_the_secret_key_is_rotated(settings):
    user, _seed, codes = set_up_second_factor()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-test-" + "z" * 30
    assert RecoveryCodes.objects.get(user=user).verify_token(codes[0])


def test_a_seed_copied_to_another_row_does_not_decrypt():
    user, _seed, _codes = set_up_second_factor()
    other, _other_seed, _other_codes = set_up_second_factor("other@example.org")
    mine = AuthenticatorApp.objects.get(user=user)
    theirs = AuthenticatorApp.objects.get(user=other)
    TOTPDevice.objects.filter(pk=theirs.pk).update(key=mine.key)
    theirs.refresh_from_db()
    with pytest.raises(crypto.DecryptionError, match="copied from another row"):
        theirs.verify_token("123456")


def test_a_plain_seed_is_never_saved():
    user = User.objects.create_user("person@example.org", PASSWORD)
    with pytest.raises(ValueError, match="encrypted"):
        AuthenticatorApp(user=user, name="app", key="00" * 20).save()


def test_a_seed_under_an_unknown_key_says_which_key_is_missing():
    user, _seed, _codes = set_up_second_factor()
    device = AuthenticatorApp.objects.get(user=user)
    with (
        override_settings(
            RELAIS_ENCRYPTION_KEYS=["other:" + base64.b64encode(b"o" * 32).decode()]
        ),
        pytest.raises(crypto.DecryptionError, match="'devonly'"),
    ):
        device.verify_token("123456")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_seeds_and_hashes_existing_codes():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    seed = bytes(range(20))
    try:
        migrate([("accounts", "0004_user_language")])
        user = User.objects.create_user("person@example.org", PASSWORD)
        app = TOTPDevice.objects.create(user=user, key=seed.hex(), confirmed=True)
        codes = StaticDevice.objects.create(user=user, name="codes", confirmed=True)
        StaticToken.objects.create(device=codes, token="abcd2345")
        migrate(latest)
    finally:
        migrate(latest)
    stored = all_rows("otp_totp_totpdevice") + all_rows("otp_static_statictoken")
    assert seed.hex() not in stored
    assert "abcd2345" not in stored
    device = AuthenticatorApp.objects.get(pk=app.pk)
    assert device.bin_key == seed
    assert device.verify_token(current_code(device))
    assert RecoveryCodes.objects.get(pk=codes.pk).verify_token("abcd2345")
