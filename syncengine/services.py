"""Operations on connections that the admin and commands share: queue a run (one
at a time), retry failed records, confirm held deletions, and describe a
connection's state for ops staff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.tasks import async_task

from changelog.models import ChangeAction, ChangeRecord
from connections.choices import AccountStatus
from connections.models import Connection

from .bulk import slices
from .choices import FAILING_OUTCOMES, Outcome, RunStatus, Side, SyncDirection, Trigger
from .latest_outcomes import failing_count, latest_outcomes
from .models import ConnectionState, MirrorRecord, RecordOutcome, SyncRun
from .notifications import AUTH_PAUSE_PREFIX
from .schedules import connection_schedule_name

logger = logging.getLogger(__name__)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
# The runs that stand for "the last run" on the connection page, in the list and in its filter: real runs
# that ran to an end. A dry run writes nothing and a skipped run did not run, so neither hides the state
# the last real run left behind.
REAL_FINISHED = (RunStatus.SUCCEEDED, RunStatus.PARTIALLY_FAILED, RunStatus.FAILED)
TROUBLED = (RunStatus.PARTIALLY_FAILED, RunStatus.FAILED)


def last_real_runs(connection_id) -> QuerySet:
    """The connection's real, finished runs, the latest first (``connection_id`` may be an ``OuterRef``)."""
    return SyncRun.objects.filter(connection_id=connection_id, dry_run=False, status__in=REAL_FINISHED).order_by(
        "-queued_at", "-pk"
    )


def run_trouble(last_status: str | None, failing: int) -> bool:
    """Whether the runs show trouble: the last real run (partially) failed, or records are failing.
    The one rule the banner, the list's status column and its *Needs attention* filter share."""
    return last_status in TROUBLED or failing > 0


def attention_label(failing: int) -> str:
    """The banner's headline when something needs attention: with the number of failing records, if any."""
    return f"Needs attention: {failing} failing" if failing else "Needs attention"


def _lock_connection(connection_id: int) -> None:
    """Hold the connection's row lock until the transaction ends: claiming a run and starting the runs
    queued behind one take it, so that neither misses what the other did. PostgreSQL waits on the row
    lock; SQLite, where ``select_for_update`` does nothing, serialises writing transactions itself (they
    begin IMMEDIATE, see the settings)."""
    list(Connection.objects.select_for_update().filter(pk=connection_id).values_list("pk"))


def _active_runs(connection: Connection) -> list[SyncRun]:
    """The connection's queued and running runs, the latest first."""
    return list(SyncRun.objects.filter(connection=connection, status__in=ACTIVE).order_by("-pk"))


def claim_run(connection: Connection, **fields) -> tuple[SyncRun, bool]:
    """Make a queued (ordinary) run of ``connection``, unless one is already queued or running.

    Returns ``(run, created)``; when an ordinary run is active, that run and False. When only retries
    (runs limited to some records) are active, the new run is queued behind the latest of them
    (``after``): its task is sent when that one ends (:func:`start_waiting_runs`). Race-safe: the check
    and the insert happen in one transaction holding the connection's row lock, so two requests at once
    (a double click) make one run.
    """
    with transaction.atomic():
        _lock_connection(connection.pk)
        active = _active_runs(connection)
        existing = next((run for run in active if not run.limited), None)
        if existing is not None:
            return existing, False
        return SyncRun.objects.create(connection=connection, after=active[0] if active else None, **fields), True


def _send(run: SyncRun) -> None:
    """Hand ``run`` to the background workers once the transaction commits (the worker must see the row),
    and note when (``sent_at``: the reaper sends again a task lost with the queue, :func:`resend_lost_runs`)."""
    SyncRun.objects.filter(pk=run.pk).update(sent_at=timezone.now())
    transaction.on_commit(lambda: async_task("syncengine.tasks.execute_run", run.pk, task_name=f"sync run {run.pk}"))


