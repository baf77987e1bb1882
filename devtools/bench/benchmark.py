"""The sync benchmark behind ``manage.py bench_sync`` (issue 9).

Three processes: the command itself (:func:`run_isolated`) migrates a
temporary SQLite database (the user's database never sees the bench) and
starts the measuring process on it (``bench_sync --measure``:
:func:`run_benchmark`), which starts the sandboxes in a third one
(``bench_sync --serve-sandboxes``: :func:`serve_sandboxes`), so that their
CPU work does not share the GIL with the engine being measured.

The measuring process seeds the sandboxes over their control API, creates a
bench connection (paused, so no schedule picks it up; removed afterwards,
also when a previous bench was interrupted), and runs the phases:

- ``initial``: the first sync of N ⇄ N records, half of them sharing emails;
- ``incremental``: a sync after 1% of the records changed on each side;
- ``no_change``: a sync with nothing changed.

Before ``incremental`` and ``no_change`` the engine first reads back its own
writes of the previous phase (a *settle* run, reported apart): otherwise
those echoes, not the changes, would dominate what is measured.

Every run is measured in the measuring process: wall time, CPU time, SQL
queries (a ``connection.execute_wrapper`` counter), peak RSS. The sandboxes'
request logs are summarised in their process (reads and writes per side,
429s, the time at least one request was in flight), so that the log of
100,000 writes never travels to the measured one. The theoretical minimum is
:func:`minimum_seconds`; ``docs/benchmarks.md`` states the formula.
"""

from __future__ import annotations

import cProfile
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.test.utils import override_settings

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.google_contacts.oauth import GoogleOAuthEndpoints, authorization_url, exchange_code
from connections.services import verify_account
from sandbox.common.http import Request, json_response
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_default
from sandbox.google.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_default
from syncengine.choices import Outcome, SyncDirection, Trigger
from syncengine.models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome, SyncRun
from syncengine.runner import run_sync

# --- what the benchmark runs ------------------------------------------------------------
PHASES = ("initial", "incremental", "no_change")
CHANGE_EVERY = 100  # 1% of the records change on each side before the incremental phase
SEED_CHUNK = 2000  # records per /_sandbox/seed call

# API limits the minimum time is computed from (issue 9; reference netsuite.md, google-people.md).
NETSUITE_READ_PAGE = 1000  # SuiteQL rows per request
GOOGLE_READ_PAGE = 1000  # connections.list page size
GOOGLE_WRITE_BATCH = 200  # batchCreateContacts / batchUpdateContacts

# The bench's own accounts: ids no real or demo account uses (accounts are unique per provider
# and account id), so the bench never touches the user's accounts and finds its leftovers again.
BENCH_NETSUITE_ACCOUNT = "9999999_BENCH"
BENCH_GOOGLE_USER = "bench.user@bench.example"
BENCH_CONNECTION_NAME = "bench_sync: temporary benchmark connection (removed after the run)"
SANDBOX_HOST = "127.0.0.1"
REDIRECT_URI = f"http://{SANDBOX_HOST}:1/bench_sync/callback/"  # a loopback URI: the sandbox accepts it unregistered

READY = "bench_sync sandboxes: "  # the sandbox process's first line of its own on stdout

Log = Callable[[str], None]


@dataclass
class BenchOptions:
    """What to measure: N records per side, the APIs' latency and NetSuite's concurrency limit."""

    records: int = 10_000
    latency_ms: float = 50.0
    netsuite_concurrency: int = 5
    phases: tuple[str, ...] = PHASES
    profile_dir: Path | None = None  # write <phase>.prof (cProfile) there; slows the runs down


