"""Writing to the audit trail. Every security-relevant service calls `audit_record`."""

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from relais.core.http import client_ip

from .chain import entry_mac
from .checkpoint import checkpoint_advance, checkpoint_path
from .models import AuditEntry
from .registry import is_registered

# Arbitrary constant naming the PostgreSQL advisory lock that serialises writers.
_CHAIN_LOCK_ID = 7_104_517


def _actor_id(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(actor.uuid)


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    target: Any = None,
    target_type: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the trail, chained to the previous one.

    `target` is a model instance (its UUID is recorded) or an identifier;
    `details` holds field names, roles and outcomes, never values that are
    secrets or personal data. `action` is registered by the writing app
    (relais.audit.registry).
    """
    if not is_registered(action):
        raise ValueError(f"Unregistered audit action {action!r}.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # On SQLite the IMMEDIATE transaction already holds the write lock.
    last = (
        AuditEntry.objects.order_by("-sequence").values_list("sequence", "hmac").first()
    )
    sequence, previous_hmac = (last[0] + 1, last[1]) if last else (1, "")
    if target is not None and hasattr(target, "_meta"):
        target_type = target_type or target._meta.label_lower
        target_id = str(
            getattr(target, "uuid", None) or getattr(target, "id", "") or target.pk
        )
    else:
        target_id = "" if target is None else str(target)
    fields: dict[str, Any] = {
        "sequence": sequence,
        "created_at": timezone.now(),
        "action": str(action),
        "actor": _actor_id(actor),
        "ip_address": client_ip(request),
        "target_type": target_type,
        "target": target_id,
        "details": details or {},
    }
    mac = entry_mac(
        key=settings.AUDIT_HMAC_KEY.encode(), previous_hmac=previous_hmac, **fields
    )
    entry = AuditEntry(previous_hmac=previous_hmac, hmac=mac, **fields)
    entry.full_clean()
    entry.save()
    if checkpoint_path() is not None:
        # Only once committed: a checkpoint never names an entry rolled back.
        transaction.on_commit(
            lambda: checkpoint_advance(sequence=sequence, mac=mac), robust=True
        )
    return entry
