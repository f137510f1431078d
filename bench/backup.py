"""How long `relais backup` and `relais restore` take (issue 14).

For each database (SQLite in a temporary folder; PostgreSQL in the database
named by BENCH_PG_URL, dropped and created again), `relais generate-demo`
fills a fresh database with BENCH_BACKUP_N fictitious listings (10,000), then
`relais backup` and `relais restore --yes` run as the operator would run them,
each in its own process (so the times include starting Django). Results go to
docs/benchmarks.md between its "backup" markers.
"""

import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from doc_sections import section_replace

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_BACKUP_N", "10000"))
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/relais_bench"
)


def relais(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "relais.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def measure(name: str, database_url: str, folder: Path) -> str:
    env = {
        **os.environ,
        "RELAIS_PROFILE": "development",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
    }
    relais(env, "migrate", "-v0")
    relais(env, "generate-demo", "--n", str(N))
    path = folder / f"{name}.backup"
    backup = relais(env, "backup", str(path))
    size = path.stat().st_size / 2**20
    restore = relais(env, "restore", str(path), "--yes")
    return f"| {name} | {N:,} | {size:.1f} | {backup:.1f} | {restore:.1f} |"


def main() -> None:
    load_start = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="relais-backup-") as temporary:
        folder = Path(temporary)
        rows.append(measure("SQLite", f"sqlite:///{folder / 'relais.sqlite3'}", folder))
        if PG_URL:
            base, name = PG_URL.rsplit("/", 1)
            for statement in (
                f"DROP DATABASE IF EXISTS {name}",
                f"CREATE DATABASE {name}",
            ):
                subprocess.run(
                    ["psql", f"{base}/postgres", "-qc", statement], check=True
                )
            rows.append(measure("PostgreSQL", PG_URL, folder))
    section = "\n".join(
        [
            "## Backup and restore (issue 14)",
            "",
            "`bench/backup.py`: `relais backup` then `relais restore --yes` of a "
            "database filled by `relais generate-demo` (listings with their "
            "services, locations, contacts and search index), each command in "
            "its own process, Django's start included. SQLite through its "
            "online backup API, PostgreSQL through `pg_dump --format=custom` "
            "and `pg_restore --clean --single-transaction`.",
            "",
            "| database | listings | backup (MB) | backup (s) | restore (s) |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
            f"{platform.python_version()}, {os.cpu_count()} cores; load average "
            f"(1 min) {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
            "the end, other engineers' work included.",
        ]
    )
    print(section)
    section_replace("backup", section)


if __name__ == "__main__":
    main()