# --- seed data --------------------------------------------------------------------------------
def netsuite_customer(index: int, stamp: str) -> dict:
    """Individual customer ``index`` in subsidiary 1, last changed at ``stamp``; even ones have a
    phone Google lacks."""
    body = {
        "isPerson": True,
        "subsidiary": {"id": "1"},
        "dateCreated": stamp,
        "lastModifiedDate": stamp,
        "firstName": f"Nora{index}",
        "lastName": f"Bench{index % 97}",
        "email": f"person{index:06d}@bench.example",
    }
    if index % 2 == 0:
        body["phone"] = f"+1 415 555 {index % 10_000:04d}"
    return body


def google_person(index: int, records: int) -> dict:
    """Contact ``index``; the first half share an email with the NetSuite customer of the same
    index (odd ones have a job title NetSuite lacks), the others are Google-only."""
    shared = index < records // 2
    email = f"person{index:06d}@bench.example" if shared else f"contact{index:06d}@bench.example"
    person = {
        "names": [{"givenName": f"Nora{index}" if shared else f"Gina{index}", "familyName": f"Bench{index % 97}"}],
        "emailAddresses": [{"value": email}],
    }
    if index % 2 == 1:
        person["organizations"] = [{"title": f"Title {index % 13}"}]
    return person


def netsuite_changed(index: int) -> bool:
    return index % CHANGE_EVERY == 0


def google_changed(index: int) -> bool:
    # Offset from NetSuite's: no pair is changed on both sides (no conflicts to resolve).
    return index % CHANGE_EVERY == CHANGE_EVERY // 2


# --- the child process: both sandboxes, plus the bench's own control calls -----------------------
def _is_read(side: str, method: str, path: str) -> bool:
    if method == "GET":
        return True
    # SuiteQL is a POST that reads.
    return side == "netsuite" and method == "POST" and path.endswith("/suiteql")


def _call_path(path: str) -> str:
    """The path with record ids left out, so that calls of one kind count together."""
    parts = []
    for part in path.split("/"):
        if part.isdigit() or part.startswith("eid:") or (part[:1] == "c" and part[1:].isdigit()):
            part = "{id}"
        parts.append(part)
    return "/".join(parts)


def summarize_requests(side: str, log: list[dict]) -> dict:
    """Reads, writes and 429s of ``log`` (a sandbox's request log), the time at least one request
    was in flight (``busy_s``) and the most requests in flight at once."""
    kinds = ["read" if _is_read(side, r["method"], r["path"]) else "write" for r in log]
    counts = Counter(kinds)
    server_ms = Counter()
    for kind, entry in zip(kinds, log, strict=True):
        server_ms[kind] += entry["ms"]
    events = sorted([(r["start"], 1) for r in log] + [(r["end"], -1) for r in log])
    busy = 0.0
    in_flight = most = 0
    since = 0.0
    for moment, step in events:
        if in_flight == 0 and step > 0:
            since = moment
        in_flight += step
        most = max(most, in_flight)
        if in_flight == 0:
            busy += moment - since
    calls = Counter(f"{r['method']} {_call_path(r['path'])}" for r in log)
    writes = [r for r, kind in zip(log, kinds, strict=True) if kind == "write"]
    return {
        "read": counts["read"],
        "write": counts["write"],
        "calls": dict(calls.most_common()),
        "throttled": sum(1 for r in log if r["status"] == 429),
        "busy_s": round(busy, 3),
        # Time the sandbox took per request (latency included), from its arrival to its answer.
        "mean_ms": {
            kind: round(server_ms[kind] / counts[kind], 1) if counts[kind] else None for kind in ("read", "write")
        },
        "max_in_flight": most,
        # When the writes ran within the window: from the first request to the first write
        # (reading and planning before anything is written), and from the last write's answer
        # to the last request's (reading back and the end of the run).
        # Requests in flight on average in each second of the window (the first request's second first).
        "in_flight_per_s": _in_flight_per_second(log),
        "writes_from_s": round(min(r["start"] for r in writes) - min(r["start"] for r in log), 3) if writes else None,
        "after_writes_s": round(max(r["end"] for r in log) - max(r["end"] for r in writes), 3) if writes else None,
    }


