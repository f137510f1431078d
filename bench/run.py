"""Reproducible benchmarks of Relais (`make bench`); results go to docs/benchmarks.md.

For each size, a fresh database (SQLite in a temporary folder; PostgreSQL in
the database named by BENCH_PG_URL when it answers) is filled by
`relais generate-demo` (fictitious listings, indexed for search as they are
written), then:

1. the search service layer runs a fixed mix of queries (with facet counts and
   20 results) in-process, several times each;
2. gunicorn serves the database with one sync worker per core, and a load
   generator compares the JSON search endpoint with a constant-response view
   (`/healthz`) on the same server in the same run;
3. the workers' peak memory (VmHWM) is read after the load.

Environment: BENCH_SIZES (default "10000,100000"), BENCH_REPEATS (15),
BENCH_HTTP_SECONDS (8), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/relais_bench;
empty to skip PostgreSQL). `run.py http DATABASE_URL` runs step 2 alone over
an existing database.

BENCH_PORT chooses gunicorn's port (default: any free port).
BENCH_PROFILE=production serves step 2 with the production profile (throw-away
keys, JSON request logs, the rate-limit counters in the shared cache named by
CACHE_URL, e.g. a Redis started for the run) instead of the development
profile with DEBUG off; plain HTTP, since no TLS proxy stands in front.
"""

import base64
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from doc_sections import section_replace

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "15"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "8"))
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/relais_bench"
)
PG_SIZES = [int(n) for n in os.environ.get("BENCH_PG_SIZES", "100000").split(",") if n]
PROFILE = os.environ.get("BENCH_PROFILE", "development")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def relais(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "relais.cli", *args],
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def development_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "RELAIS_PROFILE": "development",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        # The load generator is one address; the API's per-address limit
        # would answer it 429 and measure nothing.
        "RELAIS_RATE_LIMIT_API": "1000000000",
    }


