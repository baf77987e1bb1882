"""One sync run of one connection, from lease to cursor (the I/O edge of the engine).

1. take the connection's lease (:mod:`syncengine.lease`);
2. read both sides' changes since their cursors into the mirror (pending);
3. bind records we created before a crash (our key on them) to their links;
4. check the deletion safety valve;
5. process pending records a chunk at a time: pair (link → key → email → new),
   plan (:mod:`syncengine.planner`), write in batches through the providers,
   then bind, update snapshots and log every record's outcome in bulk;
6. advance the cursors, only after everything they cover was processed.

A run limited to some records (a retry: ``SyncRun.scope``) reads those records
and their linked counterparts again by id instead of step 2, processes only
them, re-plans nothing else and leaves the cursors as they are: the other
pending changes wait for the next ordinary run.

A record that failed stays pending in the mirror and is retried next run; a
create is journaled (a link in state ``creating`` carrying our key) before it
is sent, so a crash between "sent" and "recorded" never duplicates it.
"""

from __future__ import annotations

import gc
import logging
import sys
import traceback
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config.redaction import redact
from connections.choices import AccountStatus, DeletionPolicy
from connections.clients import client_for
from connections.providers.base import WriteRequest, WriteResult
from connections.providers.errors import AuthenticationError, ProviderError, ReauthorizationRequired
from connections.providers.fields import FieldType
from connections.providers.registry import app_object_type
from mappings.converters import is_empty

from . import codec, lease
from .bulk import update_rows
from .choices import FAILING_OUTCOMES, LinkState, Outcome, RunStatus, SyncDirection
from .choices import Side as SideName
from .config import SyncConfig, ensure_catalogs, load_config
from .contact_groups import MissingGroups
from .mirror import store_page
from .models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome, SyncRun
from .names import display_name
from .notifications import notify_run_finished
from .overlap import ForeignLink, ForeignLinks
from .planner import DirectionPlan, PairPlan, Side, plan_pair
from .progress import progress_recorder
from .replan import config_fingerprint, new_slots, planned_slots, remember, stale_links
from .services import start_waiting_runs

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
# NetSuite writes are queued so that its concurrency slots never wait for us:
# planning runs ahead until this many NetSuite writes wait in the queue (not
# yet started), or this many chunks wait to be recorded (which bounds the
# memory held)...
NETSUITE_QUEUED_WRITES = 1000
MAX_CHUNKS_IN_FLIGHT = 6
# ...and this many batches (a chunk's creates, its updates) are sent at once, so
# that while one waits for its last answers and reads its records back, the
# next one fills the slots.
NETSUITE_BATCHES_IN_FLIGHT = 3
NS, APP = SideName.NETSUITE.value, SideName.APP.value
OTHER = {NS: APP, APP: NS}
DIRECTION_FROM = {NS: SyncDirection.TO_APP.value, APP: SyncDirection.TO_NETSUITE.value}

Progress = Callable[[str, int, int | None], None]


def _natural(record_id: str) -> tuple[int, str]:
    """Sort key for "oldest": NetSuite ids grow, so shorter then smaller is older."""
    return (len(record_id), record_id)


def _slices(values, size: int = 500):
    """``values`` a slice at a time (a retry's ids in ``IN (...)`` lookups stay under SQLite's variable limit)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def new_key() -> str:
    """Our idempotency key: each app stores it on the records we create, where its provider keeps it
    (``registry.sync_key_of`` reads it back)."""
    return "cs-" + uuid.uuid4().hex


@dataclass
class Op:
    """One pair being processed in a chunk: what we know, and what we plan."""

    row: MirrorRecord  # the pending record that brought the pair up
    other: MirrorRecord | None
    link: RecordLink | None
    new_link: bool = False
    plan: PairPlan = field(default_factory=PairPlan)
    outcomes: list[tuple[str, str, str, dict]] = field(default_factory=list)  # direction, outcome, message, diff
    done: bool = True  # the pending rows may be cleared
    deletion: str | None = None  # "delete" | "mark" toward the other side
    ns_values: dict | None = None
    app_values: dict | None = None
    results: dict[str, WriteResult] = field(default_factory=dict)  # direction → result
    link_before: tuple | None = None  # the link's identity fields when loaded (to save only changed links)
    replanned: set[str] = field(default_factory=set)  # directions planned only for a configuration change
    keep_stale: bool = False  # planned without some mappings (fields not in the mirror): planned again later

    def link_changed(self) -> bool:
        return self.link is not None and _identity(self.link) != self.link_before


def _identity(link: RecordLink) -> tuple:
    return (link.netsuite_id, link.app_id, link.match_key, link.state)


class WriteBatch(NamedTuple):
    """A chunk's creates (or updates) toward one side, ready to send: ``send()`` stores the results in the ops."""

    size: int
    send: Callable[[], None]


# While the NetSuite writer threads run next to this thread's planning, the
# interpreter hands the GIL over at most every this many seconds (Python's
# default: 5 ms). Each writer takes the GIL back several times per request (after
# connecting, sending, receiving); waiting up to 5 ms each time for a planning
# thread to let go cost a quarter of NetSuite's throughput (measured: 1,000
# PATCHes at 50 ms and concurrency 5 took 1.39x their minimum next to a busy
# thread, 1.15x with 1 ms, 1.07x alone).
GIL_SWITCH_INTERVAL_S = 0.001


@contextmanager
def responsive_io_threads(interval: float = GIL_SWITCH_INTERVAL_S):
    """Shorten the interpreter's thread switch interval for the block (it is per process:
    a sync runs alone in its worker process), and restore it after."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, interval))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


class QueuedBatch:
    """A :class:`WriteBatch` handed to the writer threads: ``started`` once a thread took it."""

    def __init__(self, batch: WriteBatch, pool: ThreadPoolExecutor):
        self.size = batch.size
        self.started = False
        self._send = batch.send
        self.future: Future = pool.submit(self._run)

    def _run(self) -> None:
        self.started = True
        self._send()


# The cyclic garbage collector stops every thread while it runs; during a run
# it is asked to start its young collections after this many new objects rather
# than 700, so the full ones (walking every object of the process, a tenth of a
# second and more with a few chunks of records held) come far less often.
GC_YOUNG_THRESHOLD = 20_000


@contextmanager
def fewer_gc_pauses(young_threshold: int = GC_YOUNG_THRESHOLD):
    """Raise the collector's young-generation threshold for the block, and restore it after."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], young_threshold), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@dataclass