def _in_flight_per_second(log: list[dict]) -> list[float]:
    if not log:
        return []
    origin = min(r["start"] for r in log)
    seconds = [0.0] * (int(max(r["end"] for r in log) - origin) + 1)
    for r in log:
        start, end = r["start"] - origin, r["end"] - origin
        second = int(start)
        while start < end:
            edge = min(end, second + 1)
            seconds[second] += edge - start
            start, second = edge, second + 1
    return [round(value, 2) for value in seconds]


class BenchControls:
    """WSGI middleware over one sandbox adding the bench's control calls under ``/_bench/``:

    - ``POST /_bench/mark``: start a new measuring window of the request log;
    - ``GET /_bench/requests``: :func:`summarize_requests` of the window;
    - ``POST /_bench/touch`` (Google only): ``{"changes": [{"resourceName", "person"}]}``, each
      applied with :meth:`GoogleSandbox.touch` (a change made by the user in Google Contacts;
      the Google sandbox has no such call in its control API, unlike NetSuite's ``/_sandbox/touch``).
    """

    def __init__(self, side: str, app):
        self.side = side
        self.app = app
        self.mark = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_bench/"):
            return self.app(environ, start_response)
        request = Request.from_environ(environ)
        action = path[len("/_bench/") :]
        if action == "mark" and request.method == "POST":
            self.mark = len(self.app.requests())
            return json_response({"ok": True})(start_response)
        if action == "requests" and request.method == "GET":
            return json_response(summarize_requests(self.side, self.app.requests()[self.mark :]))(start_response)
        if action == "touch" and request.method == "POST" and self.side == "google":
            try:
                for change in request.json()["changes"]:
                    self.app.touch(change["resourceName"], **change["person"])
            except (KeyError, ValueError, TypeError) as exc:
                return json_response({"error": f"bad touch: {exc}"}, 400)(start_response)
            return json_response({"ok": True})(start_response)
        return json_response({"error": f"unknown bench call {request.method} {path}"}, 404)(start_response)


def serve_sandboxes(latency_ms: float, netsuite_concurrency: int, host: str = SANDBOX_HOST) -> None:
    """The child process's main: serve both sandboxes on free ports, print their base URLs as one
    JSON line, and serve until stdin closes (the parent ended, or stopped us)."""
    netsuite_cfg = netsuite_default()
    netsuite_cfg.account_id = BENCH_NETSUITE_ACCOUNT
    netsuite_cfg.faults.latency_ms = latency_ms
    netsuite_cfg.faults.concurrency_limit = netsuite_concurrency
    # Google's per-minute quotas are left out: the bench measures the engine against latency,
    # concurrency and batch sizes, not a quota (10,000 records would wait minutes on 60 a minute).
    google_cfg = google_default().replace(
        user_email=BENCH_GOOGLE_USER,
        read_quota_per_minute=None,
        write_quota_per_minute=None,
        other_write_quota_per_minute=None,
        group_read_quota_per_minute=None,
    )
    google_cfg.faults.latency_ms = latency_ms
    netsuite, google = NetSuiteSandbox(netsuite_cfg), GoogleSandbox(google_cfg)
    servers = {
        "netsuite": SandboxServer(BenchControls("netsuite", netsuite), host, 0).start(),
        "google": SandboxServer(BenchControls("google", google), host, 0).start(),
    }
    sys.stdout.write(READY + json.dumps({side: server.base_url for side, server in servers.items()}) + "\n")
    sys.stdout.flush()
    # From now on nobody reads our stdout: send what logging writes there to stderr, lest a full
    # pipe block the sandboxes.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        sys.stdin.read()
    finally:
        for server in servers.values():
            server.stop()


