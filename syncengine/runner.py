"""One sync run of one connection, from lease to cursor: the engine's orchestration.

read → mirror → pair → plan → write → record → advance cursors:

1. take the connection's lease (:mod:`syncengine.lease`);
2. **read** both sides' changes since their cursors into the **mirror**, as pending records
   (:mod:`syncengine.reading`), and bind records we created before a crash (our key on them) to their links;
3. check the deletion safety valve (:mod:`syncengine.pipeline.deletions`);
4. take the pending records a chunk at a time, the two sides in turns: **pair** each
   (:mod:`syncengine.chunk_pairing` loads what :mod:`syncengine.pipeline.pairing` decides on), decide
   deletions, and **plan** the pair (:mod:`syncengine.pair_planning`: echoes, then the pure
   :mod:`syncengine.planner` with its merge);
5. **write** the chunk through the providers (:mod:`syncengine.writer`, NetSuite's share on threads) and
   **record** it (:mod:`syncengine.recorder`: links, snapshots, outcomes, cleared pending records);
6. re-plan from the mirror the links planned with an older configuration;
7. advance the **cursors**, only after everything they cover was written and recorded.

A run limited to some records (a retry: ``SyncRun.scope``) reads those records
and their linked counterparts again by id instead of step 2, processes only
them, re-plans nothing else and leaves the cursors as they are: the other
pending changes wait for the next ordinary run.

A record that failed stays pending in the mirror and is retried next run (each pair is attempted once per
run); a create is journaled (a link in state ``creating`` carrying our key) before it is sent, so a crash
between "sent" and "recorded" never duplicates it.
"""

from __future__ import annotations

import logging
import traceback
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db import connections as db_connections
from django.db.models import F
from django.utils import timezone

from config.redaction import redact
from connections.choices import AccountStatus, DeletionPolicy
from connections.clients import client_for
from connections.models import Connection
from connections.providers.errors import AuthenticationError, ProviderError, ReauthorizationRequired
from mappings.addresses import without_parts

from . import lease
from .bulk import slices
from .choices import (
    FAILING_OUTCOMES,
    LinkState,
    Outcome,
    RunStatus,
    Side,
    SyncDirection,
    Trigger,
)
from .chunk_pairing import ChunkPairer
from .config_loader import ensure_catalogs, load_config
from .linked_companies import load_company_ids
from .lost_service import LOST_SERVICE_ERRORS, lost_service_message
from .models import ConnectionState, MirrorRecord, RecordLink, SyncRun
from .notifications import notify_run_finished
from .pair_op import PairOp, identity
from .pair_planning import PairPlanner
from .pipeline.deletions import Valve, deletion_valve
from .process_tuning import fewer_gc_pauses
from .progress import progress_recorder
from .read_echoes import ReadEchoes
from .reading import Reader
from .recorder import Recorder
from .replan import config_fingerprint, planned_slots, remember, stale_links
from .services import move_queued_run, start_waiting_runs
from .sync_config import SyncConfig
from .writer import Target, Writer

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
NS, APP = Side.NETSUITE.value, Side.APP.value

Progress = Callable[[str, int, int | None], None]