def move_queued_run(run: SyncRun, status: str, **fields) -> bool:
    """Move ``run`` from queued to ``status`` (with ``fields``), unless a worker moved it first: a task sent
    twice runs once. True when this caller moved it; otherwise ``run`` is refreshed and False returned."""
    if not SyncRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(status=status, **fields):
        run.refresh_from_db()
        return False
    run.status = status
    for name, value in fields.items():
        setattr(run, name, value)
    return True


def resend_lost_runs(older_than: timedelta) -> list[int]:
    """Send again the tasks of queued runs that no worker started ``older_than`` after they were sent,
    while the task queue is empty: their task was lost with the queue (a Redis restart empties it).

    Only when the broker holds no task, so a run merely waiting its turn in a long queue is left alone. A
    task that was not lost after all (a worker had fetched it but not started it yet) then runs twice,
    which is harmless: the second finds the run no longer queued (:func:`move_queued_run`)."""
    before = timezone.now() - older_than
    lost = SyncRun.objects.filter(status=RunStatus.QUEUED, after__isnull=True).filter(
        Q(sent_at__lt=before) | Q(sent_at__isnull=True, queued_at__lt=before)
    )
    runs = list(lost.order_by("pk"))
    if not runs or get_broker().queue_size():
        return []
    for run in runs:
        logger.warning("sync run %s: its task was not picked up in %s; sending it again", run.pk, older_than)
        _send(run)
    return [run.pk for run in runs]


def enqueue_run(
    connection: Connection, *, trigger: str = Trigger.MANUAL, dry_run: bool = False, full: bool = False
) -> tuple[SyncRun, bool]:
    """Queue a run of ``connection`` for the background workers.

    Returns ``(run, created)``: when a run of the connection is already queued
    or running, that run is returned and nothing new is queued (see
    :func:`claim_run`). The task is sent after the transaction commits (the
    worker must see the row) and carries the run's id only; a run queued behind
    a retry is sent when that one ends.
    """
    run, created = claim_run(connection, trigger=trigger, dry_run=dry_run, full=full)
    if created and run.after_id is None:
        _send(run)
    return run, created


def _covers(scope: dict, wanted: dict) -> bool:
    return all(set(ids) <= set(scope.get(side) or []) for side, ids in wanted.items())


def claim_retry(connection: Connection, scope: dict[str, list[str]]) -> tuple[SyncRun, bool]:
    """Queue a run limited to the records of ``scope`` (``{side: [record ids]}``), unless a queued run
    already covers them. Returns ``(run, created)``.

    - An ordinary run that is queued (not started) reads every pending change, these included: it is
      returned and nothing is queued.
    - A queued retry of (at least) these records is returned likewise (a second click).
    - Otherwise a limited run is made; when a run is queued or running, it waits behind the latest one
      (``after``), because one run at a time holds the connection's lease. Its task is sent at once when
      nothing is active, else when the run it waits for ends (:func:`start_waiting_runs`).
    """
    with transaction.atomic():
        _lock_connection(connection.pk)
        active = _active_runs(connection)
        for run in active:
            if run.status == RunStatus.QUEUED and (not run.limited or _covers(run.scope, scope)):
                return run, False
        run = SyncRun.objects.create(
            connection=connection, trigger=Trigger.RETRY, scope=scope, after=active[0] if active else None
        )
        if run.after_id is None:
            _send(run)
        return run, True


def start_waiting_runs(run: SyncRun) -> list[int]:
    """``run`` ended: send the tasks of the runs that were queued behind it. Returns their ids.

    Each is released once (its ``after`` cleared under the connection's row lock), so two callers
    (the run's end and the reaper) never send one twice. Its queue time becomes now: it was waiting for
    its turn, not for a worker, so the reaper's "never picked up in an hour" counts from here.
    """
    sent = []
    with transaction.atomic():
        _lock_connection(run.connection_id)
        for queued in SyncRun.objects.filter(after_id=run.pk, status=RunStatus.QUEUED):
            if SyncRun.objects.filter(pk=queued.pk, after_id=run.pk).update(after=None, queued_at=timezone.now()):
                _send(queued)
                sent.append(queued.pk)
    return sent


