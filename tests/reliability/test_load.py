"""Load on PostgreSQL with the Redis broker: 20 connections of 2,000 records each, all due at once,
two ``qcluster`` processes.

Every run completes, and completes well: both sides of each connection end with the 1,500 emails of
its seed, none twice, and the same end state as every other connection (they share one seed).
No lease is ever held twice (no two runs of one connection overlap in time), PostgreSQL reports no
deadlock, and the admin's connection list answers in under a second all along.

The 40 sandboxes run in processes of their own (:mod:`sandbox_farm`), and the admin is a real server
(``runserver`` with production settings, DEBUG off) asked over HTTP, as ops staff would. PostgreSQL
only: on SQLite (one writer at a time) the test would measure SQLite's lock, not the product; CI runs
it on PostgreSQL. ``LOAD_RECORDS`` (records per connection, 2,000), ``LOAD_CONNECTIONS`` (20) and
``LOAD_DEADLINE_SECONDS`` (250) scale it for a slower machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection as db
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from connections.models import ConnectedAccount, Connection
from connections.services import verify_account
from syncengine.choices import RunStatus
from syncengine.models import ConnectionState, SyncRun
from syncengine.schedules import connection_schedule_name

from ..integration.processes import ROOT, child_env, redis_test_url, start_qcluster, stop
from .sandbox_farm import seed_counts

CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "20"))
RECORDS = int(os.environ.get("LOAD_RECORDS", "2000"))  # per connection (fewer on a slow machine: docs/reliability.md)
FARMS = 2  # sandbox processes (seeding and serving on both cores)
CLUSTERS = 2
WORKERS_PER_CLUSTER = 2
# From the clusters' start (django-q2's guard loop first calls the scheduler after 30 s, whatever the
# guard cycle); with the setup before and the checks after, the test stays under 5 minutes.
DEADLINE_SECONDS = int(os.environ.get("LOAD_DEADLINE_SECONDS", "250"))
ADMIN_LIST_LIMIT_SECONDS = 1.0
NETSUITE_RECORDS, GOOGLE_RECORDS, SHARED = seed_counts(RECORDS)
UNIQUE_EMAILS = NETSUITE_RECORDS + GOOGLE_RECORDS - SHARED
REDIS_DB = 7  # a database of its own on the test Redis, cleaned up afterwards

pytestmark = [
    pytest.mark.integration,
    pytest.mark.exclusive,  # both cores for its workers, and the admin list's 1 s bound: never beside other tests
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the load test runs on PostgreSQL only (set DATABASE_URL; CI does): SQLite takes one writer at a time",
    ),
]


def redis_url() -> str:
    return redis_test_url(REDIS_DB)


@pytest.fixture
def redis_queue():
    url = redis_url()
    try:
        client = redis.from_url(url)
        client.ping()
    except redis.RedisError as exc:  # a missing service is a failure, not a skip
        pytest.fail(f"Redis is needed at {url} ({exc}); start it or set REDIS_URL_FOR_TESTS.")
    name = f"load-{uuid.uuid4().hex[:8]}"
    yield url, name
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


class Farm:
    """The sandbox farm child process (see sandbox_farm.py)."""

    def __init__(self, pairs: int, records: int, first: int, env: dict[str, str]):
        script = str(Path(__file__).with_name("sandbox_farm.py"))
        self.process = subprocess.Popen(
            [sys.executable, script, str(pairs), str(records), str(first)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ready(self) -> list[dict]:
        """The pairs, once seeded."""
        return json.loads(self.process.stdout.readline())

    def summary(self) -> list[dict] | None:
        if self.process.poll() is not None:
            return None
        self.process.stdin.write("summary\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        try:
            self.process.communicate("quit\n", timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def connect(index: int, pair: dict) -> Connection:
    """Accounts on one pair of sandboxes (NetSuite verified over HTTP) and a connection between them."""
    ns = pair["netsuite"]
    netsuite = ConnectedAccount(
        provider="netsuite", label=f"Load NetSuite {index}", account_id=ns["account_id"], api_base_url=ns["base_url"]
    )
    netsuite.set_credentials({k: ns[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
    netsuite.save()
    result = verify_account(netsuite)
    assert result.ok, result.message
    g = pair["google"]
    google = ConnectedAccount(
        provider="google_contacts", label=f"Load Google {index}", account_id=g["user_email"], api_base_url=g["base_url"]
    )
    google.set_credentials({"refresh_token": g["refresh_token"]})
    google.save()
    subsidiary = netsuite.subsidiaries.filter(is_inactive=False, is_elimination=False).order_by("internal_id").first()
    return Connection.objects.create(
        name=f"Load {index}",
        netsuite_account=netsuite,
        subsidiary=subsidiary,
        contact_type="individual_customers",
        app_account=google,
    )


class AdminServer:
    """``manage.py runserver`` with production settings (DEBUG off), and a logged-in administrator's session."""

    def __init__(self, user, log_path: Path):
        self.base_url = f"http://127.0.0.1:{free_port()}"
        env = child_env(
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,  # the session below is signed with it
            FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback
        )
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", self.base_url.removeprefix("http://")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        # The session cookie is Secure outside DEBUG: sent by hand over the loopback's plain HTTP.
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get(reverse("admin:index")).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)

    def get(self, path: str) -> requests.Response:
        return requests.get(self.base_url + path, headers=self.headers, allow_redirects=False, timeout=30)

    def stop(self) -> None:
        stop(self.process)
        self.log.close()


