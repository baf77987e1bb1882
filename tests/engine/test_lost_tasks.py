"""A queued run whose task was lost with the task queue (a Redis restart empties it) is sent again by the
reaper after a few minutes, instead of blocking *Run now* and the schedule for an hour; a task that runs
twice runs the sync once (issue 16, item 8), over HTTP against the sandboxes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from syncengine import lease
from syncengine.choices import RunStatus
from syncengine.models import RecordOutcome, SyncRun
from syncengine.runner import run_sync
from syncengine.services import enqueue_run, move_queued_run
from syncengine.tasks import reap_stale_runs

from .helpers import g_by_email, ns_person, seed

pytestmark = pytest.mark.django_db


def _tasks() -> list[tuple]:
    return [task.task["args"] for task in OrmQ.objects.all()]


def _queued_minutes_ago(connection, minutes: int, django_capture_on_commit_callbacks) -> SyncRun:
    with django_capture_on_commit_callbacks(execute=True):
        run, created = enqueue_run(connection)
    assert created and _tasks() == [(run.pk,)]
    then = timezone.now() - timedelta(minutes=minutes)
    SyncRun.objects.filter(pk=run.pk).update(queued_at=then, sent_at=then)
    return run


def test_a_run_whose_task_was_lost_is_sent_again_and_runs(sandboxes, connection, django_capture_on_commit_callbacks):
    seed(sandboxes, netsuite=[ns_person("Al", "Suite", "al@example.com")])
    run = _queued_minutes_ago(connection, 6, django_capture_on_commit_callbacks)
    OrmQ.objects.all().delete()  # the queue restarted empty: the task is gone

    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_runs()

    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and _tasks() == [(run.pk,)]  # sent again, not failed
    assert timezone.now() - run.sent_at < timedelta(minutes=1)
    assert run_sync(run.pk).status == RunStatus.SUCCEEDED
    assert "al@example.com" in g_by_email(sandboxes)


def test_a_run_is_not_sent_again_too_soon_nor_while_the_queue_holds_tasks(
    sandboxes, connection, django_capture_on_commit_callbacks
):
    run = _queued_minutes_ago(connection, 2, django_capture_on_commit_callbacks)
    OrmQ.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_runs()
    assert _tasks() == []  # two minutes: a worker may still be on its way

    SyncRun.objects.filter(pk=run.pk).update(sent_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        run_other, _ = enqueue_run(connection)  # the same run (one queued at a time); nothing new is sent
    assert run_other.pk == run.pk
    OrmQ.objects.create(key="contactsync", payload="another task", lock=timezone.now())  # a queue still busy
    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_runs()
    assert OrmQ.objects.count() == 1  # its task may be behind the others in the queue: not sent again


def test_a_task_sent_twice_runs_the_sync_once(sandboxes, connection, django_capture_on_commit_callbacks):
    seed(sandboxes, netsuite=[ns_person("Al", "Suite", "al@example.com")])
    run = _queued_minutes_ago(connection, 1, django_capture_on_commit_callbacks)

    first = run_sync(run.pk)
    second = run_sync(run.pk)  # the same task again (it was not lost after all)

    assert first.status == second.status == RunStatus.SUCCEEDED
    second.refresh_from_db()
    assert (second.started_at, second.finished_at, second.worker) == (first.started_at, first.finished_at, first.worker)
    assert RecordOutcome.objects.filter(run=run).count() == 1
    assert len(g_by_email(sandboxes)["al@example.com"]) == 1


def test_a_run_another_worker_started_meanwhile_is_left_to_it(
    sandboxes, connection, django_capture_on_commit_callbacks
):
    run = _queued_minutes_ago(connection, 1, django_capture_on_commit_callbacks)
    stale = SyncRun.objects.get(pk=run.pk)  # what a second worker loaded while the run was still queued
    lease.acquire(connection.pk, "first-worker:1:abc")
    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, worker="first-worker:1:abc")

    # The second worker, finding the lease held, would mark its run skipped: not a run the first one started.
    assert not move_queued_run(stale, RunStatus.SKIPPED, error="Not run: another run holds this connection.")
    assert stale.status == RunStatus.RUNNING  # refreshed
    assert run_sync(run.pk).status == RunStatus.RUNNING  # a worker given it later leaves it alone too
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.finished_at is None and run.error == ""