class SandboxProcess:
    """The child process serving the sandboxes, and the control calls the bench makes to it."""

    def __init__(self, latency_ms: float, netsuite_concurrency: int):
        self.latency_ms = latency_ms
        self.netsuite_concurrency = netsuite_concurrency
        self.session = requests.Session()
        self.process: subprocess.Popen | None = None
        self.urls: dict[str, str] = {}

    def start(self) -> SandboxProcess:
        self._errors = tempfile.TemporaryFile(mode="w+")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, PYTHONUNBUFFERED="1")
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_sync",
            "--serve-sandboxes",
            "--latency-ms",
            str(self.latency_ms),
            "--netsuite-concurrency",
            str(self.netsuite_concurrency),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        for line in self.process.stdout:  # log lines may come first
            if line.startswith(READY):
                self.urls = json.loads(line[len(READY) :])
                return self
        self._errors.seek(0)
        errors = self._errors.read()[-2000:]
        self.stop()
        raise RuntimeError(f"The sandbox process did not start: {errors}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # the child serves until its stdin closes
            self.process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=15)
        self.process.stdout.close()
        self._errors.close()
        self.session.close()
        self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def call(self, side: str, method: str, path: str, payload: dict | None = None, timeout: float = 600) -> dict:
        response = self.session.request(method, self.urls[side] + path, json=payload, timeout=timeout)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} on the {side} sandbox: HTTP {response.status_code} {response.text}")
        return response.json()

    def mark(self) -> None:
        for side in ("netsuite", "google"):
            self.call(side, "POST", "/_bench/mark")

    def request_summary(self) -> dict[str, dict]:
        return {side: self.call(side, "GET", "/_bench/requests") for side in ("netsuite", "google")}


# --- seeding and changing records as users would ---------------------------------------------------
@dataclass
class Seeded:
    """The ids of the seeded records the bench changes later (only those: a 100,000-id list
    would weigh on the peak RSS being measured)."""

    netsuite: dict[int, str] = field(default_factory=dict)  # index → internal id
    google: dict[int, str] = field(default_factory=dict)  # index → resource name


def seed(sandboxes: SandboxProcess, records: int) -> Seeded:
    """N individual customers and N Google contacts, in chunks through ``/_sandbox/seed``."""
    seeded = Seeded()
    # The records existed before the connection did: changed two days ago, not in the last
    # seconds (a NetSuite read of changes looks a day back, for the account's time zone).
    stamp = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for start in range(0, records, SEED_CHUNK):
        indexes = range(start, min(start + SEED_CHUNK, records))
        created = sandboxes.call(
            "netsuite",
            "POST",
            "/_sandbox/seed",
            {"records": {"customer": [netsuite_customer(i, stamp) for i in indexes]}},
        )["created"]["customer"]
        seeded.netsuite.update({i: str(rid) for i, rid in zip(indexes, created, strict=True) if netsuite_changed(i)})
        names = sandboxes.call(
            "google", "POST", "/_sandbox/seed", {"persons": [google_person(i, records) for i in indexes]}
        )["resourceNames"]
        seeded.google.update({i: name for i, name in zip(indexes, names, strict=True) if google_changed(i)})
    return seeded


def next_second() -> None:
    """Wait (unmeasured) until a new second has begun.

    NetSuite's ``lastModifiedDate`` has whole seconds, so a read starting in
    the second of the last write before it reads that second again next time
    (by design: a second save within it would carry the same stamp). Runs
    are minutes apart in production; the bench's runs follow each other at
    once, so before each one it lets the current second end.
    """
    time.sleep(1.05 - (time.time() % 1.0))


def change_one_percent(sandboxes: SandboxProcess, seeded: Seeded) -> dict[str, int]:
    """Change 1% of the records on each side as their users would; returns how many per side."""
    # NetSuite's lastModifiedDate has whole seconds: a change in the second the previous run read
    # last could carry the same stamp as what that run saw. Start the changes in a new second.
    next_second()
    for index, record_id in seeded.netsuite.items():
        sandboxes.call(
            "netsuite",
            "POST",
            "/_sandbox/touch",
            {"type": "customer", "id": int(record_id), "fields": {"title": f"Changed in NetSuite {index}"}},
        )
    changes = [
        {"resourceName": name, "person": {"organizations": [{"title": f"Changed in Google {index}"}]}}
        for index, name in seeded.google.items()
    ]
    sandboxes.call("google", "POST", "/_bench/touch", {"changes": changes})
    next_second()  # and let that second end before the sync reads
    return {"netsuite": len(seeded.netsuite), "google": len(changes)}