class Runner:
    """Runs one :class:`SyncRun` whose lease is held by ``holder``."""

    def __init__(self, run: SyncRun, holder: str, progress: Progress | None = None):
        self.run = run
        self.connection = run.connection
        self.holder = holder
        self.dry = run.dry_run
        self.progress = progress or (lambda stage, done, total: None)
        self.counters: dict[str, Any] = defaultdict(lambda: defaultdict(int))
        self.now = timezone.now()
        self.valve = Valve()
        self.writer: Writer | None = None
        # A retry's limit: the mirror rows to process per side (sorted ids), None for an ordinary run.
        self.only: dict[str, list[int]] | None = None

    @property
    def deletions_blocked(self) -> bool:
        return self.valve.blocks

    @property
    def valve_message(self) -> str:
        return self.valve.message

    # --- orchestration ----------------------------------------------------------
    def execute(self) -> None:
        """The whole run (reading, processing, cursors), with the collector's pauses made rare."""
        with fewer_gc_pauses():
            self._run()

    def _prepare(self) -> None:
        """The configuration, its fingerprint, the clients, and the run's reader, planner and recorder."""
        connection = self.connection
        catalog_problems = ensure_catalogs(connection)
        self.config: SyncConfig = load_config(connection)
        self.config.problems.extend(catalog_problems)
        self.fingerprint = config_fingerprint(self.config)
        if not self.dry:  # a dry run leaves no trace of the configuration it previewed
            remember(connection, self.fingerprint, self.config)
        ns_client, app_client = client_for(connection.netsuite_account), client_for(connection.app_account)
        self.targets = {
            NS: Target(ns_client, connection.contact_type, {"subsidiary_id": connection.subsidiary.internal_id}),
            APP: Target(app_client, connection.app_object, app_write_scope(connection)),
        }
        # Hand the clients the catalogs fetched from them before (loaded with the config), so that they do
        # not fetch the providers' metadata on every run (a catalog that changes once in a blue moon).
        for target, catalog, fetched in (
            (self.targets[NS], self.config.netsuite_catalog, self.config.netsuite_catalog_fetched),
            (self.targets[APP], self.config.app_catalog, self.config.app_catalog_fetched),
        ):
            if fetched:
                # The app's own fields only: the address parts are ours (mappings.addresses), not its.
                fields = without_parts(catalog)
                if target is self.targets[APP]:
                    unused = unused_company_references(connection, self.config)
                    fields = [f for f in fields if f.id not in unused]
                target.client.use_catalog(target.object_type, fields)
        echoes = ReadEchoes.for_run(self.run, self.config, self.fingerprint)
        self.reader = Reader(connection, self.holder, self.targets, self.counters, self.progress, echoes)
        self.planner = PairPlanner(
            config=self.config,
            fingerprint=self.fingerprint,
            planned_slots=planned_slots(connection),
            counters=self.counters,
            now=self.now,
            load_company_ids=load_company_ids,
        )
        self.recorder = Recorder(
            run=self.run, config=self.config, fingerprint=self.fingerprint, dry=self.dry, counters=self.counters
        )

    def _run(self) -> None:
        self._prepare()
        state = lease.ensure_state(self.connection.pk)
        if self.run.limited:
            self.only, gone = self.reader.scope(self.run.scope)
            if gone:
                self.counters["retry_not_found"]["records"] = gone
                self.config.problems.append(
                    f"{gone} of the records to retry could not be read again (deleted since, or no longer in "
                    "the connection's scope); they stay queued for the next run"
                )
            ns_cursor = app_cursor = None
        else:
            cursors = {NS: state.netsuite_cursor or None, APP: state.app_cursor or None}
            read = self.reader.changes({NS: None, APP: None} if self.run.full else cursors)
            ns_cursor, app_cursor = read[NS], read[APP]
        if self.run.full and not self.run.limited:
            MirrorRecord.objects.filter(connection=self.connection).update(pending=True)
        if not self.dry:
            self.reader.bind_by_key()
        self.valve = self._deletion_valve(state)
        self.pairer = ChunkPairer(
            connection=self.connection,
            config=self.config,
            planner=self.planner,
            valve=self.valve,
            counters=self.counters,
        )
        self.writer = Writer(
            connection=self.connection,
            config=self.config,
            targets=self.targets,
            fingerprint=self.fingerprint,
            dry=self.dry,
            counters=self.counters,
            record=self.recorder.record,
        )
        with self.writer:
            self._process_pending()
            if self.only is None:  # a retry re-plans its own pairs only
                self._replan_stale()
            self.writer.drain()
        self.planner.report_unread()
        if not self.dry:
            # A retry read no changes: the cursors stay where the last ordinary run left them.
            cursors = (
                {"netsuite_cursor": ns_cursor or state.netsuite_cursor, "app_cursor": app_cursor or state.app_cursor}
                if self.only is None
                else {}
            )
            confirmation = (
                {"deletions_confirmed": False, "deletions_awaiting_confirmation": 0}
                if self.valve.uses_confirmation
                else {}
            )
            if cursors or confirmation:
                ConnectionState.objects.filter(pk=state.pk).update(**cursors, **confirmation)

    def _deletion_valve(self, state: ConnectionState) -> Valve:
        """Whether this run may delete or mark what its pending deletions ask for (not too many at once)."""
        policies = {NS: self.config.netsuite_deletions, APP: self.config.app_deletions}
        acting = [side for side, policy in policies.items() if policy != DeletionPolicy.IGNORE]
        if not acting:
            return Valve()
        links = RecordLink.objects.filter(connection=self.connection, state=LinkState.LINKED)
        linked = links.count()
        pending = 0
        for side in acting:
            for rows in self._pending(side):
                deleted_ids = rows.filter(deleted=True).values_list("record_id", flat=True)
                pending += links.filter(**{f"{side}_id__in": deleted_ids}).count()
        return self._valve_for(pending, linked, state)

    def _valve_for(self, pending: int, linked: int, state: ConnectionState) -> Valve:
        """The safety valve's verdict on ``pending`` deletions out of ``linked`` links; a verdict that blocks
        them is noted on the connection (they wait for an operator's confirmation)."""
        valve = deletion_valve(
            pending=pending,
            linked=linked,
            percent=self.config.deletion_safety_percent,
            confirmed=state.deletions_confirmed,
        )
        if valve.blocks and not self.dry:
            ConnectionState.objects.filter(pk=state.pk).update(deletions_awaiting_confirmation=pending)
        return valve

    # --- processing ------------------------------------------------------------------
    def _process_pending(self) -> None:
        """Process the pending records of both sides a chunk at a time, taking turns.

        Taking turns spreads the NetSuite writes over the run: one side's
        changes mostly write to the other side, so doing all of NetSuite's
        first would leave NetSuite's slots idle while Google is written, then
        Google idle while NetSuite is. A pair met on one side marks its
        other half handled, so whichever side's chunk comes first decides it.
        """
        # Records an operator skipped stay out until they change (a new modification time): see services.skip.
        for side in (NS, APP):
            for rows in self._pending(side):
                rows.filter(skipped_modified_at=F("modified_at")).update(pending=False)
        totals = {side: sum(rows.count() for rows in self._pending(side)) for side in (NS, APP)}
        done = {NS: 0, APP: 0}
        last_id = {NS: 0, APP: 0}
        sides = [side for side in (NS, APP) if totals[side]]
        while sides:
            for side in list(sides):
                rows, last = self._next_chunk(side, last_id[side])
                if last is None:
                    sides.remove(side)
                    continue
                last_id[side] = last
                rows = [r for r in rows if r.id not in self.pairer.handled and r.id not in self.recorder.requeued]
                if rows:
                    self.writer.submit(self.pairer.pair_and_plan(side, rows))
                done[side] += len(rows)
                self.progress(f"syncing {side} changes", done[side], totals[side])
                lease.renew(self.connection.pk, self.holder)

    def _pending(self, side: str) -> list:
        """The pending mirror rows of ``side`` this run processes, as querysets: one for an ordinary run,
        a retry's scope a slice at a time."""
        rows = MirrorRecord.objects.filter(connection=self.connection, side=side, pending=True)
        return [rows] if self.only is None else [rows.filter(id__in=ids) for ids in slices(self.only[side])]

    def _next_chunk(self, side: str, after_id: int) -> tuple[list[MirrorRecord], int | None]:
        """The next chunk of pending rows of ``side`` after row ``after_id``, and where the next one starts
        (None: no rows left). A retry walks its scope's row ids a chunk at a time."""
        rows = MirrorRecord.objects.filter(connection=self.connection, side=side, pending=True, id__gt=after_id)
        if self.only is None:
            chunk = list(rows.order_by("id")[:CHUNK_SIZE])
            return chunk, (chunk[-1].id if chunk else None)
        ids = [pk for pk in self.only[side] if pk > after_id][:CHUNK_SIZE]
        if not ids:
            return [], None
        return list(rows.filter(id__in=ids).order_by("id")), ids[-1]

    def _replan_stale(self) -> None:
        """Re-plan, from the mirror, the linked pairs last planned with another configuration.

        Pairs planned earlier in this run are done; a pair with a pending or
        deleted record waits for that record's own processing. Nothing is
        read from the APIs: the mirror holds every field each side reads.
        """
        last_pk = 0
        while True:
            links = list(
                stale_links(self.connection, self.fingerprint).filter(pk__gt=last_pk).order_by("pk")[:CHUNK_SIZE]
            )
            if not links:
                return
            last_pk = links[-1].pk
            links = [link for link in links if link.pk not in self.planner.planned_links]
            rows = {NS: {}, APP: {}}
            for side in (NS, APP):
                ids = [getattr(link, f"{side}_id") for link in links]
                for row in MirrorRecord.objects.filter(connection=self.connection, side=side, record_id__in=ids):
                    rows[side][row.record_id] = row
            ops = []
            self.planner.prefetch([*rows[NS].values(), *rows[APP].values()])
            for link in links:
                ns_row, app_row = rows[NS].get(link.netsuite_id), rows[APP].get(link.app_id)
                pair = [row for row in (ns_row, app_row) if row is not None]
                if not pair or any(row.pending or row.deleted for row in pair):
                    continue
                op = PairOp(
                    row=pair[0], other=pair[1] if len(pair) > 1 else None, link=link, link_before=identity(link)
                )
                self.planner.plan(op, op.row.side)
                ops.append(op)
            if ops:
                self.counters["config_reapplied"]["links"] += len(ops)
                self.writer.submit(ops)
            lease.renew(self.connection.pk, self.holder)


