"""Recovery codes are stored as a keyed hash, never as themselves.

The key is SECRET_KEY (outside the database), and SECRET_KEY_FALLBACKS keep
codes working while SECRET_KEY is rotated. A hash fits django-otp's 16-character
token column: "#" and 90 bits of HMAC-SHA256.
"""

import base64

from django.conf import settings
from django.utils.crypto import salted_hmac

HASH_PREFIX = "#"
_KEY_SALT = "relais.accounts.recovery-code"


def recovery_code_hash(code: str, *, secret: str | None = None) -> str:
    digest = salted_hmac(
        _KEY_SALT, code.strip().lower(), secret=secret, algorithm="sha256"
    )
    return HASH_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode()[:15]


def recovery_code_hashes(code: str) -> list[str]:
    """The hashes a code may be stored under, one per current or fallback key."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [recovery_code_hash(code, secret=secret) for secret in secrets]


def is_hashed(stored: str) -> bool:
    return stored.startswith(HASH_PREFIX)
