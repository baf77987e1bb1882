"""A restart of the shared services in the middle of a run loses nothing and leaves nothing held.

A sync of both sandboxes (a few hundred records each way, NetSuite at 30 ms a request) is run by a real
``qcluster`` worker on a private PostgreSQL (:mod:`private_services`, started by this module, never the
machine's own), and in the middle of its writes:

- (a) PostgreSQL is restarted (``pg_ctl restart -m fast``: every connection is cut), with the ORM broker
  and the slots in the database;
- (b) Redis is restarted (every connection cut, and every key lost: it persists nothing), with the Redis
  broker and the slots in Redis.

Then the run has either finished or failed with a clear message (never left "running"), the same worker
process runs the next runs, which catch up, and in the end both sandboxes hold every person once: 0 lost,
0 duplicated. No connection lease and no NetSuite slot is left held (after at most the slot lease).

The test process reads the private database with psycopg on connections of its own; everything Django does
there runs in child processes (``manage.py``), as a deployed worker would.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest
import redis

from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config

from ..engine.bulk_data import end_state, twins
from ..engine.harness import Sandboxes
from ..reliability.seed_data import seed_records
from .private_services import PrivatePostgres, PrivateRedis
from .processes import ROOT, child_env, manage, start_qcluster, stop

NETSUITE_RECORDS, GOOGLE_RECORDS, SHARED = 300, 300, 100
UNIQUE_EMAILS = NETSUITE_RECORDS + GOOGLE_RECORDS - SHARED
LATENCY_MS = 30
SLOT_LEASE_SECONDS = 6.0
MAX_RUNS = 4  # the interrupted run and the runs after it (at least one), until one succeeds

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def postgres():
    server = PrivatePostgres().start()
    try:
        migrated = manage("migrate", "--noinput", env=child_env(DATABASE_URL=server.url), timeout=300)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_redis():
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def sandboxes():
    ns_cfg = netsuite_config()
    ns_cfg.faults.concurrency_limit = 5
    ns_cfg.faults.latency_ms = LATENCY_MS
    ns_cfg.account_id = f"{random.randint(7000000, 7999999)}_SB1"  # accounts are unique in the shared database
    google = GoogleSandbox(google_config().replace(user_email=f"restart{ns_cfg.account_id}@example.com"))
    netsuite = NetSuiteSandbox(ns_cfg)
    pair = Sandboxes(netsuite, google, SandboxServer(netsuite).start(), SandboxServer(google).start())
    seed_records(pair, NETSUITE_RECORDS, GOOGLE_RECORDS, SHARED)
    yield pair
    pair.netsuite_server.stop()
    pair.google_server.stop()


# Run in a child (manage.py shell) on the private database: the accounts and the connection.
SETUP = """
import json, sys
from connections.models import ConnectedAccount, Connection
from connections.services import verify_account
info = json.loads(sys.stdin.read())
ns = ConnectedAccount(provider="netsuite", label="Restart NetSuite", account_id=info["ns"]["account_id"],
                      api_base_url=info["ns"]["base_url"], concurrency_limit=5)
