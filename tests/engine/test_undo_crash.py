"""An undo killed at a random moment, then run again, ends as an uninterrupted undo (issue 20), with real worker
processes (``manage.py undo_run``) against both sandboxes.

A rule action set the lead source of 300 NetSuite records and the job title of their 300 Google contacts (the
run to undo). An undo worker is SIGKILLed after a random delay; the undo is asked for again until one succeeds.
Then every value is back as before the run on both sides, and the next ordinary run writes nothing: a field the
killed worker wrote but did not record is written again by the rerun, so the link remembers it.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from rules.choices import ApplyOn
from syncengine.choices import RunStatus
from syncengine.tasks import reap_stale_runs

from ..integration.processes import ROOT
from .harness import make_connection, sync
from .helpers import g_by_email, g_person, ns_by_email, seed, writes
from .rule_setup import add_action, default_rule
from .test_undo_scenarios import _lead_source
from .workers import finish, worker_env

PEOPLE = 300
ITERATIONS = 3
MAX_RERUNS = 4

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def start_undo(run_id: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "undo_run", str(run_id), "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def values(sandboxes) -> dict[str, tuple]:
    """Per email: NetSuite's lead source and Google's job title."""
    google = g_by_email(sandboxes)
    return {
        email: (
            (records[0].get("leadSource") or {}).get("id"),
            ((google[email][0].get("organizations") or [{}])[0]).get("title"),
        )
        for email, records in ns_by_email(sandboxes).items()
        if email.endswith("@people.io")
    }


@pytest.mark.parametrize("iteration", range(ITERATIONS))
def test_an_undo_killed_at_a_random_moment_then_rerun_ends_like_an_uninterrupted_undo(
    running_sandboxes, settings, iteration
):
    sandboxes = running_sandboxes
    sandboxes.reset()
    seed(sandboxes, google=[g_person(f"P{i}", "Person", f"p{i}@people.io") for i in range(PEOPLE)])
    connection = make_connection(sandboxes, settings)
    assert sync(connection).status == RunStatus.SUCCEEDED
    before = values(sandboxes)
    assert len(before) == PEOPLE and all(v == (None, None) for v in before.values())
    _lead_source(connection, sandboxes)
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    add_action(default_rule(connection, "to_app"), "organization.title", "Customer", on=ApplyOn.BOTH)
    action_run = sync(connection)
    assert action_run.status == RunStatus.SUCCEEDED, action_run.error
    assert all(ls and title == "Customer" for ls, title in values(sandboxes).values())
    # A killed worker's NetSuite concurrency slots lapse after 5 s rather than the API timeout (the rerun waits
    # for them, as a real one would, only shorter).
    env = worker_env(sandboxes, NETSUITE_SLOT_LEASE_SECONDS="5")
    # Slow APIs: 300 NetSuite updates at 40 ms, five at a time, take 2.4 s at the least, so the kill (after the
    # worker's start-up of about a second) falls in the middle of the undo's writes, or before them.
    sandboxes.netsuite.faults.latency_ms = sandboxes.google.faults.latency_ms = 40

    started = time.monotonic()
    delay = random.Random(104729 * (iteration + 1)).uniform(0.5, 3.0)
    worker = start_undo(action_run.pk, env)
    time.sleep(delay)
    ended_before_the_kill = worker.poll() is not None
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    sandboxes.netsuite.faults.latency_ms = sandboxes.google.faults.latency_ms = 0
    reruns = []
    while len(reruns) < MAX_RERUNS:
        reruns.append(finish(start_undo(action_run.pk, env), time.monotonic()))
        if reruns[-1].status == RunStatus.SUCCEEDED:
            break
    trail = f"killed after {delay:.2f}s; reruns: " + "; ".join(r.describe() for r in reruns)
    assert not ended_before_the_kill, f"the undo ended before the kill: the test proved nothing; {trail}"
    assert reruns[-1].status == RunStatus.SUCCEEDED and reruns[-1].returncode == 0, trail

    assert values(sandboxes) == before, trail  # every value back, on both sides
    sandboxes.clear_logs()
    after = sync(connection)
    assert after.status == RunStatus.SUCCEEDED, after.error
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == [], trail
    reap_stale_runs()
    late = " (it had already ended)" if ended_before_the_kill else ""
    print(
        f"iteration {iteration}: killed after {delay:.2f}s{late}, {len(reruns)} rerun(s),",
        f"{time.monotonic() - started:.1f}s",
    )
