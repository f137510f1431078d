"""Field encryption: authenticated, bound to its row, rotatable."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from relais.core import crypto

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()
ROW_1 = crypto.column_context("referrals_person", "name", 1)
ROW_2 = crypto.column_context("referrals_person", "name", 2)


@override_settings(RELAIS_ENCRYPTION_KEYS=[OLD])
def test_a_value_decrypts_with_its_row_only():
    stored = crypto.encrypt(b"fictitious", context=ROW_1)
    assert stored.startswith("old:")
    assert "fictitious" not in stored
    assert crypto.decrypt(stored, context=ROW_1) == b"fictitious"
    with pytest.raises(crypto.DecryptionError, match="another row"):
        crypto.decrypt(stored, context=ROW_2)
    other_column = crypto.column_context("referrals_person", "notes", 1)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context=other_column)


@override_settings(RELAIS_ENCRYPTION_KEYS=[OLD])
def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt(b"x", context=ROW_1) != crypto.encrypt(b"x", context=ROW_1)


@override_settings(RELAIS_ENCRYPTION_KEYS=[OLD])
def test_an_altered_value_does_not_decrypt():
    stored = crypto.encrypt(b"fictitious", context=ROW_1)
    altered = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt(altered, context=ROW_1)


def test_the_first_key_encrypts_and_all_decrypt():
    with override_settings(RELAIS_ENCRYPTION_KEYS=[OLD]):
        stored = crypto.encrypt(b"fictitious", context=ROW_1)
    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW, OLD]):
        assert crypto.decrypt(stored, context=ROW_1) == b"fictitious"
        fresh = crypto.reencrypt(stored, context=ROW_1)
        assert crypto.key_id_of(fresh) == "new"
        assert crypto.reencrypt(fresh, context=ROW_1) == fresh
    with override_settings(RELAIS_ENCRYPTION_KEYS=[NEW]):
        with pytest.raises(crypto.DecryptionError, match=r"'old'.* not in"):
            crypto.decrypt(stored, context=ROW_1)
        assert crypto.decrypt(fresh, context=ROW_1) == b"fictitious"


def test_a_wrong_key_under_the_same_id_is_a_clear_error():
    with override_settings(RELAIS_ENCRYPTION_KEYS=[OLD]):
        stored = crypto.encrypt(b"fictitious", context=ROW_1)
    impostor = "old:" + base64.b64encode(b"x" * 32).decode()
    with (
        override_settings(RELAIS_ENCRYPTION_KEYS=[impostor]),
        pytest.raises(crypto.DecryptionError, match="key is wrong"),
    ):
        crypto.decrypt(stored, context=ROW_1)


@pytest.mark.parametrize(
    "keys",
    [
        [],
        ["no-separator"],
        ["k1:c2hvcnQ="],
        ["k1:not base64!"],
        ["an-id-far-too-long:" + base64.b64encode(b"o" * 32).decode()],
        [OLD, OLD],
    ],
)
def test_malformed_keys_are_refused(keys):
    with pytest.raises(ImproperlyConfigured, match="RELAIS_ENCRYPTION_KEYS"):
        crypto.key_ring_parse(keys)