def server_env(database_url: str) -> dict[str, str]:
    """The environment gunicorn serves the benchmark with (BENCH_PROFILE)."""
    env = development_env(database_url)
    if PROFILE != "production":
        return env
    if not os.environ.get("CACHE_URL"):
        raise SystemExit("BENCH_PROFILE=production needs CACHE_URL (redis://...)")
    key = base64.b64encode(os.urandom(32)).decode()
    env.update(
        {
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
            "RELAIS_ENCRYPTION_KEYS": f"bench:{key}",
            "AUDIT_CHECKPOINT_PATH": str(
                Path(tempfile.gettempdir()) / "relais-bench-audit-checkpoint.json"
            ),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    return env


def prepare(n: int, database_url: str) -> tuple[dict[str, str], float]:
    env = development_env(database_url)
    relais(env, "migrate", "-v0")
    relais(env, "load-gazetteer")
    started = time.perf_counter()
    relais(env, "generate-demo", "--n", str(n))
    return env, time.perf_counter() - started


HSDS_SEARCHES = [
    "/api/hsds/services?search=legal+aid&per_page=20",
    "/api/hsds/services?search=shelter&per_page=20",
    "/api/hsds/organizations?search=legal+aid&per_page=20",
    "/api/hsds/service_at_locations?search=shelter&per_page=20",
    "/api/hsds/services?search=lighthouse&per_page=20&page=3",
    "/api/hsds/taxonomy_terms?search=legal&per_page=20",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_run(env: dict[str, str]) -> dict[str, float]:
    # BENCH_PORT: a port of one's own on a shared machine.
    port = int(os.environ.get("BENCH_PORT") or free_port())
    workers = os.cpu_count() or 2
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "relais.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "relais.settings"},
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        paths = {
            "constant": ["/healthz"],
            "search": [
                "/api/v1/search?q=shelter",
                "/api/v1/search?q=lighthouse",
                "/api/v1/search?q=%D0%B0%D0%B4%D0%B2%D0%BE%D0%BA%D0%B0%D1%82",
                "/api/v1/search?q=legal&country=BE&service=shelter",
                "/api/v1/search?q=compas",
                "/api/v1/search",
            ],
            # The HSDS API's list endpoints with a search (issue 18).
            "hsds": HSDS_SEARCHES,
        }
        result = {}
        # The HSDS searches again from one client: a request's own time,
        # without waiting behind the other clients' requests.
        runs = [(name, urls, 4) for name, urls in paths.items()]
        runs.append(("hsds_one_client", HSDS_SEARCHES, 1))
        for name, urls, clients in runs:
            out = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "load.py"),
                    str(port),
                    str(HTTP_SECONDS),
                    str(clients),
                    *urls,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            answer = json.loads(out.stdout)
            result[name] = answer["rps"]
            result[f"{name}_p95_ms"] = answer["p95_ms"]
        peaks = []
        for pid in subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split():
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        result["peak_mb"] = max(peaks) if peaks else float("nan")
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def section(n: int, label: str, database_url: str) -> str:
    print(f"== {n:,} listings on {label}: generating and indexing")
    env, build_seconds = prepare(n, database_url)
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search_worker.py"), str(REPEATS)],
        env={**env, "DJANGO_SETTINGS_MODULE": "relais.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"   service layer p95 {data['p95']:.1f} ms over {data['samples']} searches")
    http = http_run(server_env(database_url))
    ratio = http["search"] / http["constant"] if http["constant"] else 0
    hsds_ratio = http["hsds"] / http["constant"] if http["constant"] else 0
    print(
        f"   HTTP search {http['search']:.0f} rps, HSDS search {http['hsds']:.0f} "
        f"rps (p95 {http['hsds_p95_ms']:.0f} ms), constant "
        f"{http['constant']:.0f} rps, ratios {ratio:.0%} and {hsds_ratio:.0%}; "
        f"peak worker {http['peak_mb']:.0f} MB"
    )
    lines = [
        f"### {n:,} listings, {label}",
        "",
        f"- generate and index: {build_seconds:.0f} s "
        f"({n / build_seconds:,.0f} listings/s)",
        f"- service layer over all {data['samples']} searches: "
        f"**p50 {data['p50']:.1f} ms, p95 {data['p95']:.1f} ms** "
        f"(worst query p95 {data['worst_p95']:.1f} ms); the same searches again "
        f"with their text matches cached (a facet click, a page turn): "
        f"p95 {data['warm_p95']:.1f} ms",
        "- first search after a change (facet index reload in each process): "
        f"{data['reload_ms']:.0f} ms",
        f"- HTTP, gunicorn with {os.cpu_count()} sync workers: JSON search "
        f"{http['search']:.0f} req/s, constant view {http['constant']:.0f} req/s: "
        f"**ratio {ratio:.0%}**",
        f"- HTTP, the same run: HSDS API search {http['hsds']:.0f} req/s "
        f"(p95 {http['hsds_p95_ms']:.0f} ms a request under load, "
        f"p95 {http['hsds_one_client_p95_ms']:.0f} ms from one client alone), "
        f"**ratio {hsds_ratio:.1%}** of the constant view",
        f"- peak memory of a worker (VmHWM): **{http['peak_mb']:.0f} MB**",
        "",
        "| query | matches | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {q['label']} | {q['total']:,} | {q['p50']:.1f} | {q['p95']:.1f} |"
        for q in data["queries"]
    ]
    return "\n".join(lines)


def main() -> None:
    started = datetime.now(UTC)
    load_start = os.getloadavg()[0]
    sections = []
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            sections.append(section(n, "SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
    if PG_URL:
        ready = (
            subprocess.run(["pg_isready", "-q", "-d", PG_URL], check=False).returncode
            == 0
        )
        if ready:
            name = PG_URL.rsplit("/", 1)[1]
            base = PG_URL.rsplit("/", 1)[0]
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
                check=True,
            )
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"],
                check=True,
            )
            for n in PG_SIZES:
                sections.append(section(n, "PostgreSQL", PG_URL))
        else:
            sections.append(
                "PostgreSQL was not reachable at BENCH_PG_URL; not measured."
            )
    template = (ROOT / "bench" / "benchmarks.md.in").read_text(encoding="utf-8")
    load_end = os.getloadavg()[0]
    text = template.format(
        load=f"{load_start:.1f} at the start, {load_end:.1f} at the end",
        date=f"{started:%Y-%m-%d %H:%M} UTC",
        machine=machine(),
        repeats=REPEATS,
        http_seconds=HTTP_SECONDS,
        results="\n\n".join(sections),
    )
    section_replace("bench", text)
    print("Written docs/benchmarks.md (its bench section; the others are kept)")


def http_only(database_url: str) -> None:
    """`run.py http DATABASE_URL`: the HTTP comparison alone, over a database
    already filled (a 100,000-listing database takes long to generate)."""
    http = http_run(server_env(database_url))
    http["search_ratio"] = http["search"] / http["constant"]
    http["hsds_ratio"] = http["hsds"] / http["constant"]
    print(json.dumps(http, indent=1))


if __name__ == "__main__":
    if sys.argv[1:2] == ["http"]:
        http_only(sys.argv[2])
    else:
        main()
