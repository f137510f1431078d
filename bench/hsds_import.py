"""Benchmark of the HSDS import (`make bench`, after bench/hsds_export.py).

Builds an HSDS 3.0 tabular datapackage (zip) of N fictitious organisations
(BENCH_HSDS_IMPORT_ORGANISATIONS, default 100000), each with one service, one
location with its address, the service delivered there and one phone, then
imports it with `relais.opendata.services.import_file` into an empty database:
SQLite in a temporary folder, and PostgreSQL at BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/relais_bench_import, created when missing;
skipped with a note when no server answers). Each import runs in a process of
its own, so that its peak RSS is the import's. A second SQLite run with a
tenth of the organisations shows whether memory grows with the file.

Reported: organisations per second and peak RSS. The result replaces the
"HSDS import" section of docs/benchmarks.md (between its markers).

Targets (issue 4): at least 5,000 organisations/s on SQLite, peak RSS at most
300 MB.
"""

import csv
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from doc_sections import section_replace

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_HSDS_IMPORT_ORGANISATIONS", "100000"))
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/relais_bench_import"
)
NAMESPACE = uuid.UUID("3f2b8c1e-5d7a-4e9b-8c6d-1a2b3c4d5e6f")

TABLES = {
    "organizations.csv": ["id", "name", "description", "email", "website"],
    "services.csv": ["id", "organization_id", "name", "description", "status"],
    "locations.csv": [
        "id",
        "location_type",
        "organization_id",
        "name",
        "latitude",
        "longitude",
    ],
    "addresses.csv": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "service_at_location.csv": ["id", "service_id", "location_id"],
    "phones.csv": ["id", "organization_id", "service_id", "number", "type"],
}


def ident(kind: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{n}"))


def rows(table: str, n: int) -> list[object]:
    org, service, location = ident("org", n), ident("service", n), ident("loc", n)
    return {
        "organizations.csv": [
            org,
            f"Fictitious Benchmark Organisation {n:07d}",
            "A fictitious organisation for the import benchmark.",
            f"office{n}@example.org",
            f"https://example.org/{n}",
        ],
        "services.csv": [
            service,
            org,
            f"Fictitious service {n}",
            "Counselling, shelter and legal advice.",
            "active",
        ],
        "locations.csv": [
            location,
            "physical",
            org,
            "Office",
            f"{50 + (n % 1000) / 1000:.6f}",
            f"{4 + (n % 997) / 1000:.6f}",
        ],
        "addresses.csv": [
            ident("address", n),
            location,
            f"Fictitious Street {n}",
            "Bruxelles",
            "",
            "1000",
            "BE",
            "physical",
        ],
        "service_at_location.csv": [ident("sal", n), service, location],
        "phones.csv": [
            ident("phone", n),
            org,
            "",
            f"+3222{n % 1_000_000:06d}",
            "voice",
        ],
    }[table]


def build_datapackage(path: Path, n: int) -> None:
    descriptor = json.loads(
        (ROOT / "relais/opendata/data/hsds/datapackage.json").read_text("utf-8")
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        for table, columns in TABLES.items():
            with archive.open(table, "w") as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(columns)
                for i in range(n):
                    writer.writerow(rows(table, i))
                text.flush()
                text.detach()


def worker(database_url: str, path: str) -> None:
    """Import `path` into the (empty) database; print the measures as JSON."""
    os.environ["RELAIS_PROFILE"] = "development"
    os.environ["DATABASE_URL"] = database_url
    os.environ["RELAIS_IMPORT_MAX_BYTES"] = str(10**10)
    # As in production: with DEBUG on, Django keeps the last 9,000 SQL
    # statements, bulk inserts included, and the RSS measures that log.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from relais.directory.models import Organization
    from relais.opendata.services import import_file

    call_command("migrate", verbosity=0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_before = usage.ru_maxrss / 1024
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    result = import_file(path=Path(path), updated_by="benchmark")
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if not result.ok:
        sys.exit("\n".join(str(f) for f in result.findings.kept[:20]))
    print(
        json.dumps(
            {
                "organisations": Organization.objects.count(),
                "records": result.totals()["created"],
                "seconds": elapsed,
                "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
                "rss": usage.ru_maxrss / 1024,
                "rss_before": rss_before,
            }
        )
    )


def run(database_url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", database_url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_ready() -> str | None:
    """Create the benchmark database when missing; None when no server answers."""
    try:
        import psycopg
    except ImportError:
        return None
    name = POSTGRES_URL.rsplit("/", 1)[1]
    try:
        with psycopg.connect(
            POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return POSTGRES_URL


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="relais-bench-import-"))
    results = []
    small = max(N // 10, 1)
    for n in (N, small):
        package = folder / f"hsds-{n}.zip"
        started = time.perf_counter()
        build_datapackage(package, n)
        built = time.perf_counter() - started
        size = package.stat().st_size / 1e6
        targets = [("SQLite", f"sqlite:///{folder}/bench-{n}.sqlite3")]
        if n == N:
            url = postgres_ready()
            targets.append(("PostgreSQL", url or ""))
        for label, url in targets:
            if not url:
                results.append((label, n, size, None))
                continue
            measures = run(url, package)
            if measures["organisations"] != n:
                sys.exit(f"{label}: {measures['organisations']} organisations, not {n}")
            results.append((label, n, size, measures))
            print(
                f"{label}, {n:,} organisations ({size:.0f} MB zip, built in "
                f"{built:.0f} s): {measures['seconds']:.1f} s, "
                f"{n / measures['seconds']:,.0f} org/s, "
                f"peak RSS {measures['rss']:.0f} MB"
            )

    lines = [
        "## HSDS import (issue 4)",
        "",
        "`bench/hsds_import.py`: `relais import` of an HSDS tabular datapackage "
        "(zip) of fictitious organisations, each with one service, one location "
        "and its address, the service at that location and one phone (six "
        "records per organisation), into an empty database, search index "
        "included, all in one transaction. Each import runs in its own process. "
        "Targets: ≥ 5,000 organisations/s on SQLite, peak RSS ≤ 300 MB.",
        "",
        "Wall-clock figures depend on what else the machine runs; the CPU "
        "seconds of the importing process (user + system; the database server's "
        "own work is not in them for PostgreSQL) are the steadier measure.",
        "",
        "| database | organisations | zip (MB) | seconds | organisations/s | "
        "CPU seconds | organisations per CPU second | peak RSS (MB) | "
        "RSS before the import (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, n, size, m in results:
        if m is None:
            lines.append(
                f"| {label} | {n:,} | {size:.0f} | not run: no server | | | | |"
            )
            continue
        lines.append(
            f"| {label} | {n:,} | {size:.0f} | {m['seconds']:.1f} | "
            f"{n / m['seconds']:,.0f} | {m['cpu_seconds']:.1f} | "
            f"{n / m['cpu_seconds']:,.0f} | {m['rss']:.0f} | {m['rss_before']:.0f} |"
        )
    lines += [
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores "
        f"({platform.machine()}, {platform.system()}), load average "
        f"{os.getloadavg()[0]:.1f} at the end of the run.",
    ]
    section = "\n".join(lines)
    section_replace("hsds-import", section)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
    else:
        main()