def app_write_scope(connection: Connection) -> dict[str, Any]:
    """What the app's client is told with every read and write besides the object type: the contact group the
    connection is limited to (``app_scope``), and whether new subscribers are asked to confirm first (for an
    app that offers double opt-in)."""
    scope: dict[str, Any] = {"group": connection.app_scope or None}
    if connection.app_account.provider_info.capabilities.double_opt_in:
        scope["double_opt_in"] = connection.double_opt_in
    return scope


def unused_company_references(connection: Connection, config: SyncConfig) -> frozenset[str]:
    """The app's company reference fields (a contact's company record) that neither an active mapping nor a
    rule of ``config`` uses: not handed to the app's client, which then spends no request reading them."""
    fields = connection.app_account.provider_info.company_reference_fields
    if not fields:
        return frozenset()
    used = {ref.app_field for ref in config.company_refs}
    used.update(
        c.field_id for rule in (*config.rules_to_app, *config.rules_to_netsuite) for c in rule.conditions if c.field_id
    )
    return frozenset(fields - used)


def run_sync(run_id: int, progress: Progress | None = None) -> SyncRun:
    """Run the :class:`SyncRun` ``run_id`` to its end; never raises for sync problems
    (they end in the run's status and error), so a worker can call it blindly."""
    run = SyncRun.objects.select_related(
        "connection__netsuite_account", "connection__app_account", "connection__subsidiary"
    ).get(pk=run_id)
    if run.status != RunStatus.QUEUED:  # a task sent twice (a lost task sent again): another worker took it
        return run
    holder = lease.new_holder()
    try:
        lease.acquire(run.connection_id, holder)
    except lease.LeaseHeld as exc:
        if move_queued_run(run, RunStatus.SKIPPED, error=f"Not run: {exc}.", finished_at=timezone.now()):
            start_waiting_runs(run)
        return run
    if not move_queued_run(run, RunStatus.RUNNING, started_at=timezone.now(), worker=holder):
        lease.release(run.connection_id, holder)
        return run
    runner_class = Runner
    if run.trigger == Trigger.UNDO:
        from .undo_runner import UndoRunner  # the undo builds on the runner

        runner_class = UndoRunner
    runner = runner_class(run, holder, progress_recorder(run.pk, progress))
    try:
        runner.execute()
        run.status, error = _verdict(runner)
        run.error = error or run.error
    except lease.LeaseLost as exc:
        run.status, run.error = RunStatus.FAILED, str(exc)
    except AuthenticationError as exc:
        run.status, run.error = RunStatus.FAILED, f"Authentication failed: {exc}"
        account = getattr(exc, "account", None)
        if account is not None:  # the account page and the connection banner say so too
            status = AccountStatus.NEEDS_REAUTH if isinstance(exc, ReauthorizationRequired) else AccountStatus.ERROR
            account.mark_status(status, str(exc))
    except ProviderError as exc:
        run.status, run.error = RunStatus.FAILED, f"The run stopped: {exc}"
    except LOST_SERVICE_ERRORS as exc:  # the database or Redis went away: say so, keep the traceback in the log
        logger.warning("sync run %s stopped: a shared service failed", run.pk, exc_info=True)
        run.status, run.error = RunStatus.FAILED, redact(lost_service_message(exc))
        if not db_connections[DEFAULT_DB_ALIAS].in_atomic_block:
            db_connections[DEFAULT_DB_ALIAS].close()  # a dead connection: the run's end is saved on a new one
    except Exception as exc:  # a bug: keep the traceback for the ops team, redacted
        logger.exception("sync run %s crashed", run.pk)
        run.status = RunStatus.FAILED
        run.error = redact(f"Unexpected error: {exc!r}\n{traceback.format_exc()}")[:20000]
    finally:
        lease.release(run.connection_id, holder)
    run.counters = {k: dict(v) for k, v in runner.counters.items()}
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "counters", "finished_at"])
    start_waiting_runs(run)  # the runs queued behind this one (a retry asked for while it ran) go now
    notify_run_finished(run)  # email the owners about a new problem; pause after repeated authentication failures
    return run