@dataclass(frozen=True)
class Retry:
    """What *Retry failed records* did for one connection."""

    connection: Connection
    records: int  # failing records whose change was put back in the queue (their mirror rows marked pending)
    run: SyncRun | None  # the run that syncs them (None when there was nothing to retry)
    queued: bool  # True: ``run`` was queued for them; False: an already queued run covers them

    def describe(self) -> str:
        """The message that confirms what was re-queued, and which run syncs the records when."""
        name = f"“{self.connection.name}”"
        run = self.run
        if run is None:
            return f"{name}: no failing record to retry."
        what = f"{self.records} failed record{'s' if self.records != 1 else ''} of {name} re-queued"
        if self.queued and run.after_id is None:
            return f"{what}: run {run.pk} queued to retry only them."
        if self.queued:
            ahead = SyncRun.objects.filter(pk=run.after_id).first()
            state = ahead.status if ahead is not None else "ending"
            return f"{what}: run {run.after_id} is {state}, so run {run.pk} is queued behind it to retry only them."
        if run.limited:
            return f"{what}: run {run.pk} is already queued to retry them."
        return f"{what}: run {run.pk} is already queued and syncs them with every other pending change."


def retry_failed(connection: Connection, outcomes: QuerySet | None = None) -> Retry:
    """Retry failing records of ``connection``: queue a run limited to them (:func:`claim_retry`).

    Their mirror rows are marked pending too, so that the next ordinary run syncs them even if the
    retry cannot (one whose change was consumed included). ``outcomes``: the failing outcomes chosen
    (those of other connections, dry runs and outcomes that are not failures are left out); by default
    every record whose latest outcome is a failing one.
    """
    if outcomes is None:
        outcomes = latest_outcomes(connection.pk)
    chosen = outcomes.filter(run__connection=connection, run__dry_run=False, outcome__in=FAILING_OUTCOMES)
    ids: dict[str, set[str]] = {Side.NETSUITE: set(), Side.APP: set()}
    for direction, netsuite_id, app_id in chosen.values_list("direction", "netsuite_id", "app_id"):
        side, record_id = _source(direction, netsuite_id, app_id)
        if record_id:
            ids[side].add(record_id)
    scope: dict[str, list[str]] = {}
    for side, record_ids in ids.items():
        record_ids = sorted(record_ids)
        found: list[str] = []
        for chunk in slices(record_ids):
            rows = MirrorRecord.objects.filter(connection=connection, side=side, record_id__in=chunk)
            found += rows.values_list("record_id", flat=True)
            rows.update(pending=True)
        if found:
            scope[str(side)] = sorted(found)
    marked = sum(len(found) for found in scope.values())
    if not marked:
        return Retry(connection, 0, None, False)
    run, queued = claim_retry(connection, scope)
    return Retry(connection, marked, run, queued)


def retry_failed_outcomes(outcomes: QuerySet) -> list[Retry]:
    """*Retry failed records* for chosen outcomes, one :func:`retry_failed` per connection they belong to."""
    connection_ids = set(
        outcomes.filter(outcome__in=FAILING_OUTCOMES, run__dry_run=False).values_list("run__connection_id", flat=True)
    )
    return [
        retry_failed(connection, RecordOutcome.objects.filter(pk__in=outcomes.values("pk")))
        for connection in Connection.objects.filter(pk__in=connection_ids).order_by("name")
    ]


def _source(direction: str, netsuite_id: str, app_id: str) -> tuple[str, str]:
    """The record an outcome is about: its direction's source side and id."""
    return (Side.NETSUITE, netsuite_id) if direction == SyncDirection.TO_APP else (Side.APP, app_id)