class InFlight:
    """A chunk whose NetSuite writes were queued: its ops and its batches."""

    ops: list[Op]
    batches: list[QueuedBatch]

    def done(self) -> bool:
        return all(batch.future.done() for batch in self.batches)

    def queued_writes(self) -> int:
        """Writes of batches that no writer thread has taken yet."""
        return sum(batch.size for batch in self.batches if not batch.started)


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
        self._missing_groups: MissingGroups | None = None
        self.handled: set[int] = set()  # mirror rows already decided as the other side of a pair
        self.deletions_blocked = False
        self.deletions_used_confirmation = False
        self.valve_message = ""
        # A retry's limit: the mirror rows to process per side (sorted ids), None for an ordinary run.
        self.only: dict[str, list[int]] | None = None
        self.app_object_type = app_object_type(self.connection.app_account.provider)

    # --- orchestration ----------------------------------------------------------
    def execute(self) -> None:
        """The whole run (reading, processing, cursors), with the collector's pauses made rare."""
        with fewer_gc_pauses():
            self._run()

    def _run(self) -> None:
        connection = self.connection
        catalog_problems = ensure_catalogs(connection)
        self.config: SyncConfig = load_config(connection)
        self.config.problems.extend(catalog_problems)
        self._load_fingerprints()
        self.ns_client = client_for(connection.netsuite_account)
        self.app_client = client_for(connection.app_account)
        self._share_cached_catalogs()
        self.ns_scope = {"subsidiary_id": connection.subsidiary.internal_id}
        self.app_scope = {"group": connection.app_scope or None}
        state = lease.ensure_state(connection.pk)
        if self.run.limited:
            self.only = self._read_scope(self.run.scope)
            ns_cursor = app_cursor = None
        else:
            ns_cursor = self._read(NS, None if self.run.full else state.netsuite_cursor or None)
            app_cursor = self._read(APP, None if self.run.full else state.app_cursor or None)
        if self.run.full and not self.run.limited:
            MirrorRecord.objects.filter(connection=connection).update(pending=True)
        if not self.dry:
            self._bind_by_key()
        self.deletions_blocked = self._deletion_valve(state)
        self._ns_writer = ThreadPoolExecutor(
            max_workers=NETSUITE_BATCHES_IN_FLIGHT, thread_name_prefix="netsuite-writer"
        )
        self._in_flight: deque[InFlight] = deque()
        try:
            with responsive_io_threads():
                self._process_pending()
                if self.only is None:  # a retry re-plans its own pairs only
                    self._replan_stale()
                self._drain()
        finally:
            self._ns_writer.shutdown(wait=True)
        self._report_unread()
        if not self.dry:
            # A retry read no changes: the cursors stay where the last ordinary run left them.
            cursors = (
                {"netsuite_cursor": ns_cursor or state.netsuite_cursor, "app_cursor": app_cursor or state.app_cursor}
                if self.only is None
                else {}
            )
            confirmation = (
                {"deletions_confirmed": False, "deletions_awaiting_confirmation": 0}
                if self.deletions_used_confirmation
                else {}
            )
            if cursors or confirmation:
                ConnectionState.objects.filter(pk=state.pk).update(**cursors, **confirmation)

    def _load_fingerprints(self) -> None:
        """The current configuration's fingerprint, and the mappings of those the links were planned with."""
        self.fingerprint = config_fingerprint(self.config)
        if not self.dry:  # a dry run leaves no trace of the configuration it previewed
            remember(self.connection, self.fingerprint, self.config)
        self.planned_slots = planned_slots(self.connection)
        self.planned_links: set[int] = set()  # links planned in this run

    def _share_cached_catalogs(self) -> None:
        """Hand the clients the catalogs fetched from them before (loaded with the
        config), so that they do not fetch the providers' metadata on every run
        (the NetSuite provider would: one request per run for a catalog that
        changes once in a blue moon)."""
        config = self.config
        if config.netsuite_catalog_fetched:
            self.ns_client.use_catalog(self.connection.contact_type, list(config.netsuite_catalog.values()))
        if config.app_catalog_fetched:
            self.app_client.use_catalog(self.app_object_type, list(config.app_catalog.values()))

    # --- reading -------------------------------------------------------------------
    def _read(self, side: str, cursor: str | None) -> str | None:
        client = self.ns_client if side == NS else self.app_client
        object_type = self.connection.contact_type if side == NS else self.app_object_type
        scope = self.ns_scope if side == NS else self.app_scope
        new_cursor, count = None, 0
        try:
            for page in client.read_changes(object_type, cursor, **scope):
                count += store_page(self.connection.pk, side, page.records)
                if page.cursor:
                    new_cursor = page.cursor
                self.counters["read"][side] += len(page.records)
                self.progress(f"reading {side}", count, None)
                lease.renew(self.connection.pk, self.holder)
        except AuthenticationError as exc:
            exc.account = self.connection.netsuite_account if side == NS else self.connection.app_account
            raise
        return new_cursor

    def _read_scope(self, scope: dict[str, list[str]]) -> dict[str, list[int]]:
        """A retry's reading: its records and their linked counterparts, again by id (``get_many``).

        What is read is stored in the mirror as pending changes, like any read, so the pairs are planned
        with both sides' current values. Returns the mirror rows to process per side: the scope's records,
        except live ones the API no longer returns (deleted since, or out of the connection's scope),
        which stay pending for the next ordinary run to settle. A provider without ``get_many`` is
        retried from the mirror's values.
        """
        wanted = {NS: set(scope.get(NS) or []), APP: set(scope.get(APP) or [])}
        to_read = {NS: set(wanted[NS]), APP: set(wanted[APP])}
        for side in (NS, APP):
            for ids in _slices(wanted[side]):
                links = RecordLink.objects.filter(connection=self.connection, **{f"{side}_id__in": ids})
                to_read[OTHER[side]].update(i for i in links.values_list(f"{OTHER[side]}_id", flat=True) if i)
        missing = {NS: set(), APP: set()}
        for side in (NS, APP):
            ids = sorted(to_read[side], key=_natural)
            if not ids:
                continue
            client = self.ns_client if side == NS else self.app_client
            object_type = self.connection.contact_type if side == NS else self.app_object_type
            try:
                records = client.get_many(object_type, ids, **(self.ns_scope if side == NS else self.app_scope))
            except NotImplementedError:
                continue
            except AuthenticationError as exc:
                exc.account = self.connection.netsuite_account if side == NS else self.connection.app_account
                raise
            store_page(self.connection.pk, side, records)
            missing[side] = wanted[side] - {record.id for record in records}
            self.counters["read"][side] += len(records)
            self.progress(f"reading {side}", len(records), len(ids))
            lease.renew(self.connection.pk, self.holder)
        only = {NS: [], APP: []}
        for side in (NS, APP):
            for ids in _slices(wanted[side]):
                rows = MirrorRecord.objects.filter(connection=self.connection, side=side, record_id__in=ids)
                only[side] += (
                    pk
                    for pk, record_id, deleted in rows.values_list("id", "record_id", "deleted")
                    if deleted or record_id not in missing[side]
                )
            only[side].sort()
        gone = sum(len(ids) for ids in missing.values())
        if gone:
            self.counters["retry_not_found"]["records"] = gone
            self.config.problems.append(
                f"{gone} of the records to retry could not be read again (deleted since, or no longer in the "
                "connection's scope); they stay queued for the next run"
            )
        return only

    def _bind_by_key(self) -> None:
        """Records we created (our key on them) whose create was never recorded: bind them."""
        creating = {
            link.key: link for link in RecordLink.objects.filter(connection=self.connection, state=LinkState.CREATING)
        }
        if not creating:
            return
        rows = MirrorRecord.objects.filter(connection=self.connection, sync_key__in=list(creating), deleted=False)
        for row in rows:
            link = creating[row.sync_key]
            if row.side == NS and not link.netsuite_id:
                link.netsuite_id = row.record_id
            elif row.side == APP and not link.app_id:
                link.app_id = row.record_id
            else:
                continue
            if link.netsuite_id and link.app_id:
                link.state = LinkState.LINKED
            link.save(update_fields=["netsuite_id", "app_id", "state", "updated_at"])

    def _deletion_valve(self, state: ConnectionState) -> bool:
        """True when this run must not delete or mark anything (too many at once)."""
        self.deletions_used_confirmation = False
        policies = {NS: self.config.netsuite_deletions, APP: self.config.app_deletions}
        acting = [side for side, policy in policies.items() if policy != DeletionPolicy.IGNORE]
        if not acting:
            return False
        links = RecordLink.objects.filter(connection=self.connection, state=LinkState.LINKED)
        linked = links.count()
        pending = 0
        for side in acting:
            for rows in self._pending(side):
                deleted_ids = rows.filter(deleted=True).values_list("record_id", flat=True)
                pending += links.filter(**{f"{side}_id__in": deleted_ids}).count()
        limit = linked * self.config.deletion_safety_percent / 100
        if pending == 0 or pending <= limit:
            return False
        if state.deletions_confirmed:
            self.deletions_used_confirmation = True
            return False
        if not self.dry:
            ConnectionState.objects.filter(pk=state.pk).update(deletions_awaiting_confirmation=pending)
        self.valve_message = (
            f"Deletion safety valve: this run would delete or mark {pending} of {linked} linked records "
            f"(more than {self.config.deletion_safety_percent}%). Nothing was deleted; confirm the deletions "
            "on the connection in the admin to let the next run go ahead."
        )
        return True

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
                rows = [r for r in rows if r.id not in self.handled]
                if rows:
                    self._process_chunk(side, rows)
                done[side] += len(rows)
                self.progress(f"syncing {side} changes", done[side], totals[side])
                lease.renew(self.connection.pk, self.holder)

    def _pending(self, side: str) -> list:
        """The pending mirror rows of ``side`` this run processes, as querysets: one for an ordinary run,
        a retry's scope a slice at a time."""
        rows = MirrorRecord.objects.filter(connection=self.connection, side=side, pending=True)
        return [rows] if self.only is None else [rows.filter(id__in=ids) for ids in _slices(self.only[side])]

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

    def _process_chunk(self, side: str, rows: list[MirrorRecord]) -> None:
        other_side = OTHER[side]
        conn = self.connection
        ids = [r.record_id for r in rows]
        links = {
            getattr(link, f"{side}_id"): link
            for link in RecordLink.objects.filter(connection=conn, **{f"{side}_id__in": ids})
        }
        emails = {r.email_key for r in rows if r.email_key and r.record_id not in links and not r.deleted}
        same_side = defaultdict(list)
        other_by_email = defaultdict(list)
        if emails:
            for m in MirrorRecord.objects.filter(connection=conn, email_key__in=emails, deleted=False):
                (same_side if m.side == side else other_by_email)[m.email_key].append(m)
        candidate_ids = {NS: set(), APP: set()}
        for group in same_side.values():
            candidate_ids[side].update(m.record_id for m in group)
        for group in other_by_email.values():
            candidate_ids[other_side].update(m.record_id for m in group)
        linked_ids = {NS: set(), APP: set()}
        if candidate_ids[NS] or candidate_ids[APP]:
            for link in RecordLink.objects.filter(connection=conn).filter(
                Q(netsuite_id__in=candidate_ids[NS]) | Q(app_id__in=candidate_ids[APP])
            ):
                linked_ids[NS].add(link.netsuite_id)
                linked_ids[APP].add(link.app_id)
        foreign = self._foreign_links(
            other_side, [r for r in rows if r.email_key in emails and not other_by_email.get(r.email_key)]
        )
        other_ids = [getattr(link, f"{other_side}_id") for link in links.values() if getattr(link, f"{other_side}_id")]
        others = {
            m.record_id: m
            for m in MirrorRecord.objects.filter(connection=conn, side=other_side, record_id__in=other_ids)
        }

        ops: list[Op] = []
        claimed: set[str] = set()  # other-side records matched in this chunk
        for row in rows:
            link = links.get(row.record_id)
            op = Op(row=row, other=None, link=link, link_before=_identity(link) if link else None)
            ops.append(op)
            if row.deleted:
                self._plan_deletion(op, side)
                continue
            unreadable = (row.meta or {}).get("unreadable")
            if unreadable:
                # A value we cannot read would look like a cleared field: do not sync
                # the record until it reads cleanly (it stays pending, retried each run).
                op.done = False
                problems = "; ".join(f"{field}: {message}" for field, message in sorted(unreadable.items()))
                op.outcomes.append(
                    (DIRECTION_FROM[side], Outcome.FAILED, f"Some values cannot be read: {problems}", {})
                )
                continue
            if link is None:
                if not row.email_key:
                    op.outcomes.append(
                        (
                            DIRECTION_FROM[side],
                            Outcome.EXCLUDED_NO_EMAIL,
                            "The record has no email, so it is not synced (to avoid duplicates).",
                            {},
                        )
                    )
                    continue
                owners = sorted(
                    same_side.get(row.email_key, []),
                    key=lambda m: (m.record_id not in linked_ids[side], _natural(m.record_id)),
                )
                owner = owners[0] if owners else row
                if owner.record_id != row.record_id:
                    op.outcomes.append(
                        (
                            DIRECTION_FROM[side],
                            Outcome.DUPLICATE,
                            f"Same email as {'NetSuite' if side == NS else 'app'} record {owner.record_id}, "
                            "which is the one synced.",
                            {},
                        )
                    )
                    continue
                candidates = sorted(
                    (
                        m
                        for m in other_by_email.get(row.email_key, [])
                        if m.record_id not in linked_ids[other_side] and m.record_id not in claimed
                    ),
                    key=lambda m: _natural(m.record_id),
                )
                op.link = RecordLink(connection=conn, key=new_key(), match_key=row.email_key, state=LinkState.CREATING)
                setattr(op.link, f"{side}_id", row.record_id)
                op.new_link = True
                if candidates:
                    op.other = candidates[0]
                    claimed.add(op.other.record_id)
                    setattr(op.link, f"{other_side}_id", op.other.record_id)
                    op.link.state = LinkState.LINKED
                elif any(m.record_id in linked_ids[other_side] for m in other_by_email.get(row.email_key, [])):
                    op.outcomes.append(
                        (
                            DIRECTION_FROM[side],
                            Outcome.DUPLICATE,
                            "A record with this email on the other side is already linked to another record.",
                            {},
                        )
                    )
                    op.link = None
                    op.new_link = False
                    continue
            else:
                other_id = getattr(link, f"{other_side}_id")
                op.other = others.get(other_id) if other_id else None
                if op.other is not None and op.other.pending and op.other.deleted and op.other.id not in self.handled:
                    # The counterpart was deleted since the last run: decide the
                    # deletion first; changes toward a deleted record are moot.
                    gone = Op(row=op.other, other=row, link=link, link_before=op.link_before)
                    self._plan_deletion(gone, other_side)
                    self.handled.add(op.other.id)
                    ops.append(gone)
                    op.link = None  # the pair is decided by the deletion
                    op.outcomes.append(
                        (
                            DIRECTION_FROM[side],
                            Outcome.UNCHANGED,
                            "The linked record was deleted on the other side.",
                            {},
                        )
                    )
                    continue
                if link.state in (LinkState.DELETED_IN_NETSUITE, LinkState.DELETED_IN_APP):
                    op.outcomes.append(
                        (
                            DIRECTION_FROM[side],
                            Outcome.UNCHANGED,
                            "The linked record was deleted on the other side; it is not re-created.",
                            {},
                        )
                    )
                    continue
                if row.email_key and row.email_key != link.match_key:
                    link.match_key = row.email_key  # the link holds when an email changes
            self._plan_pair(op, side)
            if op.new_link and op.other is None and foreign is not None:
                self._hold_back_overlap(op, foreign)

        self._execute(ops)

    def _foreign_links(self, target: str, rows: list[MirrorRecord]) -> ForeignLinks | None:
        """The links of other connections sharing our ``target`` account that could stand for
        one of ``rows`` (the records that would be created there): one query, by email and sync key."""
        if not rows:
            return None
        emails = {row.email_key for row in rows}
        keys = {row.sync_key for row in rows if row.sync_key}
        account = "netsuite_account_id" if target == NS else "app_account_id"
        found = (
            RecordLink.objects.filter(
                Q(match_key__in=emails) | Q(key__in=keys),
                **{f"connection__{account}": getattr(self.connection, account)},
            )
            .exclude(connection_id=self.connection.pk)
            .values_list("connection_id", "connection__name", "key", "match_key", f"{target}_id", "state")
        )
        return ForeignLinks(target, (ForeignLink(*values) for values in found))

    def _hold_back_overlap(self, op: Op, foreign: ForeignLinks) -> None:
        """Drop the planned create of a person another connection already links in the target account
        (see :mod:`syncengine.overlap`), and log why."""
        direction = DIRECTION_FROM[op.row.side]
        plan = op.plan.for_direction(direction)
        blocked = foreign.blocker(op.row.email_key, op.row.sync_key) if plan is not None and plan.create else None
        if blocked is None:
            return
        op.plan, op.link, op.new_link = PairPlan(), None, False
        op.outcomes.append((direction, Outcome.EXCLUDED_OTHER_CONNECTION, blocked.message(foreign.target_side), {}))

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
            links = [link for link in links if link.pk not in self.planned_links]
            rows = {NS: {}, APP: {}}
            for side in (NS, APP):
                ids = [getattr(link, f"{side}_id") for link in links]
                for row in MirrorRecord.objects.filter(connection=self.connection, side=side, record_id__in=ids):
                    rows[side][row.record_id] = row
            ops = []
            for link in links:
                ns_row, app_row = rows[NS].get(link.netsuite_id), rows[APP].get(link.app_id)
                pair = [row for row in (ns_row, app_row) if row is not None]
                if not pair or any(row.pending or row.deleted for row in pair):
                    continue
                op = Op(row=pair[0], other=pair[1] if len(pair) > 1 else None, link=link, link_before=_identity(link))
                self._plan_pair(op, op.row.side)
                ops.append(op)
            if ops:
                self.counters["config_reapplied"]["links"] += len(ops)
                self._execute(ops)
            lease.renew(self.connection.pk, self.holder)

    def _plan_pair(self, op: Op, side: str) -> None:
        link = op.link
        other_side = OTHER[side]
        row_values = codec.decode_values(op.row.values)
        other_values = codec.decode_values(op.other.values) if op.other and not op.other.deleted else None
        other_id = getattr(link, f"{other_side}_id")
        snapshot = {
            NS: codec.decode_values(link.netsuite_snapshot) if link.netsuite_snapshot else None,
            APP: codec.decode_values(link.app_snapshot) if link.app_snapshot else None,
        }
        if other_values is None and other_id and not op.new_link:
            # Linked, but the other record is not in the mirror (created by us, not read back yet).
            other_values = snapshot[other_side] or {}
        values = {side: row_values, other_side: other_values}
        # Planned with another configuration: every mapping and rule is applied
        # again, both ways (its own mappings new to the pair have no base).
        stale = not op.new_link and link.config_fingerprint != self.fingerprint
        fresh = (
            new_slots(self.config.slots, self.planned_slots.get(link.config_fingerprint), snapshot[NS], snapshot[APP])
            if stale
            else frozenset()
        )
        if link.pk:
            self.planned_links.add(link.pk)
        # Up to date? Our own writes come back with the hashes we stored (echoes);
        # when every pending side of the pair is an echo, there is nothing to do.
        # (Not for a stale pair: an echo of the old configuration's writes.)
        if not op.new_link and link.state == LinkState.LINKED and not stale:
            other_pending = op.other is not None and op.other.pending
            echo = self._is_echo(side, row_values, link)
            if echo and other_pending:
                echo = self._is_echo(other_side, other_values or {}, link)
            if echo:
                self.counters["echo"][side] += 1
                if other_pending:
                    self.counters["echo"][other_side] += 1
                    self.handled.add(op.other.id)
                return
        changed = {
            side: op.row.pending or not stale,
            other_side: bool(op.other and op.other.pending),
        }
        if stale:
            op.replanned = {DIRECTION_FROM[s] for s in (NS, APP) if not changed[s]}
        ns, app = (
            Side(
                link.netsuite_id,
                values[NS],
                snapshot[NS],
                self._modified(op, NS),
                changed=changed[NS] or stale,
            ),
            Side(
                link.app_id,
                values[APP],
                snapshot[APP],
                self._modified(op, APP),
                changed=changed[APP] or stale,
            ),
        )
        op.ns_values, op.app_values = values[NS], values[APP]
        config = self._readable_config(op, side, values[NS])
        op.plan = plan_pair(config, ns, app, now=self.now, exists_before=not op.new_link, fresh_slots=fresh)
        if op.other is not None and op.other.pending:
            self.handled.add(op.other.id)

    def _readable_config(self, op: Op, side: str, ns_values: dict | None) -> SyncConfig:
        """The configuration without the mappings whose NetSuite field the mirror does not hold for this pair.

        NetSuite reads the fields of the cached catalog: a record read before a
        field joined it (*Refresh field catalogs*) has no value for it in the
        mirror, which is not an empty value. Its mappings wait, for that pair,
        until the record is read again (a change of it, or a full resync),
        rather than blank it or let the other side overwrite it; the pair keeps
        its old fingerprint and the run names the field. (Google's values
        always hold every field: an absent custom key is an empty one.)
        """
        read_from_mirror = side == NS or (op.other is not None and not op.other.deleted)
        if ns_values is None or not read_from_mirror:
            return self.config
        unread = {slot.key for slot in self.config.slots if slot.netsuite.id not in ns_values}
        if not unread:
            return self.config
        op.keep_stale = True
        for slot in self.config.slots:
            if slot.key in unread:
                self.counters["unread_in_mirror"][slot.netsuite.id] += 1
        return replace(self.config, slots=[slot for slot in self.config.slots if slot.key not in unread])

    def _report_unread(self) -> None:
        """Name the NetSuite fields some pairs could not be planned with (see :meth:`_readable_config`)."""
        for field_id, count in sorted(self.counters.get("unread_in_mirror", {}).items()):
            self.config.problems.append(
                f"the NetSuite field {field_id} was not applied to {count} linked record(s): they were read before "
                "it was in the field catalog; a Full resync reads them again"
            )

    def _is_echo(self, side: str, values: dict, link: RecordLink) -> bool:
        return codec.values_hash(self._mapped(side, values)) == getattr(link, f"{side}_hash")

    def _modified(self, op: Op, side: str):
        row = op.row if op.row.side == side else op.other
        return row.modified_at if row else None

    def _mapped(self, side: str, values: dict) -> dict:
        """The values of the mapped fields of one side, empty ones left out (the
        form of snapshots and hashes, so that "no value" has one spelling)."""
        ids = [s.netsuite.id if side == NS else s.app.id for s in self.config.slots]
        return {field_id: values[field_id] for field_id in ids if not is_empty(values.get(field_id))}

    def _plan_deletion(self, op: Op, side: str) -> None:
        link = op.link
        direction = DIRECTION_FROM[side]
        other_side = OTHER[side]
        if link is None or link.state != LinkState.LINKED or not getattr(link, f"{other_side}_id"):
            return  # a deletion of a record that is not linked: nothing to do
        policy = self.config.netsuite_deletions if side == NS else self.config.app_deletions
        if policy == DeletionPolicy.IGNORE:
            op.outcomes.append(
                (direction, Outcome.DELETION_IGNORED, "Deleted on this side; the policy keeps the other side.", {})
            )
            link.state = LinkState.DELETED_IN_NETSUITE if side == NS else LinkState.DELETED_IN_APP
            return
        if self.deletions_blocked:
            op.done = False
            op.outcomes.append((direction, Outcome.FAILED, self.valve_message, {}))
            self.counters["deletions_blocked"][side] += 1
            return
        op.deletion = "delete" if policy == DeletionPolicy.DELETE else "mark"

    # --- writing -------------------------------------------------------------------------
    def _journal(self, ops: list[Op]) -> None:
        """Save the new links before anything is sent: a crash after the API
        accepted a create leaves a link with our key, found again next run."""
        new_links = [op.link for op in ops if op.new_link and op.link is not None and op.plan.plans]
        for link in new_links:
            link.config_fingerprint = self.fingerprint
        if new_links:
            RecordLink.objects.bulk_create(new_links)
        for op in ops:
            if op.new_link and op.link is not None and op.link.pk is None:
                op.new_link = False  # nothing planned: the unsaved link is dropped

    def _write(self, ops: list[Op], direction: str) -> None:
        """Send one direction's creates and updates of a chunk, one batch after the other."""
        for batch in self._write_batches(ops, direction):
            batch.send()

    def _write_batches(self, ops: list[Op], direction: str) -> list[WriteBatch]:
        """One direction's creates and updates of a chunk, as batches ready to send
        (HTTP only: no database access in them, so NetSuite's can run on writer threads)."""
        if direction == SyncDirection.TO_APP:
            client, object_type, scope, id_field, target = (
                self.app_client,
                self.app_object_type,
                self.app_scope,
                "app_id",
                APP,
            )
        else:
            client, object_type, scope, id_field, target = (
                self.ns_client,
                self.connection.contact_type,
                self.ns_scope,
                "netsuite_id",
                NS,
            )
        creates, updates = [], []
        for op in ops:
            plan = op.plan.for_direction(direction)
            if plan is None or plan.outcome in (Outcome.SKIPPED_BY_RULES, Outcome.EXCLUDED_BY_RULES):
                continue
            if direction in op.results:  # failed before sending (a contact group it needs is missing)
                continue
            if plan.create:
                creates.append((op, WriteRequest(key=op.link.key, values=plan.writes)))
            elif plan.writes:
                target_row = op.other if op.other is not None and op.other.side == target else op.row
                meta = codec.decode_values(target_row.meta) if target_row.side == target else {}
                request = WriteRequest(
                    key=op.link.key,
                    values=plan.writes,
                    record_id=getattr(op.link, id_field),
                    fields=list(plan.writes),
                    meta=meta,
                )
                updates.append((op, request))
        return [
            WriteBatch(len(batch), partial(self._send, method, object_type, scope, batch, direction))
            for batch, method in ((creates, client.create_many), (updates, client.update_many))
            if batch
        ]

    def _execute(self, ops: list[Op]) -> None:
        """Write a chunk: Google's share now, NetSuite's on the writer threads.

        NetSuite has no batch write, so its writes bound a run's speed, and
        its concurrency slots must never sit idle: each batch (a chunk's
        creates, its updates) is queued for the writer threads, several of
        which send at once (the client keeps at most the account's
        concurrency limit in flight, whoever sends). Meanwhile this thread
        plans the next chunks, up to a backlog (:data:`NETSUITE_QUEUED_WRITES`,
        :data:`MAX_CHUNKS_IN_FLIGHT`), and records each chunk, oldest first,
        once all its NetSuite writes came back.
        """
        self._create_missing_groups(ops)
        if self.dry:
            self._record(ops)
            return
        self._journal(ops)
        # NetSuite's share first: its writes need nothing of Google's answers.
        batches = self._write_batches(ops, SyncDirection.TO_NETSUITE)
        self._in_flight.append(InFlight(ops, [QueuedBatch(batch, self._ns_writer) for batch in batches]))
        self._write(ops, SyncDirection.TO_APP)
        self._apply_groups(ops, SyncDirection.TO_APP)
        self._execute_deletions(ops)
        while self._in_flight and self._in_flight[0].done():
            self._finish(self._in_flight.popleft())
        while len(self._in_flight) > MAX_CHUNKS_IN_FLIGHT or (
            sum(chunk.queued_writes() for chunk in self._in_flight) > NETSUITE_QUEUED_WRITES
        ):
            self._finish(self._in_flight.popleft())

    def _finish(self, in_flight: InFlight) -> None:
        for batch in in_flight.batches:
            batch.future.result()  # re-raises what a writer thread raised (ProviderErrors are per record)
        self._record(in_flight.ops)

    def _drain(self) -> None:
        """Wait for the NetSuite writes of the chunks still in flight and record them, oldest first."""
        while self._in_flight:
            self._finish(self._in_flight.popleft())

    def _send(
        self, method, object_type: str, scope: dict, batch: list[tuple[Op, WriteRequest]], direction: str
    ) -> None:
        try:
            results = method(object_type, [request for _, request in batch], **scope)
        except ProviderError as exc:
            results = [WriteResult(key=request.key, error=exc) for _, request in batch]
        by_key = {result.key: result for result in results}
        for op, request in batch:
            op.results[direction] = by_key.get(request.key) or WriteResult(
                key=request.key, error=ProviderError("The API returned no result for this record.")
            )

    def _create_missing_groups(self, ops: list[Op]) -> None:
        """Create the contact groups that mapped values name but the app lacks (when the connection
        allows it), or fail those records' writes to the app, naming the groups (see contact_groups)."""
        fields = [s.app.id for s in self.config.slots if s.to_app and s.app.type == FieldType.GROUPS]
        if not fields:
            return
        if self._missing_groups is None:
            self._missing_groups = MissingGroups(
                self.app_client,
                create=self.connection.create_missing_groups,
                dry_run=self.dry,
                app_label=self.connection.app_account.get_provider_display(),
            )
        for op in ops:
            plan = op.plan.for_direction(SyncDirection.TO_APP)
            if plan is None or plan.outcome in (Outcome.SKIPPED_BY_RULES, Outcome.EXCLUDED_BY_RULES):
                continue
            settled = self._missing_groups.settle(plan.writes, fields)
            if settled.problem and self.dry:
                plan.outcome, plan.message = Outcome.FAILED, "; ".join(filter(None, [settled.problem, plan.message]))
            elif settled.problem:
                op.results[SyncDirection.TO_APP] = WriteResult(key=op.link.key, error=ProviderError(settled.problem))
            elif settled.note:
                plan.message = "; ".join(filter(None, [plan.message, settled.note]))

    def _apply_groups(self, ops: list[Op], direction: str) -> None:
        if direction != SyncDirection.TO_APP:
            return
        changes: dict[str, dict[str, list]] = defaultdict(lambda: {"add": [], "remove": []})
        for op in ops:
            plan = op.plan.for_direction(direction)
            result = op.results.get(direction)
            if plan is None or (result is not None and not result.ok):
                continue
            app_id = (result.record_id if result and result.record_id else None) or op.link.app_id
            if not app_id:
                continue
            for group in plan.groups_add:
                changes[group]["add"].append(app_id)
            for group in plan.groups_remove:
                changes[group]["remove"].append(app_id)
        for group, members in changes.items():
            try:
                self.app_client.modify_group_members(group, add=members["add"], remove=members["remove"])
            except ProviderError as exc:
                logger.warning("contact group %s not updated: %s", group, exc)
                self.counters["group_errors"][group] += 1

    def _execute_deletions(self, ops: list[Op]) -> None:
        for side in (NS, APP):
            target = OTHER[side]
            todo = [op for op in ops if op.deletion and op.row.side == side]
            if not todo:
                continue
            client = self.app_client if target == APP else self.ns_client
            object_type = self.app_object_type if target == APP else self.connection.contact_type
            direction = DIRECTION_FROM[side]
            target_id = (lambda op: op.link.app_id) if target == APP else (lambda op: op.link.netsuite_id)
            deletes = [
                (op, WriteRequest(key=op.link.key, record_id=target_id(op))) for op in todo if op.deletion == "delete"
            ]
            marks = [op for op in todo if op.deletion == "mark"]
            if deletes:
                self._send(client.delete_many, object_type, {}, deletes, direction)
            if marks:  # the app's own way (Provider.mark_deleted: NetSuite makes inactive, Google a group)
                requests = [(op, WriteRequest(key=op.link.key, record_id=target_id(op))) for op in marks]
                self._send(client.mark_deleted, object_type, {}, requests, direction)

    # --- recording -----------------------------------------------------------------------
    def _record(self, ops: list[Op]) -> None:
        outcomes: list[RecordOutcome] = []
        cleared: list[int] = []
        links_to_save: list[RecordLink] = []
        for op in ops:
            link = op.link
            for direction, outcome, message, diff in op.outcomes:
                outcomes.append(self._outcome(op, direction, outcome, message, diff))
            if op.deletion:
                direction = DIRECTION_FROM[op.row.side]
                result = op.results.get(direction)
                if self.dry:
                    outcomes.append(
                        self._outcome(
                            op,
                            direction,
                            Outcome.DELETED if op.deletion == "delete" else Outcome.MARKED_DELETED,
                            "",
                            {},
                        )
                    )
                elif result and result.ok:
                    outcomes.append(
                        self._outcome(
                            op,
                            direction,
                            Outcome.DELETED if op.deletion == "delete" else Outcome.MARKED_DELETED,
                            "",
                            {},
                        )
                    )
                    link.state = LinkState.DELETED_IN_NETSUITE if op.row.side == NS else LinkState.DELETED_IN_APP
                else:
                    op.done = False
                    outcomes.append(
                        self._outcome(op, direction, Outcome.FAILED, str(result.error) if result else "not sent", {})
                    )
            elif op.row.deleted and op.link_changed() and not self.dry:
                links_to_save.append(link)
            failed = False
            consumed = {NS: True, APP: True}
            written = {NS: {}, APP: {}}
            # A field that failed keeps its snapshot, and the record stays pending: retried next run.
            kept = {NS: [], APP: []}
            retry = any(plan.outcome == Outcome.FIELD_FAILED for plan in op.plan.plans)
            for plan in op.plan.plans:
                target = APP if plan.direction == SyncDirection.TO_APP else NS
                source = OTHER[target]
                kept[source].extend(plan.failed_fields)
                result = op.results.get(plan.direction)
                for action in plan.action_overwrites:
                    self.counters["action_overwrites"][action] += 1
                if plan.outcome in (Outcome.SKIPPED_BY_RULES, Outcome.EXCLUDED_BY_RULES):
                    consumed[source] = False
                    outcomes.append(self._outcome(op, plan.direction, plan.outcome, plan.message, {}, plan))
                    continue
                if plan.outcome == Outcome.UNCHANGED and plan.direction in op.replanned:
                    continue  # re-planned for a configuration change that changes nothing here: no news
                if self.dry or result is None:
                    outcomes.append(self._outcome(op, plan.direction, plan.outcome, plan.message, plan.diff(), plan))
                    continue
                if not result.ok:
                    failed = True
                    consumed[source] = False
                    outcomes.append(
                        self._outcome(op, plan.direction, Outcome.FAILED, str(result.error), plan.diff(), plan)
                    )
                    continue
                if plan.create and result.record_id:
                    setattr(link, f"{target}_id", result.record_id)
                written[target] = plan.writes
                outcomes.append(self._outcome(op, plan.direction, plan.outcome, plan.message, plan.diff(), plan))
            if self.dry or link is None or link.pk is None:
                if not failed and not retry and op.done and not self.dry:
                    cleared.append(op.row.id)
                continue
            if op.plan.plans:
                self._update_snapshots(op, consumed, written, kept)
            if link.netsuite_id and link.app_id and link.state == LinkState.CREATING:
                link.state = LinkState.LINKED
            if op.plan.plans and not failed and not op.keep_stale:
                link.config_fingerprint = self.fingerprint  # planned (and written) with this configuration
            if op.plan.plans or op.link_changed():
                links_to_save.append(link)
            if not failed and op.done:
                if not retry:
                    cleared.append(op.row.id)
                if op.other is not None and op.other.id in self.handled:
                    cleared.append(op.other.id)
            # A pair that failed stays handled: attempted (and recorded) once per run, both records pending.
        if self.dry:
            RecordOutcome.objects.bulk_create(outcomes, batch_size=1000)
            for outcome in outcomes:
                self.counters[outcome.direction][outcome.outcome] += 1
            return
        with transaction.atomic():
            if links_to_save:
                update_rows(
                    links_to_save,
                    [
                        "netsuite_id",
                        "app_id",
                        "match_key",
                        "netsuite_snapshot",
                        "app_snapshot",
                        "netsuite_hash",
                        "app_hash",
                        "state",
                        "config_fingerprint",
                        "updated_at",
                    ],
                )
            RecordOutcome.objects.bulk_create(outcomes, batch_size=1000)
            for start in range(0, len(cleared), 500):
                MirrorRecord.objects.filter(id__in=cleared[start : start + 500]).update(pending=False)
        for outcome in outcomes:
            self.counters[outcome.direction][outcome.outcome] += 1

    def _update_snapshots(
        self, op: Op, consumed: dict[str, bool], written: dict[str, dict], kept: dict[str, list[str]]
    ) -> None:
        link = op.link
        link.updated_at = timezone.now()
        for side in (NS, APP):
            old = codec.decode_values(getattr(link, f"{side}_snapshot") or {})
            current = op.ns_values if side == NS else op.app_values
            base = self._mapped(side, current or {}) if consumed[side] else dict(old)
            for field_id in kept[side]:  # not written: still a change to make next run
                base[field_id] = old.get(field_id)
            base.update(written[side])
            base = {k: v for k, v in base.items() if not is_empty(v)}
            setattr(link, f"{side}_snapshot", codec.encode_values(base))
            setattr(link, f"{side}_hash", codec.values_hash(base))

    @staticmethod
    def _row_values(op: Op) -> dict:
        """The values of the record that brought the pair up: decoded once when the pair was planned."""
        planned = op.ns_values if op.row.side == NS else op.app_values
        return planned if planned is not None else codec.decode_values(op.row.values or {})

    def _outcome(
        self, op: Op, direction: str, outcome: str, message: str, diff: dict, plan: DirectionPlan | None = None
    ) -> RecordOutcome:
        link = op.link if op.link is not None and op.link.pk else None
        ns_id = (op.link.netsuite_id if op.link else None) or (op.row.record_id if op.row.side == NS else "")
        app_id = (op.link.app_id if op.link else None) or (op.row.record_id if op.row.side == APP else "")
        if self.dry and outcome not in FAILING_OUTCOMES:
            message = f"Dry run: would be {Outcome(outcome).label.lower()}. {message}".strip()
        return RecordOutcome(
            run=self.run,
            link=link,
            direction=direction,
            netsuite_id=ns_id or "",
            app_id=app_id or "",
            email=op.row.email_key or (op.link.match_key if op.link else ""),
            name=display_name(self._row_values(op))[:200],
            outcome=outcome,
            diff=codec.encode_values({k: [codec.encode(v[0]), codec.encode(v[1])] for k, v in diff.items()}),
            message=redact(message)[:4000],
            rules=plan.rules if plan else [],
        )