def _verdict(runner: Runner) -> tuple[str, str | None]:
    """The status and error of a run that went to its end (no error: the run's stays as it is)."""
    failed = sum(
        v.get(outcome, 0)
        for k, v in runner.counters.items()
        if k in (SyncDirection.TO_APP, SyncDirection.TO_NETSUITE)
        for outcome in FAILING_OUTCOMES
    )
    problems = runner.config.problems
    if runner.deletions_blocked:
        return RunStatus.FAILED, runner.valve_message
    if failed:
        partly = sum(runner.counters.get(d, {}).get(Outcome.FIELD_FAILED, 0) for d in SyncDirection.values)
        detail = f" ({partly} of them partly written: some fields failed, see their outcomes)" if partly else ""
        error = f"{failed} record(s) failed{detail}; they are retried on the next run."
        missing_groups = runner.writer.missing_groups if runner.writer is not None else None
        if missing_groups is not None and missing_groups.refused:
            error += f" Contact groups missing in the app: {', '.join(repr(name) for name in missing_groups.refused)}."
        if problems:
            error += " Also, " + "; ".join(problems)
        return RunStatus.PARTIALLY_FAILED, error
    if problems:
        # Every record synced, but not every field: a skipped mapping must not look like success.
        return RunStatus.PARTIALLY_FAILED, "The records synced, but " + "; ".join(problems)
    return RunStatus.SUCCEEDED, None