def skip_outcomes(outcomes: QuerySet, user, why: str = "") -> int:
    """*Skip*: leave the failing records of ``outcomes`` out until they change. Returns how many were skipped.

    Each record's mirror row stops being pending and remembers its modification time
    (``skipped_modified_at``): the runner leaves it out while that time is unchanged, so neither a re-read
    nor a full run brings it back; an edit does. A "skipped by an operator" outcome becomes the record's
    latest (so it no longer counts as failing), and the change history says who skipped it and why.
    """
    from django.contrib.contenttypes.models import ContentType

    from changelog.models import ChangeAction, ChangeRecord

    chosen = (
        outcomes.filter(run__dry_run=False, outcome__in=FAILING_OUTCOMES)
        .select_related("run__connection")
        .order_by("id")
    )
    latest: dict[tuple, RecordOutcome] = {}
    for outcome in chosen:
        side, record_id = _source(outcome.direction, outcome.netsuite_id, outcome.app_id)
        if record_id:
            latest[(outcome.run.connection_id, side, record_id)] = outcome
    content_type = ContentType.objects.get_for_model(MirrorRecord)
    skipped = 0
    for (connection_id, side, record_id), outcome in latest.items():
        row = MirrorRecord.objects.filter(connection_id=connection_id, side=side, record_id=record_id).first()
        if row is None:
            continue
        reason = why or f"failing: {(outcome.message or '').strip().splitlines()[0][:200] if outcome.message else '—'}"
        with transaction.atomic():
            MirrorRecord.objects.filter(pk=row.pk).update(pending=False, skipped_modified_at=row.modified_at)
            RecordOutcome.objects.create(
                run=outcome.run,
                link=outcome.link,
                direction=outcome.direction,
                netsuite_id=outcome.netsuite_id,
                app_id=outcome.app_id,
                email=outcome.email,
                name=outcome.name,
                outcome=Outcome.SKIPPED_BY_OPERATOR,
                message=f"Skipped by {user.get_username()} until it changes: {reason}",
            )
            ChangeRecord.objects.create(
                action=ChangeAction.CHANGED,
                content_type=content_type,
                object_id=str(row.pk),
                object_repr=f"{outcome.name or outcome.email or record_id} ({side} record {record_id})"[:300],
                connection_id=connection_id,
                connection_name=outcome.run.connection.name,
                user=user,
                username=user.get_username(),
                via="admin: skip",
                changes=[{"field": "skipped", "label": "Skipped until it changes", "old": "", "new": reason}],
            )
        skipped += 1
    return skipped


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
        last_run = last_real_runs(connection.pk).first()
    if active_run is None:
        # The oldest active run: the one running, rather than a retry queued behind it.
        active_run = (
            SyncRun.objects.filter(connection=connection, status__in=ACTIVE).order_by("queued_at", "pk").first()
        )
    schedule = Schedule.objects.filter(name=connection_schedule_name(connection.pk)).first()
    next_run = schedule.next_run if schedule and not connection.paused else None
    accounts = (connection.netsuite_account, connection.app_account)
    broken = [a for a in accounts if a.status in (AccountStatus.ERROR, AccountStatus.NEEDS_REAUTH)]
    state = ConnectionState.objects.filter(connection=connection).first()
    failing = failing_count(connection.pk)  # "Needs attention: N failing", whatever else needs attention
    if connection.paused and connection.paused_reason.startswith(AUTH_PAUSE_PREFIX):
        # Paused by the engine, not by someone: it waits for a re-authorization (the list flags it too).
        return ConnectionStatus("attention", attention_label(failing), connection.paused_reason, last_run, None)
    if connection.paused:
        return ConnectionStatus("paused", "Paused", connection.paused_reason or "Not scheduled.", last_run, None)
    if broken:
        detail = "; ".join(f"{a.label}: {a.status_message or a.get_status_display()}" for a in broken)
        return ConnectionStatus("attention", attention_label(failing), detail, last_run, next_run)
    if state and state.deletions_awaiting_confirmation:
        detail = (
            f"{state.deletions_awaiting_confirmation} deletions are held back by the safety valve: "
            "review them and confirm."
        )
        return ConnectionStatus("attention", attention_label(failing), detail, last_run, next_run)
    if run_trouble(last_run.status if last_run else None, failing):
        parts = []
        if last_run is not None and last_run.status in TROUBLED:
            error = (last_run.error or "").strip().splitlines()
            parts.append(
                f"Run {last_run.pk} {last_run.get_status_display().lower()}" + (f": {error[0][:300]}" if error else ".")
            )
        if failing:
            parts.append(f"{failing} record{'s are' if failing != 1 else ' is'} failing (see the health below).")
        if active_run is not None:
            parts.append(f"Run {active_run.pk} is {active_run.status}.")
        return ConnectionStatus("attention", attention_label(failing), " ".join(parts), last_run, next_run)
    if active_run is not None:
        if last_run is None:
            return ConnectionStatus("scanning", "Scanning", "The first sync is reading both sides.", None, next_run)
        return ConnectionStatus(
            "syncing", "Syncing", f"Run {active_run.pk} is {active_run.status}.", last_run, next_run
        )
    when = timezone.localtime(next_run).strftime("%H:%M UTC") if next_run else "when the worker runs"
    return ConnectionStatus("active", "Active and listening", f"Next run {when}.", last_run, next_run)


