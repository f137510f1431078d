"""Benchmark of the HSDS `format=ndjson` export (`make bench`, after bench/run.py).

A fresh SQLite database in a temporary folder is filled with N fictitious
organisations, each with one service (BENCH_HSDS_SERVICES, default 100000),
then `GET /api/hsds/services?format=ndjson` is streamed in-process (Django's
test client, no network) and its records counted and parsed. Reported:
records per second and the process's peak RSS. The result replaces the
"HSDS ndjson export" section of docs/benchmarks.md (between its markers),
leaving every other section as it is.

Target (issue 4): at least 10,000 records/s for 100,000 services.
"""

import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from doc_sections import section_replace

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_HSDS_SERVICES", "100000"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    folder = tempfile.mkdtemp(prefix="relais-bench-hsds-")
    os.environ["RELAIS_PROFILE"] = "development"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from relais.directory.models import Organization, Service

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    batch = 5000
    for start in range(0, N, batch):
        organizations = Organization.objects.bulk_create(
            Organization(
                name=f"Fictitious Benchmark Organisation {n:07d}",
                slug=f"fictitious-bench-{n}",
                country="BE",
                description_en="A fictitious organisation for the benchmark.",
                is_fictitious=True,
            )
            for n in range(start, min(start + batch, N))
        )
        Service.objects.bulk_create(
            Service(
                organization=organization,
                name_en=f"Fictitious service {start + i}",
                description_en="Counselling, shelter and legal advice.",
            )
            for i, organization in enumerate(organizations)
        )
    filled = time.perf_counter() - started
    rss_before = peak_rss_mb()

    client = Client()
    started = time.perf_counter()
    response = client.get("/api/hsds/services", {"format": "ndjson"})
    count = 0
    for chunk in response.streaming_content:
        for line in chunk.splitlines():
            json.loads(line)
            count += 1
    elapsed = time.perf_counter() - started
    if count != N:
        sys.exit(f"Streamed {count} records, expected {N}.")
    rate = count / elapsed
    rss = peak_rss_mb()

    section = "\n".join(
        [
            "## HSDS ndjson export (issue 4)",
            "",
            "`bench/hsds_export.py`: `GET /api/hsds/services?format=ndjson` "
            "streamed in-process over a fresh SQLite database of "
            f"{N:,} fictitious organisations with one service each; every line "
            "is parsed as JSON. Target: ≥ 10,000 records/s.",
            "",
            "| services | seconds | records/s | peak RSS (MB) | RSS before "
            "streaming (MB) |",
            "| --- | --- | --- | --- | --- |",
            f"| {N:,} | {elapsed:.1f} | {rate:,.0f} | {rss:.0f} | {rss_before:.0f} |",
            "",
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
            f"{platform.python_version()}, {os.cpu_count()} cores; filling the "
            f"database took {filled:.0f} s.",
        ]
    )
    section_replace("hsds-export", section)
    print(f"{count:,} records in {elapsed:.1f} s: {rate:,.0f}/s, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