ns.set_credentials({k: info["ns"][k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
ns.save()
assert verify_account(ns).ok
google = ConnectedAccount(provider="google_contacts", label="Restart Google", account_id=info["email"],
                          api_base_url=info["google"]["base_url"])
google.set_credentials({"refresh_token": info["refresh_token"]})
google.save()
subsidiary = ns.subsidiaries.filter(is_inactive=False, is_elimination=False).order_by("internal_id").first()
connection = Connection.objects.create(name=info["name"], netsuite_account=ns, subsidiary=subsidiary,
                                       contact_type="individual_customers", app_account=google)
print("CONNECTION", connection.pk)
"""

ENQUEUE = """
from django_q.tasks import async_task
from syncengine.choices import Trigger
from syncengine.models import SyncRun
run = SyncRun.objects.create(connection_id={connection_id}, trigger=Trigger.MANUAL)
async_task("syncengine.tasks.execute_run", run.pk)
print("RUN", run.pk)
"""


def last_line_value(output: str, tag: str) -> int:
    return int(next(line for line in reversed(output.splitlines()) if line.startswith(tag)).split()[1])


def redis_now_ms(client) -> int:
    seconds, micros = client.time()
    return seconds * 1000 + micros // 1000


def writes(pair: Sandboxes) -> int:
    """Write requests both sandboxes have answered so far."""
    return sum(1 for side in (pair.netsuite, pair.google) for e in side.requests() if e["method"] != "GET")


class Scenario:
    """One connection on the private database, a qcluster running it, and what the test watches."""

    def __init__(self, postgres: PrivatePostgres, pair: Sandboxes, env: dict[str, str], log_dir, name: str):
        self.postgres, self.pair, self.env, self.log_dir = postgres, pair, env, log_dir
        info = {
            "ns": pair.netsuite.print_config(pair.netsuite_server.base_url),
            "google": pair.google.print_config(pair.google_server.base_url),
            "email": pair.google.config.user_email,
            "refresh_token": pair.google.issue_tokens()["refresh_token"],
            "name": name,
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            input=json.dumps(info),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        self.connection_id = last_line_value(done.stdout, "CONNECTION")
        self.account_key = f"netsuite:{info['ns']['account_id']}"
        self.cluster: subprocess.Popen | None = None

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in sorted(self.log_dir.glob("*.log")))

    def enqueue(self) -> int:
        sent = manage("shell", "-c", ENQUEUE.format(connection_id=self.connection_id), env=self.env)
        assert sent.returncode == 0, sent.stderr[-3000:]
        return last_line_value(sent.stdout, "RUN")

    def run_row(self, run_id: int) -> tuple[str, str, str]:
        (row,) = self.postgres.query("SELECT status, error, worker FROM syncengine_syncrun WHERE id = %s", (run_id,))
        return row

    def wait_for(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if condition():
                    return
            except Exception:  # noqa: BLE001, S110 - the database may be restarting: ask again
                pass
            assert self.cluster is None or self.cluster.poll() is None, f"the qcluster died:\n{self.logs()}"
            assert time.monotonic() < deadline, f"{what} did not happen in {seconds:.0f}s:\n{self.logs()}"
            time.sleep(0.1)

    def wait_for_end(self, run_id: int, seconds: float = 90) -> tuple[str, str, str]:
        self.wait_for(lambda: self.run_row(run_id)[0] not in ("queued", "running"), seconds, f"the end of run {run_id}")
        return self.run_row(run_id)

    def lease_holder(self) -> str:
        rows = self.postgres.query(
            "SELECT lease_holder FROM syncengine_connectionstate WHERE connection_id = %s", (self.connection_id,)
        )
        return rows[0][0] if rows else ""

    def slots_held_in_database(self) -> list[tuple]:
        return self.postgres.query(
            "SELECT number, holder FROM connections_concurrencyslot "
            "WHERE account = %s AND expires >= EXTRACT(EPOCH FROM clock_timestamp())",
            (self.account_key,),
        )


def restart_mid_run(scenario: Scenario, restart, tmp_path, redis_slots_held=None) -> dict:
    """Run, restart a service in the middle of the writes, run again until a run succeeds; the figures."""
    pair = scenario.pair
    scenario.cluster = start_qcluster(scenario.env, tmp_path / "qcluster.log")
    statuses: list[tuple[str, str]] = []
    try:
        first = scenario.enqueue()
        # Mid-run: a third of the writes the run makes (each new person is one write on the other side).
        scenario.wait_for(lambda: writes(pair) >= UNIQUE_EMAILS // 3, 90, "a third of the writes")
        restarted_at = time.monotonic()
        restart_seconds = restart()
        status, error, _ = scenario.wait_for_end(first)
        first_ended = time.monotonic() - restarted_at
        statuses.append((status, error))
        runs = 1
        # At least one run after it, by the same worker process: it reconnected (to the broker too).
        while (status != "succeeded" or runs < 2) and runs < MAX_RUNS:
            run_id = scenario.enqueue()
            status, error, _ = scenario.wait_for_end(run_id)
            statuses.append((status, error))
            runs += 1
        recovered = time.monotonic() - restarted_at
        # The first run's message as it stands once the worker is done with it (the task rewords it last).
        statuses[0] = scenario.run_row(first)[:2]
        # No lease left held: the connection's at once, the slots within their lease.
        holder = scenario.lease_holder()
        scenario.wait_for(lambda: not scenario.slots_held_in_database(), SLOT_LEASE_SECONDS + 2, "the slots' release")
        if redis_slots_held is not None:
            scenario.wait_for(lambda: redis_slots_held() == 0, SLOT_LEASE_SECONDS + 2, "the Redis slots' release")
    finally:
        stop(scenario.cluster)
    state = end_state(pair)
    lost = {side: UNIQUE_EMAILS - len(by_email) for side, by_email in state.items()}
    duplicated = {side: len(emails) for side, emails in twins(state).items()}
    figures = {
        "restart_seconds": round(restart_seconds, 1),
        "first_run_ended_after": round(first_ended, 1),
        "caught_up_after": round(recovered, 1),
        "runs": runs,
        "statuses": [s for s, _ in statuses],
        "lost": lost,
        "duplicated": duplicated,
        "lease_holder": holder,
    }
    print(f"\n{json.dumps(figures)}\nfirst run's message: {statuses[0][1][:300]!r}")
    assert statuses[-1][0] == "succeeded", (statuses, scenario.logs())
    first_status, first_error = statuses[0]
    assert first_status in ("succeeded", "failed", "partially_failed"), statuses
    if first_status != "succeeded":
        # A clear message: what happened and that the next run picks it up, not a traceback.
        assert first_error and "Traceback" not in first_error, first_error[:3000]
    assert lost == {"netsuite": 0, "google": 0}, figures
    assert duplicated == {"netsuite": 0, "google": 0}, figures
    assert holder == "", figures
    return figures


def test_a_postgresql_restart_mid_run_loses_nothing_and_leaves_no_lease_held(postgres, sandboxes, tmp_path):
    env = child_env(
        DATABASE_URL=postgres.url,
        Q_CLUSTER_NAME="restart-pg",
        Q_WORKERS="1",
        NETSUITE_SLOT_STORE="database",
        NETSUITE_SLOT_LEASE_SECONDS=str(SLOT_LEASE_SECONDS),
        API_TIMEOUT_SECONDS="5",
        GOOGLE_CLIENT_ID=sandboxes.google.print_config(sandboxes.google_server.base_url)["client_id"],
        GOOGLE_CLIENT_SECRET=sandboxes.google.print_config(sandboxes.google_server.base_url)["client_secret"],
        LOG_LEVEL="WARNING",
    )
    scenario = Scenario(postgres, sandboxes, env, tmp_path, "Restart PostgreSQL")
    restart_mid_run(scenario, postgres.restart, tmp_path)


def test_a_redis_restart_mid_run_loses_nothing_and_leaves_no_slot_held(postgres, private_redis, sandboxes, tmp_path):
    env = child_env(
        DATABASE_URL=postgres.url,
        REDIS_URL=private_redis.url,
        Q_CLUSTER_NAME="restart-redis",
        Q_WORKERS="1",
        NETSUITE_SLOT_STORE="redis",
        NETSUITE_SLOT_LEASE_SECONDS=str(SLOT_LEASE_SECONDS),
        API_TIMEOUT_SECONDS="5",
        GOOGLE_CLIENT_ID=sandboxes.google.print_config(sandboxes.google_server.base_url)["client_id"],
        GOOGLE_CLIENT_SECRET=sandboxes.google.print_config(sandboxes.google_server.base_url)["client_secret"],
        LOG_LEVEL="WARNING",
    )
    scenario = Scenario(postgres, sandboxes, env, tmp_path, "Restart Redis")
    client, key = redis.from_url(private_redis.url), f"contactsync:slots:{scenario.account_key}"
    # The slots live in Redis: none may be held there (unexpired) once the runs are done.
    restart_mid_run(scenario, private_redis.restart, tmp_path, lambda: client.zcount(key, redis_now_ms(client), "+inf"))


# Run in a child on the private database: take the lease, use the connection, wait for the restart, release.
HOLD_THEN_RELEASE = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from syncengine import lease
from syncengine.models import SyncRun
holder = lease.new_holder()
lease.acquire({connection_id}, holder)
print("HELD", SyncRun.objects.count(), flush=True)
sys.stdin.readline()  # the database restarts meanwhile: this process's connection is now dead
lease.release({connection_id}, holder)
print("RELEASED", SyncRun.objects.count(), flush=True)
"""


def test_a_lease_is_released_on_a_new_connection_after_a_postgresql_restart(postgres, sandboxes, tmp_path):
    """The run's end often comes *because* the database restarted, outside any transaction (which would have
    dropped the dead connection itself): the release must reconnect, not raise and leave the lease held
    for its five minutes (and the run "running" until the reaper)."""
    env = child_env(DATABASE_URL=postgres.url, LOG_LEVEL="WARNING")
    scenario = Scenario(postgres, sandboxes, env, tmp_path, "Restart lease")
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_THEN_RELEASE.format(connection_id=scenario.connection_id)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().startswith("HELD"), child.stderr.read()[-3000:]
        assert scenario.lease_holder() != ""
        postgres.restart()
        out, err = child.communicate("go\n", timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0 and "RELEASED" in out, err[-3000:]
    assert scenario.lease_holder() == ""
