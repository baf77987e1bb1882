"""django-q2 task functions. They take ids (or nothing), never model instances."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .choices import RunStatus, Trigger
from .models import ConnectionState, SyncRun, WorkerHeartbeat


def heartbeat() -> str:
    """Record that a worker of this cluster is alive; returns the cluster name."""
    name = settings.Q_CLUSTER["name"]
    WorkerHeartbeat.objects.update_or_create(
        cluster=name,
        defaults={"host": socket.gethostname(), "pid": os.getpid(), "last_seen": timezone.now()},
    )
    return name


def execute_run(run_id: int) -> str:
    """Run a queued :class:`SyncRun` (enqueued by "Run now" or the scheduler)."""
    from .runner import run_sync

    return run_sync(run_id).status


def scheduled_run(connection_id: int) -> str | None:
    """The schedule's entry point: queue and run one sync of the connection,
    unless it is paused or a run of it is already queued or running."""
    from connections.models import Connection

    from .runner import run_sync
    from .services import claim_run

    connection = Connection.objects.filter(pk=connection_id, paused=False).first()
    if connection is None:
        return None
    run, created = claim_run(connection, trigger=Trigger.SCHEDULE)  # the same guard as Run now
    if not created:
        return "already queued or running"
    if run.after_id is not None:  # a retry holds the connection: the run is sent when that one ends
        return f"queued behind run {run.after_id}"
    return run_sync(run.pk).status


def reap_stale_runs() -> int:
    """Mark as failed the runs whose worker died: running, but the lease lapsed
    (or another worker holds it); queued runs whose task never started in an hour (not those
    waiting behind a run that is still active). The runs queued behind a run that ended are sent, and
    so are again those whose task was lost with an emptied queue (:func:`~.services.resend_lost_runs`)."""
    from .services import ACTIVE, resend_lost_runs, start_waiting_runs

    now = timezone.now()
    reaped = 0
    for run in SyncRun.objects.filter(status=RunStatus.RUNNING).select_related("connection"):
        state = ConnectionState.objects.filter(connection=run.connection).first()
        lease_alive = (
            state and state.lease_holder == run.worker and state.lease_expires_at and state.lease_expires_at > now
        )
        if not lease_alive:
            run.status, run.finished_at = RunStatus.FAILED, now
            run.error = (
                "The worker stopped (its lease lapsed) before the run finished; the next run picks up from there."
            )
            run.save(update_fields=["status", "finished_at", "error"])
            start_waiting_runs(run)
            reaped += 1
    # Runs still waiting behind a run that ended without sending them (its worker died in between): send them.
    waiting = SyncRun.objects.filter(status=RunStatus.QUEUED, after__isnull=False).exclude(after__status__in=ACTIVE)
    for ended in SyncRun.objects.filter(pk__in=waiting.values("after_id")):
        start_waiting_runs(ended)
    # Tasks lost with the queue (a Redis restart empties it): sent again, so the run does not wait an hour.
    resend_lost_runs(timedelta(minutes=settings.SYNC_RESEND_LOST_AFTER_MINUTES))
    # Those waiting behind an active run are not stale: they are sent when it ends.
    stale_queued = SyncRun.objects.filter(
        status=RunStatus.QUEUED, after__isnull=True, queued_at__lt=now - timedelta(hours=1)
    )
    for run in list(stale_queued):
        updated = SyncRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED,
            finished_at=now,
            error="The run was never picked up by a worker (is qcluster running?).",
        )
        if updated:
            start_waiting_runs(run)
            reaped += updated
    return reaped
