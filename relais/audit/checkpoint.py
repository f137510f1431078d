"""The head of the trail kept outside the database.

The chain shows an entry edited, removed or moved, but not the removal of the
latest entries: what is left still links up. So the head (number and MAC) is
also written, signed with the audit key, to settings.AUDIT_CHECKPOINT_PATH:
after each commit that adds an entry, and by `relais audit checkpoint`. The
verifier then expects the entry the checkpoint names. The file is only ever
moved forward, so a trail cut short cannot be checkpointed over.
"""

import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hmac: str


class CheckpointInvalid(Exception):
    """The checkpoint file is unreadable or not signed with the audit key."""


def checkpoint_path() -> Path | None:
    path = getattr(settings, "AUDIT_CHECKPOINT_PATH", "")
    return Path(path) if path else None


def _signature(sequence: int, mac: str) -> str:
    key = b"relais-audit-checkpoint:" + settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, f"{sequence}:{mac}".encode(), hashlib.sha256).hexdigest()


def checkpoint_read(path: Path) -> Checkpoint | None:
    """The checkpoint at `path`, None if there is none yet."""
    try:
        data = json.loads(path.read_text())
        checkpoint = Checkpoint(int(data["sequence"]), str(data["hmac"]))
        signature = str(data["signature"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointInvalid(str(exc)) from exc
    expected = _signature(checkpoint.sequence, checkpoint.hmac)
    if not hmac.compare_digest(expected, signature):
        raise CheckpointInvalid("signature does not match the audit key")
    return checkpoint


def checkpoint_advance(*, sequence: int, mac: str) -> None:
    """Move the checkpoint to this entry unless it already names a later one."""
    path = checkpoint_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Several workers commit entries at once: one at a time, and only forward.
        with open(f"{path}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = checkpoint_read(path)
            except CheckpointInvalid:
                current = None
            if current is not None and current.sequence >= sequence:
                return
            data = {
                "sequence": sequence,
                "hmac": mac,
                "signature": _signature(sequence, mac),
            }
            temporary = path.with_name(path.name + ".tmp")
            descriptor = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
            )
            with os.fdopen(descriptor, "w") as out:
                json.dump(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
    except OSError:
        # The entry itself is committed; a lagging checkpoint only narrows
        # what the verifier can see, and `relais audit checkpoint` catches up.
        logger.exception("Audit checkpoint %s could not be written", path)