def free_port() -> int:
    """A port nobody listens on now (the OS picks it), for the admin server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def deadlocks() -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def overlapping(runs: list[SyncRun]) -> list[tuple[int, int]]:
    """Pairs of runs of one connection whose [started_at, finished_at] overlap (runs that never started,
    i.e. were skipped for the lease, have no interval)."""
    found = []
    for connection_id in {r.connection_id for r in runs}:
        mine = [r for r in runs if r.connection_id == connection_id and r.started_at]
        started = sorted(mine, key=lambda r: r.started_at)
        for before, after in zip(started, started[1:], strict=False):
            if after.started_at < before.finished_at:
                found.append((before.pk, after.pk))
    return found


def test_twenty_connections_due_at_once_on_two_clusters_all_complete_without_overlap(redis_queue, admin_user, tmp_path):
    url, cluster = redis_queue
    started = time.monotonic()
    share = -(-CONNECTIONS // FARMS)
    farms = [
        Farm(min(share, CONNECTIONS - first), RECORDS, first, child_env()) for first in range(0, CONNECTIONS, share)
    ]
    clusters, admin_server = [], None
    try:
        admin_server = AdminServer(admin_user, tmp_path / "runserver.log")
        pairs = [pair for farm in farms for pair in farm.ready()]
        connections = [connect(i, pair) for i, pair in enumerate(pairs)]
        google = pairs[0]["google"]
        env = child_env(
            REDIS_URL=url,
            Q_CLUSTER_NAME=cluster,
            Q_WORKERS=str(WORKERS_PER_CLUSTER),
            GOOGLE_CLIENT_ID=google["client_id"],
            GOOGLE_CLIENT_SECRET=google["client_secret"],
            LOG_LEVEL="WARNING",
        )
        changelist = reverse("admin:connections_connection_changelist")
        assert admin_server.get(changelist).status_code == 200  # warm (templates, first queries): not the load's doing
        baseline = []  # the same request before any worker runs: what the machine gives without our load
        for _ in range(10):
            tick = time.perf_counter()
            admin_server.get(changelist)
            baseline.append(time.perf_counter() - tick)
            time.sleep(0.2)
        baseline.sort()
        # Each connection got its schedule when it was saved (first due one interval later): all due now.
        due = Schedule.objects.filter(name__in=[connection_schedule_name(c.pk) for c in connections])
        assert due.update(next_run=timezone.now()) == CONNECTIONS
        deadlocks_before = deadlocks()
        ready = time.monotonic()
        clusters = [start_qcluster(env, tmp_path / f"qcluster-{n}.log") for n in range(CLUSTERS)]
        timings = []
        while True:
            tick = time.perf_counter()
            response = admin_server.get(changelist)
            timings.append(time.perf_counter() - tick)
            assert response.status_code == 200 and "Load 0" in response.text
            runs = list(SyncRun.objects.filter(connection__in=connections))
            succeeded = {r.connection_id for r in runs if r.status == RunStatus.SUCCEEDED}
            active = [r for r in runs if r.status in (RunStatus.QUEUED, RunStatus.RUNNING)]
            if len(succeeded) == CONNECTIONS and not active:
                break
            logs = "\n".join(f"--- {p}\n{p.read_text()[-3000:]}" for p in sorted(tmp_path.glob("qcluster-*.log")))
            assert all(c.poll() is None for c in clusters), f"a qcluster died:\n{logs}"
            assert time.monotonic() - ready < DEADLINE_SECONDS, (
                f"{len(succeeded)} of {CONNECTIONS} connections synced after {DEADLINE_SECONDS}s; "
                f"statuses {sorted(r.status for r in runs)}\n{logs}"
            )
            if len(timings) % 20 == 0:
                print(f"{time.monotonic() - ready:.0f}s: {len(succeeded)} synced, {len(active)} active", flush=True)
            time.sleep(0.5)
        synced = time.monotonic()
    finally:
        for process in clusters:
            stop(process)
        if admin_server is not None:
            admin_server.stop()
        summaries = [farm.summary() for farm in farms]
        for farm in farms:
            farm.stop()

    runs = list(SyncRun.objects.filter(connection__in=connections).order_by("pk"))
    assert {r.status for r in runs} <= {RunStatus.SUCCEEDED, RunStatus.SKIPPED}, [
        (r.pk, r.status, r.error[:200]) for r in runs if r.status not in (RunStatus.SUCCEEDED, RunStatus.SKIPPED)
    ]
    assert overlapping(runs) == []
    assert len({r.worker for r in runs if r.started_at}) == len([r for r in runs if r.started_at])
    assert deadlocks() == deadlocks_before
    assert not ConnectionState.objects.filter(connection__in=connections).exclude(lease_holder="").exists()
    assert None not in summaries, "a sandbox farm died"
    summary = [pair for found in summaries for pair in found]
    for index, pair in enumerate(summary):
        assert pair["emails"] == {"netsuite": UNIQUE_EMAILS, "google": UNIQUE_EMAILS}, index
        assert pair["twins"] == {"netsuite": [], "google": []}, index
    assert len({pair["fingerprint"] for pair in summary}) == 1, "the same seed ended differently"
    timings.sort()
    spread = (
        f"median {timings[len(timings) // 2]:.2f}s, 95th {timings[len(timings) * 95 // 100]:.2f}s, "
        f"max {timings[-1]:.2f}s (before the workers started: median {baseline[5]:.2f}s, max {baseline[-1]:.2f}s)"
    )
    busiest = max((r.duration for r in runs if r.duration), default=None)
    print(
        f"\nload: {CONNECTIONS} connections x {RECORDS} records, {CLUSTERS} clusters x "
        f"{WORKERS_PER_CLUSTER} workers: setup {ready - started:.0f}s, all synced in {synced - ready:.0f}s "
        f"({len(runs)} runs, {sum(r.status == RunStatus.SKIPPED for r in runs)} skipped, longest {busiest}); "
        f"admin list {len(timings)} requests, {spread}; deadlocks 0"
    )
    assert timings[-1] < ADMIN_LIST_LIMIT_SECONDS, f"the admin's connection list took too long: {spread}"
