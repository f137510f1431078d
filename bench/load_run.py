"""The load test (`make load`): locust against two production gunicorn servers.

For each database (SQLite in a temporary folder, then PostgreSQL in the
database named by LOAD_PG_URL, which is dropped and created again), this
script:

1. prepares a fresh database as docs/deployment.md says (production profile,
   throw-away secrets, `migrate`, `collectstatic`), fills it with
   `relais generate-demo` and makes the load accounts (`setup`, below): one
   organisation administrator per user, each of its own fictitious listing,
   with a password and a confirmed authenticator app;
2. starts two gunicorn servers (deploy/gunicorn.conf.py) on two ports of
   127.0.0.1, sharing the database and one Redis cache (LOAD_CACHE_URL);
3. runs bench/locustfile.py headless: LOAD_USERS users (50) for
   LOAD_SECONDS (180), spread over both servers;
4. stops the servers and checks (`check`, below) that every acknowledged edit
   is in the database (0 lost writes), that no request failed, and that the
   audit trail verifies;
5. prints p50 / p95 per request type and, unless LOAD_RECORD=0, writes them to
   docs/benchmarks.md between its "load" markers.

The per-address rate limits are lifted for the servers of the test
(RELAIS_RATE_LIMIT_LOGIN, _SEARCH and _API): every locust user comes from
127.0.0.1, which would otherwise spend one address's budget in seconds.

Environment: LOAD_USERS (50), LOAD_SECONDS (180), LOAD_DATABASES
("sqlite,postgresql"), LOAD_PG_URL
(postgres://postgres@127.0.0.1:5432/relais_load), LOAD_CACHE_URL
(redis://127.0.0.1:6379/0, or dbcache://relais_cache), LOAD_PORT (8100: the
servers take it and the next), LOAD_LISTINGS (300), LOAD_RECORD (1),
LOAD_FOLDER (where the databases, logs and locust's files go; by default a
temporary folder, deleted at the end). Exits non-zero when a request failed or
a write was lost.
"""

import csv
import json
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from base64 import b64encode
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from doc_sections import section_replace

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "180"))
DATABASES = [
    d for d in os.environ.get("LOAD_DATABASES", "sqlite,postgresql").split(",") if d
]
PG_URL = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/relais_load")
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/0")
PORT = int(os.environ.get("LOAD_PORT", "8100"))
LISTINGS = int(os.environ.get("LOAD_LISTINGS", "300"))
RECORD = os.environ.get("LOAD_RECORD", "1") != "0"
SERVERS = 2
LIFTED = "1000000000"


