"""Scheduled runs: each connection's django-q2 schedule follows the connection, and a real ``qcluster``
process runs a due schedule end to end (ORM broker on the test database, sandboxes over HTTP)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from syncengine.choices import RunStatus, Trigger
from syncengine.models import SyncRun

from ..integration.processes import start_qcluster, stop
from .harness import make_connection
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed
from .workers import worker_env

pytestmark = pytest.mark.django_db(transaction=True)  # schedules are written on commit, and a child reads them


def _schedule(connection) -> Schedule | None:
    return Schedule.objects.filter(name=f"sync connection {connection.pk}").first()


def test_a_new_connection_gets_its_schedule_on_commit(sandboxes, settings):
    connection = make_connection(sandboxes, settings, interval_minutes=30)

    schedule = _schedule(connection)
    assert schedule is not None
    assert (schedule.func, schedule.args, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "syncengine.tasks.scheduled_run",
        f"({connection.pk},)",
        Schedule.MINUTES,
        30,
        -1,
    )


def test_pausing_removes_the_schedule_and_resuming_brings_it_back(sandboxes, settings):
    connection = make_connection(sandboxes, settings)
    assert _schedule(connection) is not None

    connection.paused = True
    connection.save()
    assert _schedule(connection) is None

    connection.paused, connection.interval_minutes = False, 5
    connection.save()
    schedule = _schedule(connection)
    assert schedule is not None and schedule.minutes == 5
    assert Schedule.objects.filter(name=f"sync connection {connection.pk}").count() == 1


def test_deleting_a_connection_removes_its_schedule(sandboxes, settings):
    connection = make_connection(sandboxes, settings)
    name = f"sync connection {connection.pk}"

    connection.delete()

    assert not Schedule.objects.filter(name=name).exists()


@pytest.mark.integration
def test_a_due_schedule_runs_a_sync_in_a_real_qcluster(sandboxes, settings, tmp_path):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")], google=[g_person("Cid", "Roe", "cid@x.com")])
    connection = make_connection(sandboxes, settings)
    Schedule.objects.filter(pk=_schedule(connection).pk).update(next_run=timezone.now())
    log_path = tmp_path / "qcluster.log"
    cluster = start_qcluster(
        worker_env(sandboxes, Q_CLUSTER_NAME=f"sched-{uuid.uuid4().hex[:8]}", Q_WORKERS="1"),
        log_path,
    )
    run = None
    try:
        # django-q2's guard calls the scheduler about 30 s after the cluster starts, then every 30 s.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert cluster.poll() is None, log_path.read_text()
            run = SyncRun.objects.filter(connection=connection, trigger=Trigger.SCHEDULE).first()
            if run is not None and run.finished_at is not None:
                break
            time.sleep(0.5)
    finally:
        stop(cluster)

    assert run is not None and run.finished_at is not None, f"no scheduled run finished; log:\n{log_path.read_text()}"
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com", "cid@x.com"]
    assert sorted(ns_by_email(sandboxes)) == ["ann@example.com", "cid@x.com"]
    assert SyncRun.objects.filter(connection=connection).count() == 1
    schedule = _schedule(connection)
    assert schedule.next_run > timezone.now() + timedelta(minutes=connection.interval_minutes - 2)
