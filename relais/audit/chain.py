"""The HMAC chain of the audit trail: how an entry's MAC is computed and checked."""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings


def _key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def entry_mac(
    *,
    key: bytes,
    previous_hmac: str,
    sequence: int,
    created_at: datetime,
    action: str,
    actor: str,
    ip_address: str | None,
    target_type: str,
    target: str,
    details: Any,
) -> str:
    message = json.dumps(
        [
            previous_hmac,
            sequence,
            created_at.isoformat(timespec="microseconds"),
            action,
            actor,
            ip_address or "",
            target_type,
            target,
            details,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerificationResult:
    checked: int
    first_bad_sequence: int | None
    problem: str
    head_hmac: str

    @property
    def ok(self) -> bool:
        return self.first_bad_sequence is None


FIELDS = (
    "sequence",
    "created_at",
    "action",
    "actor",
    "ip_address",
    "target_type",
    "target",
    "details",
    "previous_hmac",
    "hmac",
)


def chain_verify(
    rows: Iterable[tuple[Any, ...]], *, key: bytes | None = None
) -> VerificationResult:
    """Walk the entries in sequence order and name the first one that breaks the chain.

    An edited entry no longer matches its MAC; a deleted one leaves a gap in
    the numbers and a broken link; reordered entries fail their MAC, which
    covers the number and the previous entry's MAC.
    """
    key = key or _key()
    expected_previous = ""
    expected_sequence = 1
    checked = 0
    for row in rows:
        (
            sequence,
            created_at,
            action,
            actor,
            ip,
            target_type,
            target,
            details,
            previous_hmac,
            mac,
        ) = row
        if sequence != expected_sequence:
            return VerificationResult(
                checked, sequence, "missing entries before this one", expected_previous
            )
        if previous_hmac != expected_previous:
            return VerificationResult(
                checked,
                sequence,
                "link to the previous entry is broken",
                expected_previous,
            )
        computed = entry_mac(
            key=key,
            previous_hmac=previous_hmac,
            sequence=sequence,
            created_at=created_at,
            action=action,
            actor=actor,
            ip_address=ip,
            target_type=target_type,
            target=target,
            details=details,
        )
        if not hmac.compare_digest(computed, mac):
            return VerificationResult(
                checked, sequence, "content does not match its MAC", expected_previous
            )
        expected_previous = mac
        expected_sequence += 1
        checked += 1
    return VerificationResult(checked, None, "", expected_previous)
