"""Operations on connections that the admin and commands share: queue a run,
confirm held deletions, and describe a connection's state for ops staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from connections.choices import AccountStatus
from connections.models import Connection

from .choices import RunStatus, Trigger
from .models import ConnectionState, SyncRun
from .schedules import connection_schedule_name

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def enqueue_run(
    connection: Connection, *, trigger: str = Trigger.MANUAL, dry_run: bool = False, full: bool = False
) -> tuple[SyncRun, bool]:
    """Queue a run of ``connection`` for the background workers.

    Returns ``(run, created)``: when a run of the connection is already queued
    or running, that run is returned and nothing new is queued. The task is
    sent after the transaction commits (the worker must see the row) and
    carries the run's id only.
    """
    existing = SyncRun.objects.filter(connection=connection, status__in=ACTIVE).order_by("-queued_at").first()
    if existing is not None:
        return existing, False
    run = SyncRun.objects.create(connection=connection, trigger=trigger, dry_run=dry_run, full=full)
    transaction.on_commit(lambda: async_task("syncengine.tasks.execute_run", run.pk, task_name=f"sync run {run.pk}"))
    return run, True


def confirm_deletions(connection: Connection) -> int:
    """Let the next run carry out the deletions the safety valve held back."""
    state, _ = ConnectionState.objects.get_or_create(connection=connection)
    waiting = state.deletions_awaiting_confirmation
    state.deletions_confirmed = True
    state.deletions_awaiting_confirmation = 0
    state.save(update_fields=["deletions_confirmed", "deletions_awaiting_confirmation", "updated_at"])
    return waiting


@dataclass
class ConnectionStatus:
    """What the connection page's banner says."""

    code: str  # scanning | syncing | active | paused | attention
    label: str
    detail: str
    last_run: SyncRun | None
    next_run: datetime | None


def connection_status(
    connection: Connection, last_run: SyncRun | None = None, active_run: SyncRun | None = None
) -> ConnectionStatus:
    """The connection's state in words (a few queries; the list page passes the runs in)."""
    if last_run is None:
        last_run = SyncRun.objects.filter(connection=connection).exclude(status__in=ACTIVE).first()
    if active_run is None:
        active_run = SyncRun.objects.filter(connection=connection, status__in=ACTIVE).first()
    schedule = Schedule.objects.filter(name=connection_schedule_name(connection.pk)).first()
    next_run = schedule.next_run if schedule and not connection.paused else None
    accounts = (connection.netsuite_account, connection.app_account)
    broken = [a for a in accounts if a.status in (AccountStatus.ERROR, AccountStatus.NEEDS_REAUTH)]
    state = ConnectionState.objects.filter(connection=connection).first()
    if connection.paused:
        return ConnectionStatus("paused", "Paused", connection.paused_reason or "Not scheduled.", last_run, None)
    if broken:
        detail = "; ".join(f"{a.label}: {a.status_message or a.get_status_display()}" for a in broken)
        return ConnectionStatus("attention", "Needs attention", detail, last_run, next_run)
    if state and state.deletions_awaiting_confirmation:
        detail = (
            f"{state.deletions_awaiting_confirmation} deletions are held back by the safety valve: "
            "review them and confirm."
        )
        return ConnectionStatus("attention", "Needs attention", detail, last_run, next_run)
    if active_run is not None:
        if last_run is None:
            return ConnectionStatus("scanning", "Scanning", "The first sync is reading both sides.", None, next_run)
        return ConnectionStatus(
            "syncing", "Syncing", f"Run {active_run.pk} is {active_run.status}.", last_run, next_run
        )
    if last_run is not None and last_run.status in (RunStatus.FAILED,):
        return ConnectionStatus("attention", "Needs attention", last_run.error[:300], last_run, next_run)
    when = timezone.localtime(next_run).strftime("%H:%M UTC") if next_run else "when the worker runs"
    return ConnectionStatus("active", "Active and listening", f"Next run {when}.", last_run, next_run)