def server_environment(folder: Path, database_url: str) -> dict[str, str]:
    """The production profile of docs/deployment.md, with throw-away secrets."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "DJANGO_")) and k != "DEBUG"
    }
    key = b64encode(secrets.token_bytes(32)).decode()
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
            "RELAIS_ENCRYPTION_KEYS": f"load1:{key}",
            "AUDIT_CHECKPOINT_PATH": str(folder / "audit-checkpoint.json"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "true",
            "DATABASE_URL": database_url,
            "CACHE_URL": CACHE_URL,
            "STATIC_ROOT": str(folder.parent / "static"),
            "RELAIS_STATIC_COMPRESSION": "false",
            "RELAIS_IMPORT_PENDING_DIR": str(folder / "imports"),
            "EMAIL_URL": "consolemail://",
            "RELAIS_RATE_LIMIT_LOGIN": LIFTED,
            "RELAIS_RATE_LIMIT_SEARCH": LIFTED,
            "RELAIS_RATE_LIMIT_API": LIFTED,
        }
    )
    return env


def relais(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "relais.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = done.stdout[-3000:] + done.stderr[-3000:]
        sys.exit(f"relais {' '.join(args)} failed:\n{output}")
    return done.stdout


def this_script(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def fresh_postgresql_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"LOAD_PG_URL must end in a plain database name, not {name!r}.")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "relais.wsgi",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            sys.exit(f"gunicorn on port {port} did not start: see {log}")
        time.sleep(0.5)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def warm_up(hosts: list[str], plan: dict[str, Any]) -> None:
    """Each worker loads its search index before the clock starts."""
    for host in hosts:
        for word in plan["words"][:6]:
            request = urllib.request.Request(
                f"{host}/api/v1/search?q={urllib.parse.quote(word)}",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "rps": float(row["Requests/s"] or 0),
                }
            )
    return rows


def run_one(database: str, folder: Path) -> dict[str, Any]:
    folder.mkdir()
    if database == "sqlite":
        url = f"sqlite:///{folder / 'relais.sqlite3'}"
    else:
        fresh_postgresql_database(PG_URL)
        url = PG_URL
    env = server_environment(folder, url)
    print(
        f"[{database}] preparing the database ({LISTINGS} listings, {USERS} accounts)"
    )
    relais(env, "migrate", "--no-input", "-v0")
    if CACHE_URL.startswith("dbcache://"):
        relais(env, "createcachetable")
    if not (folder.parent / "static").exists():
        relais(env, "collectstatic", "--no-input", "-v0")
    relais(env, "generate-demo", "--n", str(LISTINGS))
    hosts = [f"http://127.0.0.1:{PORT + n}" for n in range(SERVERS)]
    plan_path = folder / "plan.json"
    this_script(env, "setup", str(plan_path), str(USERS), *hosts)
    plan = json.loads(plan_path.read_text())
    servers = [
        start_server(env, PORT + n, folder / f"server-{n}.log") for n in range(SERVERS)
    ]
    ledger = folder / "ledger.json"
    prefix = folder / "locust"
    load: list[float] = []
    try:
        warm_up(hosts, plan)
        print(f"[{database}] locust: {USERS} users for {SECONDS} s over {hosts}")
        started = datetime.now(UTC)
        load.append(os.getloadavg()[0])
        locust = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{SECONDS}s",
                # Tasks finish when the time is up (a sign-in may wait 30 s
                # for its next code), so no edit is cut off half-way.
                "--stop-timeout",
                "40",
                "--host",
                hosts[0],
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "RELAIS_LOAD_PLAN": str(plan_path),
                "RELAIS_LOAD_LEDGER": str(ledger),
            },
            cwd=ROOT,
            stdout=(folder / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        while locust.poll() is None:
            time.sleep(5)
            load.append(os.getloadavg()[0])
    finally:
        for server in servers:
            stop_server(server)
    if not ledger.exists():
        sys.exit(f"locust wrote no ledger: see {folder / 'locust.log'}")
    check = json.loads(this_script(env, "check", str(plan_path), str(ledger)))
    stats = read_stats(prefix)
    return {
        "database": "SQLite" if database == "sqlite" else "PostgreSQL",
        "started": started,
        "load": load,
        "stats": stats,
        "check": check,
    }


def report(result: dict[str, Any]) -> str:
    total = next(row for row in result["stats"] if row["name"] == "Aggregated")
    check = result["check"]
    lines = [
        f"### {result['database']}, two gunicorn servers",
        "",
        "| request | count | failures | p50 (ms) | p95 (ms) | req/s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in result["stats"]:
        name = "**all**" if row["name"] == "Aggregated" else row["name"]
        lines.append(
            f"| {name} | {row['requests']:,} | {row['failures']} | {row['p50']:.0f} "
            f"| {row['p95']:.0f} | {row['rps']:.1f} |"
        )
    lines += [
        "",
        f"Started {result['started']:%Y-%m-%d %H:%M} UTC; errors: "
        f"**{total['failures']}**; edits acknowledged: {check['acknowledged']}, "
        f"found in the database: {check['stored']}, **lost writes: "
        f"{check['lost']}** (sent without an answer, and stored: "
        f"{check['unacknowledged']}); audit trail verifies: "
        f"{check['audit_verifies']}. "
        f"Load average (1 min) during the run: {min(result['load']):.1f} to "
        f"{max(result['load']):.1f}.",
    ]
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def record(sections: list[str]) -> None:
    text = "\n".join(
        [
            "## Load test (issue 14)",
            "",
            f"`make load` (bench/load_run.py, bench/locustfile.py): {USERS} locust "
            f"users for {SECONDS} s against two gunicorn servers (production "
            "profile, deploy/gunicorn.conf.py: one sync worker per core each) on "
            f"one database and one Redis cache, {LISTINGS} fictitious listings. "
            "Each user is a listing's organisation administrator: it signs in "
            "with its password and a TOTP code, searches the directory page and "
            "the JSON API, opens listing pages, proposes edits to its listing "
            "and signs out and in again (weights 4, 4, 4, 2, 1; 2 to 6 s "
            "between tasks). Every edit carries a unique token; a lost write is "
            "an acknowledged edit missing from the database at the end. The "
            "load generator runs on the same machine, so it takes some of the "
            "CPU the servers would have.",
            "",
            f"Machine: {machine()}. Other engineers' work ran on the machine at "
            "the same time: the load averages below include it.",
            "",
            *[section + "\n" for section in sections],
        ]
    )
    section_replace("load", text)
    print("Written docs/benchmarks.md")


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory(prefix="relais-load-") as temporary:
        # LOAD_FOLDER keeps the databases, logs and locust's files for a look.
        folder = Path(os.environ.get("LOAD_FOLDER") or temporary)
        for database in DATABASES:
            results.append(run_one(database, folder / database))
    sections = [report(result) for result in results]
    print("\n\n".join(sections))
    if RECORD:
        record(sections)
    failed = False
    for result in results:
        total = next(row for row in result["stats"] if row["name"] == "Aggregated")
        check = result["check"]
        if (
            total["failures"]
            or check["lost"]
            or check["problems"]
            or not check["audit_verifies"]
        ):
            print(f"{result['database']}: FAILED {json.dumps(check)[:2000]}")
            failed = True
    sys.exit(1 if failed else 0)


# The two steps that run inside Django, with the servers' environment.


def setup(plan_path: str, users: int, hosts: list[str]) -> None:
    """Make one organisation administrator per user, each of its own listing."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    django.setup()
    from django.db import transaction

    from relais.accounts.models import AuthenticatorApp, Membership, Role, User
    from relais.accounts.services import two_factor_enable
    from relais.directory.models import Organization

    listings = list(
        Organization.objects.filter(is_fictitious=True).order_by("name")[: users + 200]
    )
    if len(listings) < users:
        sys.exit(
            f"{users} users need {users} listings; the database has {len(listings)}."
        )
    accounts = []
    with transaction.atomic():
        for n, organization in enumerate(listings[:users]):
            email = f"load-{n:03d}@load.relais.invalid"
            password = secrets.token_urlsafe(18)
            user = User.objects.create_user(email, password, first_name="Load")
            Membership.objects.create(
                user=user, organization=organization, role=Role.ORGANISATION_ADMIN
            )
            device = AuthenticatorApp.objects.create(
                user=user, name="Load test", confirmed=False
            )
            two_factor_enable(user=user, device=device)
            accounts.append(
                {
                    "email": email,
                    "password": password,
                    "totp_key": device.bin_key.hex(),
                    "slug": organization.slug,
                }
            )
    words = sorted(
        {
            word.lower()
            for organization in listings
            for word in re.findall(r"\w{5,}", organization.name)
        }
    )
    plan = {
        "hosts": hosts,
        "accounts": accounts,
        "listings": [organization.slug for organization in listings],
        "words": ["", *words[:: max(1, len(words) // 40)]],
    }
    Path(plan_path).write_text(json.dumps(plan), encoding="utf-8")


def lost_writes(
    attempts: list[dict[str, Any]],
    proposals: dict[str, str],
    proposed: dict[str, int],
) -> dict[str, Any]:
    """Compare the edits sent and acknowledged with the database.

    `attempts`: the ledger, each listing's edits in the order they were sent,
    each with its token and whether the server acknowledged it; `proposals`:
    each listing's pending proposed description; `proposed`: how many
    proposals the audit trail records for each listing (one entry in each
    proposal's transaction). A pending proposal replaces the one before it,
    so: every acknowledged edit has its audit entry, and the pending proposal
    is the last acknowledged edit or one sent after it whose answer did not
    arrive. An edit never sent must not be there either.
    """
    sent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for attempt in attempts:
        sent[attempt["slug"]].append(attempt)
    lost = unacknowledged = 0
    problems = []
    for slug, edits in sorted(sent.items()):
        acknowledged = [n for n, edit in enumerate(edits) if edit["acknowledged"]]
        stored = proposed.get(slug, 0)
        if stored < len(acknowledged):
            lost += len(acknowledged) - stored
            problems.append(
                f"{slug}: {len(acknowledged)} edits acknowledged, {stored} stored"
            )
        elif stored > len(edits):
            problems.append(f"{slug}: {stored} stored, only {len(edits)} sent")
        else:
            unacknowledged += stored - len(acknowledged)
        if not acknowledged:
            continue
        possible = {edit["token"] for edit in edits[acknowledged[-1] :]}
        found = re.search(r"\[load ([0-9a-f]{32})\]", proposals.get(slug, ""))
        if found is None or found.group(1) not in possible:
            lost += 1
            problems.append(f"{slug}: the last acknowledged edit is not the proposal")
    return {
        "acknowledged": sum(1 for attempt in attempts if attempt["acknowledged"]),
        "stored": sum(proposed.get(slug, 0) for slug in sent),
        "lost": lost,
        "unacknowledged": unacknowledged,
        "problems": problems,
    }


def check(plan_path: str, ledger_path: str) -> None:
    """Print the lost-write check (JSON) and whether the audit trail verifies."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from relais.audit.models import AuditEntry
    from relais.directory.models import Organization
    from relais.verification.models import ListingChangeRequest, ReviewStatus

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    ledger = json.loads(Path(ledger_path).read_text(encoding="utf-8"))
    slugs = [account["slug"] for account in plan["accounts"]]
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in=slugs)}
    target_of = {
        str(getattr(o, "uuid", None) or o.pk): slug for slug, o in organizations.items()
    }
    counts = (
        AuditEntry.objects.filter(
            action="listing_change_proposed", target__in=target_of
        )
        .values("target")
        .annotate(n=Count("pk"))
    )
    proposed = {target_of[row["target"]]: row["n"] for row in counts}
    proposals = {
        change.organization.slug: change.proposed.get("description", "")
        for change in ListingChangeRequest.objects.filter(
            organization__slug__in=slugs, status=ReviewStatus.PENDING
        ).select_related("organization")
    }
    result = lost_writes(ledger, proposals, proposed)
    try:
        call_command("audit", "verify", stdout=open(os.devnull, "w"))  # noqa: SIM115
        result["audit_verifies"] = True
    except SystemExit as exit_:
        result["audit_verifies"] = exit_.code in (0, None)
    except Exception as error:
        result["audit_verifies"] = False
        result["problems"].append(f"audit verify: {error}")
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1:2] == ["check"]:
        check(sys.argv[2], sys.argv[3])
    else:
        main()