# --- undo of a run (issue 20) ------------------------------------------------------------------------------------
def undo_problem(run: SyncRun) -> str:
    """Why ``run`` cannot be undone ('' when it can): a dry run wrote nothing, a run not finished has more to
    write."""
    if run.dry_run:
        return "A dry run wrote nothing: there is nothing to undo."
    if run.status not in (RunStatus.SUCCEEDED, RunStatus.PARTIALLY_FAILED, RunStatus.FAILED):
        return f"Run {run.pk} is {run.get_status_display().lower()}: only a finished run can be undone."
    return ""


def queue_undo(run: SyncRun, *, user=None, created: str = "", dry_run: bool = True) -> tuple[SyncRun, bool]:
    """Queue the undo of ``run`` for the background workers: a preview (``dry_run``, the default) or the undo
    itself, asked for by ``user``; ``created``: what happens to the records the run created (keep by default).

    Returns ``(run, created)`` as :func:`enqueue_run`: when a run of the connection is queued or running, that
    run and False (the undo is asked for again once it ends). Raises ``ValueError`` with the reason when ``run``
    cannot be undone."""
    problem = undo_problem(run)
    if problem:
        raise ValueError(problem)
    undo, made = claim_run(
        run.connection,
        trigger=Trigger.UNDO,
        undoes=run,
        undo_created=created or "keep",
        dry_run=dry_run,
        requested_by=user if getattr(user, "pk", None) else None,
    )
    if made:
        _record_undo_request(undo, user)
        if undo.after_id is None:
            _send(undo)
    return undo, made


def _record_undo_request(undo: SyncRun, user) -> None:
    """The change history's entry of an undo asked for: who, when, which run, and what happens to its creates."""
    what = "Preview of the undo" if undo.dry_run else "Undo"
    ChangeRecord.objects.create(
        action=ChangeAction.CREATED,
        content_type=ContentType.objects.get_for_model(SyncRun),
        object_id=str(undo.pk),
        object_repr=f"{what} of run {undo.undoes_id} (run {undo.pk})",
        connection_id=undo.connection_id,
        connection_name=undo.connection.name,
        user=user if getattr(user, "pk", None) else None,
        username=user.get_username() if getattr(user, "pk", None) else "",
        via="admin",
        changes=[
            {"field": "undoes", "label": "Undoes", "old": "", "new": f"run {undo.undoes_id}"},
            {"field": "undo_created", "label": "Records it created", "old": "", "new": undo.get_undo_created_display()},
        ],
    )
