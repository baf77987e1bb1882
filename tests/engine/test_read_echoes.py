"""Echoes are recognised while reading (issue 17, settle): our own writes read back leave the queue before
any chunk is loaded and planned, with the planner's rule (a pair is an echo when every pending side of it
is one); a pair whose other side really changed is still planned. Over HTTP against the sandboxes."""

from __future__ import annotations

import pytest

from syncengine.choices import RunStatus, Side
from syncengine.models import MirrorRecord, SyncRun
from syncengine.runner import run_sync

from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes

pytestmark = pytest.mark.django_db


def _sync_watching(connection) -> tuple[SyncRun, list[tuple[str, int, int | None]]]:
    stages: list[tuple[str, int, int | None]] = []
    run = SyncRun.objects.create(connection=connection)
    run = run_sync(run.pk, lambda stage, done, total: stages.append((stage, done, total)))
    return run, stages


def test_our_writes_read_back_never_reach_the_planner(sandboxes, connection):
    seed(
        sandboxes,
        netsuite=[ns_person(f"N{i}", "Suite", f"n{i}@example.com") for i in range(4)],
        google=[g_person(f"G{i}", "Mail", f"g{i}@example.com") for i in range(3)],
    )
    first, _ = _sync_watching(connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    sandboxes.clear_logs()

    settle, stages = _sync_watching(connection)  # each side reports the records we created as changed

    assert settle.status == RunStatus.SUCCEEDED, settle.error
    # Every record read was an echo: the ones we created, and on NetSuite those its overlap window gave again.
    assert settle.counters["echo"] == settle.counters["read"]
    assert settle.counters["echo"]["netsuite"] >= 3 and settle.counters["echo"]["app"] == 4
    assert not [stage for stage in stages if stage[0].startswith("syncing")]  # nothing left to plan
    assert not MirrorRecord.objects.filter(connection=connection, pending=True).exists()
    logs = sandboxes.requests()
    assert writes(logs["netsuite"]) == [] and writes(logs["google"]) == []


def test_an_echo_whose_other_side_changed_is_planned_and_the_change_flows(sandboxes, connection):
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    assert _sync_watching(connection)[0].status == RunStatus.SUCCEEDED
    (contact,) = g_by_email(sandboxes)["ann@example.com"]
    # Google's contact (our create) will come back as an echo; NetSuite's record really changes meanwhile.
    sandboxes.netsuite.touch("customer", ns_id, lastName="Lee-Smith")

    run, stages = _sync_watching(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert [stage for stage in stages if stage[0].startswith("syncing")]  # the pair was planned
    assert run.counters.get("echo", {}).get("app", 0) == 0  # as a pair, not an echo: the planner's rule
    (person,) = g_by_email(sandboxes)["ann@example.com"]
    assert person["names"][0]["familyName"] == "Lee-Smith"
    assert len(ns_by_email(sandboxes)["ann@example.com"]) == 1 and contact["resourceName"] == person["resourceName"]
    assert not MirrorRecord.objects.filter(connection=connection, side=Side.APP, pending=True).exists()