# --- the bench connection ------------------------------------------------------------------------------
def remove_bench_data(log: Log | None = None) -> None:
    """Delete the bench's accounts and everything hanging from them (runs, outcomes, links,
    mirror, state, mappings, rules, subsidiaries), in bulk."""
    accounts = ConnectedAccount.objects.filter(provider="netsuite", account_id=BENCH_NETSUITE_ACCOUNT) | (
        ConnectedAccount.objects.filter(provider="google_contacts", account_id=BENCH_GOOGLE_USER)
    )
    account_ids = list(accounts.values_list("pk", flat=True))
    if not account_ids:
        return
    connections = Connection.objects.filter(netsuite_account__in=account_ids) | Connection.objects.filter(
        app_account__in=account_ids
    )
    connection_ids = list(connections.values_list("pk", flat=True))
    with transaction.atomic():
        # Outcomes first, so that deleting the links has no SET_NULL to do row by row.
        RecordOutcome.objects.filter(run__connection__in=connection_ids).delete()
        SyncRun.objects.filter(connection__in=connection_ids).delete()
        RecordLink.objects.filter(connection__in=connection_ids).delete()
        MirrorRecord.objects.filter(connection__in=connection_ids).delete()
        ConnectionState.objects.filter(connection__in=connection_ids).delete()
        Connection.objects.filter(pk__in=connection_ids).delete()
        Subsidiary.objects.filter(account__in=account_ids).delete()
        ConnectedAccount.objects.filter(pk__in=account_ids).delete()
    if log:
        log("Removed the bench connection and its accounts from the database.")