def run_sync(run_id: int, progress: Progress | None = None) -> SyncRun:
    """Run the :class:`SyncRun` ``run_id`` to its end; never raises for sync problems
    (they end in the run's status and error), so a worker can call it blindly."""
    run = SyncRun.objects.select_related(
        "connection__netsuite_account", "connection__app_account", "connection__subsidiary"
    ).get(pk=run_id)
    holder = lease.new_holder()
    try:
        lease.acquire(run.connection_id, holder)
    except lease.LeaseHeld as exc:
        run.status, run.error, run.finished_at = RunStatus.SKIPPED, f"Not run: {exc}.", timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        start_waiting_runs(run)
        return run
    run.status, run.started_at, run.worker = RunStatus.RUNNING, timezone.now(), holder
    run.save(update_fields=["status", "started_at", "worker"])
    runner = Runner(run, holder, progress_recorder(run.pk, progress))
    try:
        runner.execute()
        failed = sum(
            v.get(outcome, 0)
            for k, v in runner.counters.items()
            if k in (SyncDirection.TO_APP, SyncDirection.TO_NETSUITE)
            for outcome in FAILING_OUTCOMES
        )
        problems = runner.config.problems
        if runner.deletions_blocked:
            run.status, run.error = RunStatus.FAILED, runner.valve_message
        elif failed:
            run.status = RunStatus.PARTIALLY_FAILED
            partly = sum(runner.counters.get(d, {}).get(Outcome.FIELD_FAILED, 0) for d in SyncDirection.values)
            detail = f" ({partly} of them partly written: some fields failed, see their outcomes)" if partly else ""
            run.error = f"{failed} record(s) failed{detail}; they are retried on the next run."
            if runner._missing_groups is not None and runner._missing_groups.refused:
                names = ", ".join(repr(name) for name in runner._missing_groups.refused)
                run.error += f" Contact groups missing in the app: {names}."
            if problems:
                run.error += " Also, " + "; ".join(problems)
        elif problems:
            # Every record synced, but not every field: a skipped mapping must not look like success.
            run.status = RunStatus.PARTIALLY_FAILED
            run.error = "The records synced, but " + "; ".join(problems)
        else:
            run.status = RunStatus.SUCCEEDED
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
