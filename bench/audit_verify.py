"""Benchmark: verify an audit trail of 100,000 entries (`make bench-audit`).

Fills a fresh SQLite database (or the PostgreSQL database in
BENCH_AUDIT_DATABASE_URL) with a valid HMAC chain of BENCH_AUDIT_ENTRIES
(default 100,000) entries, then times `audit_trail_verify`, the check behind
`relais audit verify`. The target is under 10 seconds.
"""

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "100000"))


def main() -> None:
    folder = tempfile.mkdtemp(prefix="relais-bench-audit-")
    os.environ.setdefault("RELAIS_PROFILE", "development")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_AUDIT_DATABASE_URL", f"sqlite:///{folder}/audit.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from relais.audit.chain import entry_mac
    from relais.audit.models import AuditEntry
    from relais.audit.selectors import audit_trail_verify

    call_command("migrate", verbosity=0)
    if AuditEntry.objects.exists():
        sys.exit("The benchmark database already has audit entries.")
    key = settings.AUDIT_HMAC_KEY.encode()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    previous = ""
    batch = []
    for sequence in range(1, ENTRIES + 1):
        fields = {
            "sequence": sequence,
            "created_at": start + timedelta(seconds=sequence),
            "action": "login",
            "actor": "6f1c1a52-8c43-4d8e-9a55-0d6f8b1f2c3d",
            "ip_address": "192.0.2.10",
            "target_type": "accounts.user",
            "target": "6f1c1a52-8c43-4d8e-9a55-0d6f8b1f2c3d",
            "details": {"organization": "b7e1", "role": "member"},
        }
        mac = entry_mac(key=key, previous_hmac=previous, **fields)
        batch.append(AuditEntry(previous_hmac=previous, hmac=mac, **fields))
        previous = mac
        if len(batch) == 5000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    began = time.perf_counter()
    result = audit_trail_verify()
    elapsed = time.perf_counter() - began
    assert result.ok and result.checked == ENTRIES, result
    print(
        f"Verified {result.checked:,} audit entries in {elapsed:.2f} s "
        f"({result.checked / elapsed:,.0f} entries/s) on "
        f"{os.environ['DATABASE_URL'].split(':', 1)[0]}."
    )


if __name__ == "__main__":
    main()