def create_bench_connection(sandboxes: SandboxProcess, netsuite_concurrency: int):
    """The bench's NetSuite and Google accounts (verified over HTTP) and a paused connection
    between them: individual customers of subsidiary 1 ⇄ all Google contacts, default mappings."""
    ns_info = NetSuiteSandbox.print_config(sandboxes.urls["netsuite"]) | {"account_id": BENCH_NETSUITE_ACCOUNT}
    netsuite = ConnectedAccount(
        provider="netsuite",
        label="bench_sync NetSuite sandbox (temporary)",
        account_id=BENCH_NETSUITE_ACCOUNT,
        api_base_url=ns_info["base_url"],
        concurrency_limit=netsuite_concurrency,
    )
    netsuite.set_credentials({k: ns_info[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
    netsuite.save()
    result = verify_account(netsuite)
    if not result.ok:
        raise RuntimeError(f"The bench NetSuite account could not be verified: {result.message}")
    # The OAuth dance, as a browser would do it (the sandbox consents at once).
    endpoints = GoogleOAuthEndpoints.for_base_url(sandboxes.urls["google"])
    consent = sandboxes.session.get(
        authorization_url(endpoints, DEMO_CLIENT_ID, REDIRECT_URI, "bench"), allow_redirects=False, timeout=30
    )
    code = parse_qs(urlsplit(consent.headers.get("Location", "")).query).get("code", [""])[0]
    if not code:
        raise RuntimeError(f"The Google sandbox did not grant a code (HTTP {consent.status_code}).")
    tokens = exchange_code(endpoints, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, code, REDIRECT_URI)
    google = ConnectedAccount(
        provider="google_contacts",
        label="bench_sync Google sandbox (temporary)",
        account_id=BENCH_GOOGLE_USER,
        api_base_url=sandboxes.urls["google"],
    )
    google.set_credentials(tokens)
    google.save()
    google.mark_status(AccountStatus.VERIFIED, "Connected to the Google sandbox by bench_sync.")
    return Connection.objects.create(
        name=BENCH_CONNECTION_NAME,
        netsuite_account=netsuite,
        subsidiary=netsuite.subsidiaries.get(internal_id="1"),
        contact_type="individual_customers",
        app_account=google,
        paused=True,  # never scheduled, whatever cluster runs against this database
        paused_reason="A temporary connection of manage.py bench_sync.",
    )


# --- measuring ----------------------------------------------------------------------------------------------
def minimum_seconds(
    latency_s: float,
    concurrency: int,
    reads: dict[str, int],
    writes: dict[str, dict[str, int]],
    *,
    incremental: bool,
) -> tuple[float, float]:
    """The least time the APIs allow for a run, as (one side after the other, both sides overlapped).

    Requests: NetSuite ``ceil(reads/1000)`` SuiteQL pages (at least one), plus one DeletedRecord
    query when reading changes since a cursor, one after the other; ``ceil(writes/concurrency)``
    rounds of single-record writes. Google ``ceil(reads/1000)`` pages (at least one);
    ``ceil(creates/200) + ceil(updates/200)`` batch writes. Each request costs ``latency_s``.
    """
    ns_requests = (
        max(1, math.ceil(reads["netsuite"] / NETSUITE_READ_PAGE))
        + (1 if incremental else 0)
        + math.ceil(sum(writes["netsuite"].values()) / concurrency)
    )
    google_requests = max(1, math.ceil(reads["google"] / GOOGLE_READ_PAGE)) + sum(
        math.ceil(count / GOOGLE_WRITE_BATCH) for count in writes["google"].values()
    )
    return latency_s * (ns_requests + google_requests), latency_s * max(ns_requests, google_requests)


def code_version() -> str | None:
    """The commit measured (``+dirty`` when the engine's code differs from it), when git knows."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "syncengine", "connections", "mappings", "rules"],
            cwd=settings.BASE_DIR,
            timeout=10,
        ).returncode
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("+dirty" if dirty else "")) or None


def _rss_mb(kilobytes: float) -> float:
    return round(kilobytes / 1024, 1)


def _reset_phase_peak() -> None:
    """Reset Linux's per-process RSS high-water mark (VmHWM), so a later phase's own peak shows."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def _phase_peak_mb() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return _rss_mb(float(line.split()[1]))
    except OSError:
        pass
    return None


@contextmanager
def count_queries() -> Iterator[list[int]]:
    """Count the SQL statements this thread sends (an ``executemany`` counts once)."""
    counter = [0]

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with db.execute_wrapper(wrapper):
        yield counter


def write_counts(run: SyncRun) -> dict[str, dict[str, int]]:
    """Records the run wrote, per target side: ``{"netsuite": {"create", "update"}, "google": {...}}``
    (an update is an outcome with a field diff: a conflict resolved toward the side that already
    holds the winner writes nothing)."""
    outcomes = RecordOutcome.objects.filter(run=run)
    result = {}
    for side, direction in (("netsuite", SyncDirection.TO_NETSUITE), ("google", SyncDirection.TO_APP)):
        mine = outcomes.filter(direction=direction)
        result[side] = {
            "create": mine.filter(outcome=Outcome.CREATED).count(),
            "update": mine.filter(outcome__in=[Outcome.UPDATED, Outcome.CONFLICT_RESOLVED]).exclude(diff={}).count(),
        }
    return result


class Benchmark:
    """One benchmark: sandboxes, seed, bench connection, phases; :meth:`run` returns the report."""

    def __init__(self, options: BenchOptions, log: Log | None = None):
        self.options = options
        self.log = log or (lambda message: None)
        self.latency_s = options.latency_ms / 1000.0
        self.peak_kb = 0  # the process's peak RSS so far (ru_maxrss)

    def run(self) -> dict:
        options = self.options
        report: dict = {"config": self._config(), "phases": {}, "settle": {}}
        remove_bench_data(self.log)  # leftovers of an interrupted bench
        with SandboxProcess(options.latency_ms, options.netsuite_concurrency) as sandboxes:
            self.sandboxes = sandboxes
            started = time.monotonic()
            self.log(f"Seeding {options.records:,} NetSuite customers and {options.records:,} Google contacts...")
            seeded = seed(sandboxes, options.records)
            report["config"]["seed_s"] = round(time.monotonic() - started, 1)
            # The Google client needs the sandbox's OAuth client to refresh its access token. DEBUG
            # off as in production: Django's debug cursor keeps the text of the last 9,000 queries
            # (bulk inserts of 500 rows each), which would weigh on the time and the RSS measured;
            # so the sandboxes' host is listed as allowed, as production would list a trusted one.
            with override_settings(
                GOOGLE_CLIENT_ID=DEMO_CLIENT_ID,
                GOOGLE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
                DEBUG=False,
                API_BASE_URL_ALLOWED_HOSTS=[*settings.API_BASE_URL_ALLOWED_HOSTS, SANDBOX_HOST],
            ):
                try:
                    self.connection = create_bench_connection(sandboxes, options.netsuite_concurrency)
                    self._phases(report, seeded)
                finally:
                    remove_bench_data(self.log)
        return report

    def _phases(self, report: dict, seeded: Seeded) -> None:
        wanted = self.options.phases
        records = self.options.records
        # The initial sync always runs (the other phases start from its links).
        initial = self._measure("initial", {"netsuite": records, "google": records}, incremental=False)
        if "initial" in wanted:
            report["phases"]["initial"] = initial
        if not {"incremental", "no_change"} & set(wanted):
            return
        report["settle"]["after_initial"] = self._settle("after_initial", initial)
        if "incremental" in wanted:
            changed = change_one_percent(self.sandboxes, seeded)
            incremental = self._measure("incremental", changed)
            report["phases"]["incremental"] = incremental
            if "no_change" in wanted:
                report["settle"]["after_incremental"] = self._settle("after_incremental", incremental)
        if "no_change" in wanted:
            next_second()
            report["phases"]["no_change"] = self._measure("no_change", {"netsuite": 0, "google": 0})

    def _settle(self, name: str, previous: dict) -> dict:
        """A run that reads back the previous run's writes (echoes: nothing should be written)."""
        writes = previous["writes_needed"]
        next_second()
        return self._measure(f"settle_{name}", {side: sum(counts.values()) for side, counts in writes.items()})

    def _measure(self, name: str, reads: dict[str, int], *, incremental: bool = True) -> dict:
        self.log(f"Phase {name}: syncing...")
        self.sandboxes.mark()
        run = SyncRun.objects.create(connection=self.connection, trigger=Trigger.COMMAND)
        _reset_phase_peak()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        profiler = cProfile.Profile() if self.options.profile_dir else None
        stages: dict[str, list[float]] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            moment = round(time.perf_counter() - started, 3)
            stages.setdefault(stage, [moment, moment])[1] = moment

        with count_queries() as queries:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            run = run_sync(run.pk, progress)
            if profiler:
                profiler.disable()
            wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        phase_peak = _phase_peak_mb()
        # Resetting VmHWM resets ru_maxrss too: keep the process's peak ourselves.
        self.peak_kb = max(self.peak_kb, after.ru_maxrss)
        if profiler:
            self.options.profile_dir.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(self.options.profile_dir / f"{name}.prof")
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        api = self.sandboxes.request_summary()
        writes = write_counts(run)
        serial, overlapped = minimum_seconds(
            self.latency_s, self.options.netsuite_concurrency, reads, writes, incremental=incremental
        )
        read_counts = (run.counters or {}).get("read") or {}
        handled = sum(read_counts.values())
        result = {
            "status": run.status,
            "error": run.error[:500],
            "wall_s": round(wall, 3),
            "min_s": round(serial, 3),
            "ratio": round(wall / serial, 2) if serial else None,
            "min_overlapped_s": round(overlapped, 3),
            "records": handled,
            "records_per_s": round(handled / wall, 1) if wall else None,
            "cpu_s": round(cpu, 2),
            "cpu_s_per_record": round(cpu / handled, 6) if handled else None,
            "requests": {side: {"read": api[side]["read"], "write": api[side]["write"]} for side in api},
            "throttled": {side: api[side]["throttled"] for side in api},
            "api_busy_s": {side: api[side]["busy_s"] for side in api},
            "max_in_flight": {side: api[side]["max_in_flight"] for side in api},
            "writes_from_s": {side: api[side]["writes_from_s"] for side in api},
            "in_flight_per_s": {side: api[side]["in_flight_per_s"] for side in api},
            # Seconds into the run of each stage's first and last progress report (a page read, a chunk synced).
            "stages_s": stages,
            "after_writes_s": {side: api[side]["after_writes_s"] for side in api},
            "api_mean_ms": {side: api[side]["mean_ms"] for side in api},
            "calls": {side: api[side]["calls"] for side in api},
            "reads_needed": reads,
            "writes_needed": writes,
            "peak_rss_mb": _rss_mb(self.peak_kb),
            "phase_peak_rss_mb": phase_peak,
            "sql_queries": queries[0],
            # Other processes competing for the CPUs slow every figure down: say how busy the machine was.
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "counters": run.counters,
        }
        self.log(
            f"Phase {name}: {result['wall_s']} s (minimum {result['min_s']} s), {run.status}, "
            f"NetSuite {result['requests']['netsuite']}, Google {result['requests']['google']}."
        )
        return result

    def _config(self) -> dict:
        options = self.options
        return {
            "code": code_version(),
            "records": options.records,
            "latency_ms": options.latency_ms,
            "netsuite_concurrency": options.netsuite_concurrency,
            "phases": list(options.phases),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": db.vendor,
            "machine": platform.machine(),
        }


def run_benchmark(options: BenchOptions, log: Log | None = None) -> dict:
    """Run the benchmark in this process, on the configured database; the report is
    ``{"config": {...}, "phases": {name: figures}, "settle": {name: figures}}``."""
    return Benchmark(options, log).run()


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


def run_isolated(options: BenchOptions, database_url: str | None = None, log: Log | None = None) -> dict:
    """Run the benchmark in a child process on a fresh, migrated database: a temporary SQLite
    file unless ``database_url`` is given. The user's database never sees the bench (nor does
    its change log), and the peak RSS measured is the engine's alone."""
    log = log or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="bench_sync-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, DATABASE_URL=url, PYTHONUNBUFFERED="1")
        log("Preparing the benchmark database (migrate)...")
        migrated = subprocess.run(
            _manage("migrate", "--noinput", "-v", "0"), cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"migrate failed on the benchmark database: {migrated.stderr[-2000:]}")
        report_file = Path(scratch) / "report.json"
        command = _manage(
            "bench_sync",
            "--measure",
            "--report-file",
            str(report_file),
            "--records",
            str(options.records),
            "--latency-ms",
            str(options.latency_ms),
            "--netsuite-concurrency",
            str(options.netsuite_concurrency),
            "--phases",
            ",".join(options.phases),
        )
        if options.profile_dir:
            command += ["--profile-dir", str(Path(options.profile_dir).resolve())]
        # The child's progress lines and logs go to our stderr (file descriptor 2): our stdout is
        # for the figures only.
        measured = subprocess.run(command, cwd=settings.BASE_DIR, env=env, stdout=2)
        if not report_file.exists():
            raise RuntimeError(f"The benchmark process failed (exit code {measured.returncode}).")
        return json.loads(report_file.read_text())
