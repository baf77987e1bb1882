"""Crash safety and mutual exclusion with real worker processes (``manage.py sync``) against both sandboxes.

- A worker SIGKILLed at a random moment of a 2,000-record sync, then run again until a run succeeds, leaves
  both sides as an uninterrupted run does: the same emails, none twice, the same mapped values.
- Two workers started on one connection at the same moment: one does the work, the other is skipped.

The sandboxes run in this process; the workers reach them over HTTP and the test database through
``DATABASE_URL`` (hence ``transaction=True``: they must see committed rows).
"""

from __future__ import annotations

import random
import signal
import time

import pytest

from syncengine.choices import RunStatus
from syncengine.models import SyncRun
from syncengine.tasks import reap_stale_runs

from .bulk_data import GOOGLE_COUNT, NETSUITE_COUNT, SHARED, end_state, seed_bulk, twins
from .harness import make_connection
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed
from .workers import WorkerResult, finish, run_sync_command, start_sync, worker_env

ITERATIONS = 10
MAX_RERUNS = 4
UNIQUE_EMAILS = NETSUITE_COUNT + GOOGLE_COUNT - SHARED

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def uninterrupted_cache() -> dict:
    return {}


@pytest.fixture
def uninterrupted(running_sandboxes, settings, uninterrupted_cache, transactional_db) -> dict:
    """The end state and duration of one uninterrupted worker run on a fresh copy of the seed (made once)."""
    if not uninterrupted_cache:
        seed_bulk(running_sandboxes)
        connection = make_connection(running_sandboxes, settings)
        result = run_sync_command(connection.pk, worker_env(running_sandboxes))
        assert result.status == RunStatus.SUCCEEDED and result.returncode == 0, result.describe()
        state = end_state(running_sandboxes)
        assert {side: len(by_email) for side, by_email in state.items()} == {
            "netsuite": UNIQUE_EMAILS,
            "google": UNIQUE_EMAILS,
        }
        assert twins(state) == {"netsuite": [], "google": []}
        uninterrupted_cache.update(state=state, seconds=result.seconds)
        # Make way for the iteration's own connection (accounts are unique per provider and account id).
        accounts = [connection.netsuite_account, connection.app_account]
        connection.delete()
        for account in accounts:
            account.delete()
    return uninterrupted_cache


@pytest.mark.parametrize("iteration", range(ITERATIONS))
def test_a_worker_killed_at_a_random_moment_then_rerun_ends_like_an_uninterrupted_run(
    running_sandboxes, settings, uninterrupted, iteration
):
    sandboxes = running_sandboxes
    delay = random.Random(7919 * (iteration + 1)).uniform(0.2, uninterrupted["seconds"])
    seed_bulk(sandboxes)
    connection = make_connection(sandboxes, settings)
    env = worker_env(sandboxes)

    started = time.monotonic()
    worker = start_sync(connection.pk, env)
    time.sleep(delay)
    killed_after_it_ended = worker.poll() is not None
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    reruns: list[WorkerResult] = []
    while len(reruns) < MAX_RERUNS:
        reruns.append(run_sync_command(connection.pk, env))
        if reruns[-1].status == RunStatus.SUCCEEDED:
            break
    seconds = time.monotonic() - started

    trail = f"killed after {delay:.2f}s; reruns: " + "; ".join(r.describe() for r in reruns)
    assert reruns[-1].status == RunStatus.SUCCEEDED and reruns[-1].returncode == 0, trail
    state = end_state(sandboxes)
    assert twins(state) == {"netsuite": [], "google": []}, trail
    for side in ("netsuite", "google"):
        assert sorted(state[side]) == sorted(uninterrupted["state"][side]), f"{side}: {trail}"
        different = sorted(
            email for email, values in state[side].items() if values != uninterrupted["state"][side][email]
        )
        assert different == [], f"{side} values differ for {different[:5]}: {trail}"
    # The killed run (if it had started) is left "running" until the reaper sees its lease is gone.
    reap_stale_runs()
    assert not SyncRun.objects.filter(connection=connection, status=RunStatus.RUNNING).exists()
    print(
        f"iteration {iteration}: killed after {delay:.2f}s"
        f"{' (it had already ended)' if killed_after_it_ended else ''}, {len(reruns)} rerun(s), "
        f"{seconds:.1f}s in all (uninterrupted: {uninterrupted['seconds']:.1f}s)"
    )


def test_two_workers_started_together_one_runs_and_the_other_is_skipped(running_sandboxes, settings):
    sandboxes = running_sandboxes
    sandboxes.reset()
    seed(
        sandboxes,
        netsuite=[ns_person(f"N{i}", "Suite", f"n{i}@example.com") for i in range(30)],
        google=[g_person(f"G{i}", "Mail", f"g{i}@example.com") for i in range(10)],
    )
    connection = make_connection(sandboxes, settings)
    env = worker_env(sandboxes)
    # Slow APIs, so that the first worker still holds the connection when the second one starts.
    sandboxes.netsuite.faults.latency_ms = sandboxes.google.faults.latency_ms = 150

    started = time.monotonic()
    workers = [start_sync(connection.pk, env) for _ in range(2)]
    results = [finish(worker, started) for worker in workers]

    statuses = sorted(r.status for r in results)
    assert statuses == [RunStatus.SKIPPED, RunStatus.SUCCEEDED], [r.describe() for r in results]
    ran, skipped = sorted(results, key=lambda r: r.status != RunStatus.SUCCEEDED)
    assert ran.returncode == 0 and skipped.returncode == 1
    assert "another run holds this connection" in skipped.summary["error"]
    assert skipped.summary["counters"] == {}
    runs = SyncRun.objects.filter(connection=connection)
    assert sorted(runs.values_list("status", flat=True)) == [RunStatus.SKIPPED, RunStatus.SUCCEEDED]
    done = runs.get(status=RunStatus.SUCCEEDED)
    skipped_run = runs.get(status=RunStatus.SKIPPED)
    assert skipped_run.started_at is None and skipped_run.finished_at <= done.finished_at
    ns, google = ns_by_email(sandboxes), g_by_email(sandboxes)
    assert len(ns) == len(google) == 40
    assert all(len(found) == 1 for found in [*ns.values(), *google.values()])
