"""Field encryption at rest: AES-256-GCM with a key ring kept outside the database.

`settings.RELAIS_ENCRYPTION_KEYS` lists keys as "key_id:base64key"; the first
encrypts, all decrypt, so a key is rotated by putting a new one first,
running `relais rotate-keys` and only then removing the old one.

A stored value reads "key_id:" followed by base64url(nonce || ciphertext ||
tag). The associated data names the table, column and row the value belongs
to (`column_context`), so a value copied to another row, column or table
does not decrypt.

Apps declare their encrypted columns with `encrypted_column_register` in
their `AppConfig.ready()`; `relais rotate-keys` re-encrypts them all.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Short, because a value must fit the columns it lives in (a TOTP seed's is 80).
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
KEY_BYTES = 32
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted with the configured keys."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, AESGCM]
    current: str


def key_ring_parse(entries: list[str] | tuple[str, ...]) -> KeyRing:
    """The key ring of "key_id:base64key" entries; the first one encrypts."""
    keys: dict[str, AESGCM] = {}
    for entry in entries:
        key_id, sep, encoded = entry.strip().partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "RELAIS_ENCRYPTION_KEYS: each key is written key_id:base64key, "
                "the key id being 1 to 12 letters, digits, - or _."
            )
        if key_id in keys:
            raise ImproperlyConfigured(
                f"RELAIS_ENCRYPTION_KEYS: the key id {key_id!r} appears twice."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"RELAIS_ENCRYPTION_KEYS: the key {key_id!r} must be 32 random "
                "bytes in base64 (python -c 'import base64, os; "
                "print(base64.b64encode(os.urandom(32)).decode())')."
            )
        keys[key_id] = AESGCM(key)
    if not keys:
        raise ImproperlyConfigured("RELAIS_ENCRYPTION_KEYS holds no key.")
    return KeyRing(keys=keys, current=next(iter(keys)))


@lru_cache(maxsize=4)
def _key_ring(entries: tuple[str, ...]) -> KeyRing:
    return key_ring_parse(entries)


def key_ring() -> KeyRing:
    # Read on use, never at import, so that settings overrides take effect.
    return _key_ring(tuple(settings.RELAIS_ENCRYPTION_KEYS))


def column_context(table: str, column: str, row: Any) -> bytes:
    """The associated data binding a value to its table, column and row."""
    return f"relais/{table}/{column}/{row}".encode()


def encrypt(plaintext: bytes, *, context: bytes) -> str:
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.current].encrypt(nonce, plaintext, context)
    encoded = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    return f"{ring.current}:{encoded}"


def key_id_of(value: str) -> str:
    """The id of the key a stored value was encrypted with."""
    key_id, sep, _rest = value.partition(":")
    if not sep or not KEY_ID.match(key_id):
        raise DecryptionError("The value is not an encrypted value of Relais.")
    return key_id


def is_encrypted(value: str) -> bool:
    try:
        key_id_of(value)
    except DecryptionError:
        return False
    return True


def decrypt(value: str, *, context: bytes) -> bytes:
    key_id = key_id_of(value)
    aead = key_ring().keys.get(key_id)
    if aead is None:
        raise DecryptionError(
            f"The value was encrypted with the key {key_id!r}, which is not in "
            "RELAIS_ENCRYPTION_KEYS: add it back (after the current key)."
        )
    encoded = value[len(key_id) + 1 :]
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context)
    except (binascii.Error, ValueError, InvalidTag):
        raise DecryptionError(
            f"The value does not decrypt with the key {key_id!r}: the key is "
            "wrong, or the value was altered or copied from another row or column."
        ) from None


def reencrypt(value: str, *, context: bytes) -> str:
    """The value under the current key (unchanged if it is already)."""
    if key_id_of(value) == key_ring().current:
        return value
    return encrypt(decrypt(value, context=context), context=context)


@dataclass(frozen=True)
class EncryptedColumn:
    """A text column holding values of `encrypt`, bound to its row's primary key."""

    model: Any
    field: str

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def column(self) -> str:
        return str(self.model._meta.get_field(self.field).column)

    def context(self, pk: Any) -> bytes:
        return column_context(self.table, self.column, pk)


_encrypted_columns: list[EncryptedColumn] = []


def encrypted_column_register(model: Any, field: str) -> None:
    column = EncryptedColumn(model=model, field=field)
    if column not in _encrypted_columns:
        _encrypted_columns.append(column)


def encrypted_columns() -> list[EncryptedColumn]:
    return list(_encrypted_columns)


def column_rotate(column: EncryptedColumn, *, batch_size: int = 500) -> int:
    """Re-encrypt a column's values under the current key, one batch per transaction.

    Values already under the current key are skipped, so an interrupted run
    started again carries on where it stopped. Each row is updated only if it
    still holds the value read, so a concurrent change is never overwritten.
    """
    from django.db import transaction

    current = key_ring().current
    manager = column.model._base_manager
    field = column.field
    done = 0
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = (
                manager.exclude(**{f"{field}__startswith": f"{current}:"})
                .exclude(**{f"{field}__isnull": True})
                .exclude(**{field: ""})
                .order_by("pk")
            )
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.values_list("pk", field)[:batch_size])
            for pk, value in batch:
                fresh = reencrypt(value, context=column.context(pk))
                done += manager.filter(pk=pk, **{field: value}).update(**{field: fresh})
        if len(batch) < batch_size:
            return done
        last_pk = batch[-1][0]
