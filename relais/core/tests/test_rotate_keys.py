"""`relais rotate-keys` moves every encrypted value to the current key."""

import base64
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings

from relais.accounts import services
from relais.accounts.models import AuthenticatorApp, User
from relais.core import crypto

pytestmark = pytest.mark.django_db

NEW = "new:" + base64.b64encode(b"n" * 32).decode()


@pytest.fixture
def apps(settings):
    """Five fictitious authenticator apps with their seeds under the old key."""
    seeds = {}
    for i in range(5):
        user = User.objects.create_user(f"person{i}@example.org")
        device = services.totp_device_pending(user=user)
        seeds[device.pk] = device.bin_key
    return seeds


def key_ids():
    return {
        crypto.key_id_of(k)
        for k in AuthenticatorApp.objects.values_list("key", flat=True)
    }


def test_rotation_reencrypts_every_seed_under_the_new_key(apps, settings):
    old = settings.RELAIS_ENCRYPTION_KEYS[0]
    assert key_ids() == {"devonly"}
    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW, old]):
        call_command("rotate_keys", batch_size=2, stdout=mock.Mock())
    assert key_ids() == {"new"}
    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW]):
        for device in AuthenticatorApp.objects.all():
            assert device.bin_key == apps[device.pk]


def test_an_interrupted_rotation_finishes_when_run_again(apps, settings):
    old = settings.RELAIS_ENCRYPTION_KEYS[0]
    real = crypto.reencrypt
    calls = {"n": 0}

    def failing_after_three(value, *, context):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt
        return real(value, context=context)

    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW, old]):
        with (
            mock.patch.object(crypto, "reencrypt", failing_after_three),
            pytest.raises(KeyboardInterrupt),
        ):
            call_command("rotate_keys", batch_size=2, stdout=mock.Mock())
        assert key_ids() == {"new", "devonly"}
        with mock.patch.object(crypto, "reencrypt", wraps=real) as again:
            call_command("rotate_keys", batch_size=2, stdout=mock.Mock())
        # The two values of the finished batch were not done twice.
        assert again.call_count == 3
    assert key_ids() == {"new"}
    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW]):
        for device in AuthenticatorApp.objects.all():
            assert device.bin_key == apps[device.pk]
