"""The writer of a run: sends each chunk's planned writes through the providers, NetSuite's on threads.

NetSuite has no batch write, so its writes bound a run's speed, and its concurrency slots must never sit
idle: each batch (a chunk's creates, its updates) is queued for the writer threads, several of which send
at once (the client keeps at most the account's concurrency limit in flight, whoever sends). Meanwhile the
run's thread plans the next chunks, up to a backlog (:data:`NETSUITE_QUEUED_WRITES`,
:data:`MAX_CHUNKS_IN_FLIGHT`), writes the app's share itself, and hands each chunk to the outcome recorder,
oldest first, once all its NetSuite writes came back.

A create is journaled (its link saved in state ``creating``, carrying our key) before it is sent, so a
crash between "sent" and "recorded" never duplicates it.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from connections.models import Connection
from connections.providers.base import Provider, WriteRequest, WriteResult
from connections.providers.errors import ProviderError
from connections.providers.fields import FieldType
from mappings.addresses import fold_parts, parts_in

from . import codec
from .choices import Outcome, Side, SyncDirection, direction_from, target_of
from .contact_groups import MissingGroups
from .models import RecordLink
from .pair_op import PairOp
from .pipeline.deletions import DELETE, MARK
from .process_tuning import responsive_io_threads
from .sync_config import SyncConfig

logger = logging.getLogger(__name__)

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

NOT_WRITTEN = (Outcome.SKIPPED_BY_RULES, Outcome.EXCLUDED_BY_RULES)


@dataclass(frozen=True)
class Target:
    """One side of the connection as the writer sends to it: the client, the object type, the read scope."""

    client: Provider
    object_type: str
    scope: dict[str, Any]


class WriteBatch(NamedTuple):
    """A chunk's creates (or updates) toward one side, ready to send: ``send()`` stores the results in the ops."""

    size: int
    send: Callable[[], None]


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


@dataclass
class InFlight:
    """A chunk whose NetSuite writes were queued: its ops and its batches."""

    ops: list[PairOp]
    batches: list[QueuedBatch]

    def done(self) -> bool:
        return all(batch.future.done() for batch in self.batches)

    def queued_writes(self) -> int:
        """Writes of batches that no writer thread has taken yet."""
        return sum(batch.size for batch in self.batches if not batch.started)


class Writer:
    """Writes the chunks of one run and hands each to ``record`` once its writes came back.

    Use it as a context manager: the writer threads live for the block, which also shortens the thread
    switch interval (:func:`responsive_io_threads`); :meth:`drain` before leaving it records what is in
    flight.
    """

    def __init__(
        self,
        *,
        connection: Connection,
        config: SyncConfig,
        targets: dict[str, Target],
        fingerprint: str,
        dry: bool,
        counters: dict[str, Any],
        record: Callable[[list[PairOp]], None],
    ):
        self.connection = connection
        self.config = config
        self.targets = targets
        self.fingerprint = fingerprint
        self.dry = dry
        self.counters = counters
        self.record = record
        self.missing_groups: MissingGroups | None = None
        # The address parts of each side's catalog, merged into their address when written.
        self._parts = {
            Side.NETSUITE.value: parts_in(config.netsuite_catalog),
            Side.APP.value: parts_in(config.app_catalog),
        }
        self._in_flight: deque[InFlight] = deque()
        self._pool: ThreadPoolExecutor | None = None
        self._threads = None

    def __enter__(self) -> Writer:
        self._pool = ThreadPoolExecutor(max_workers=NETSUITE_BATCHES_IN_FLIGHT, thread_name_prefix="netsuite-writer")
        self._threads = responsive_io_threads()
        self._threads.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._threads.__exit__(None, None, None)  # restores the switch interval; the exception goes on
        finally:
            self._pool.shutdown(wait=True)

    # --- a chunk -----------------------------------------------------------------------
    def submit(self, ops: list[PairOp]) -> None:
        """Write a chunk: NetSuite's share queued for the writer threads, the app's share now; then record
        the chunks whose writes all came back, and wait for the oldest while the backlog is full."""
        self._create_missing_groups(ops)
        if self.dry:
            self.record(ops)
            return
        self._journal(ops)
        # NetSuite's share first: its writes need nothing of the app's answers.
        batches = self._write_batches(ops, SyncDirection.TO_NETSUITE)
        self._in_flight.append(InFlight(ops, [QueuedBatch(batch, self._pool) for batch in batches]))
        for batch in self._write_batches(ops, SyncDirection.TO_APP):
            batch.send()
        self._apply_groups(ops)
        self._send_deletions(ops)
        while self._in_flight and self._in_flight[0].done():
            self._finish(self._in_flight.popleft())
        while len(self._in_flight) > MAX_CHUNKS_IN_FLIGHT or (
            sum(chunk.queued_writes() for chunk in self._in_flight) > NETSUITE_QUEUED_WRITES
        ):
            self._finish(self._in_flight.popleft())

    def drain(self) -> None:
        """Wait for the NetSuite writes of the chunks still in flight and record them, oldest first."""
        while self._in_flight:
            self._finish(self._in_flight.popleft())

    def _finish(self, in_flight: InFlight) -> None:
        for batch in in_flight.batches:
            batch.future.result()  # re-raises what a writer thread raised (ProviderErrors are per record)
        self.record(in_flight.ops)

    def _journal(self, ops: list[PairOp]) -> None:
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

    # --- creates and updates ------------------------------------------------------------
    def _write_batches(self, ops: list[PairOp], direction: str) -> list[WriteBatch]:
        """One direction's creates and updates of a chunk, as batches ready to send
        (HTTP only: no database access in them, so NetSuite's can run on writer threads)."""
        target_side = target_of(direction)
        target = self.targets[target_side]
        parts = self._parts[target_side]
        creates, updates = [], []
        for op in ops:
            plan = op.plan.for_direction(direction)
            if plan is None or plan.outcome in NOT_WRITTEN:
                continue
            if direction in op.results:  # failed before sending (a contact group it needs is missing)
                continue
            # Address parts go out merged into their address (the app knows no part fields).
            current = op.ns_values if target_side == Side.NETSUITE.value else op.app_values
            values = fold_parts(plan.writes, None if plan.create else current, parts)
            if target_side == Side.APP.value and op.app_overrides:
                # A company link in the app's own ids (pipeline.company_refs).
                values = {**values, **{k: v for k, v in op.app_overrides.items() if k in values}}
            if plan.create:
                creates.append((op, WriteRequest(key=op.link.key, values=values)))
            elif values:
                target_row = op.other if op.other is not None and op.other.side == target_side else op.row
                meta = codec.decode_values(target_row.meta) if target_row.side == target_side else {}
                request = WriteRequest(
                    key=op.link.key,
                    values=values,
                    record_id=getattr(op.link, f"{target_side}_id"),
                    fields=list(values),
                    meta=meta,
                )
                updates.append((op, request))
        return [
            WriteBatch(len(batch), partial(self._send, method, target.object_type, target.scope, batch, direction))
            for batch, method in ((creates, target.client.create_many), (updates, target.client.update_many))
            if batch
        ]

    @staticmethod
    def _send(method, object_type: str, scope: dict, batch: list[tuple[PairOp, WriteRequest]], direction: str) -> None:
        try:
            results = method(object_type, [request for _, request in batch], **scope)
        except ProviderError as exc:
            results = [WriteResult(key=request.key, error=exc) for _, request in batch]
        by_key = {result.key: result for result in results}
        for op, request in batch:
            op.results[direction] = by_key.get(request.key) or WriteResult(
                key=request.key, error=ProviderError("The API returned no result for this record.")
            )

    # --- groups ----------------------------------------------------------------------------
    def _create_missing_groups(self, ops: list[PairOp]) -> None:
        """Create the contact groups that mapped values name but the app lacks (when the connection
        allows it), or fail those records' writes to the app, naming the groups (see contact_groups)."""
        fields = [s.app.id for s in self.config.slots if s.to_app and s.app.type == FieldType.GROUPS]
        if not fields:
            return
        if self.missing_groups is None:
            self.missing_groups = MissingGroups(
                self.targets[Side.APP.value].client,
                create=self.connection.create_missing_groups,
                dry_run=self.dry,
                app_label=self.connection.app_account.get_provider_display(),
            )
        for op in ops:
            plan = op.plan.for_direction(SyncDirection.TO_APP)
            if plan is None or plan.outcome in NOT_WRITTEN:
                continue
            settled = self.missing_groups.settle(plan.writes, fields)
            if settled.problem and self.dry:
                plan.outcome, plan.message = Outcome.FAILED, "; ".join(filter(None, [settled.problem, plan.message]))
            elif settled.problem:
                op.results[SyncDirection.TO_APP] = WriteResult(key=op.link.key, error=ProviderError(settled.problem))
            elif settled.note:
                plan.message = "; ".join(filter(None, [plan.message, settled.note]))

    def _apply_groups(self, ops: list[PairOp]) -> None:
        """Add the records to, and remove them from, the groups that rule actions name: one request per group."""
        direction = SyncDirection.TO_APP
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
        target = self.targets[Side.APP.value]
        for group, members in changes.items():
            try:
                target.client.modify_group_members(
                    group, add=members["add"], remove=members["remove"], object_type=target.object_type
                )
            except ProviderError as exc:
                logger.warning("contact group %s not updated: %s", group, exc)
                self.counters["group_errors"][group] += 1

    # --- deletions ---------------------------------------------------------------------------
    def _send_deletions(self, ops: list[PairOp]) -> None:
        """Delete, or mark deleted the app's own way (:meth:`Provider.mark_deleted`), the linked records
        of the records deleted on the other side."""
        for side in (Side.NETSUITE.value, Side.APP.value):
            todo = [op for op in ops if op.deletion and op.row.side == side]
            if not todo:
                continue
            direction = direction_from(side)
            target_side = target_of(direction)
            target = self.targets[target_side]
            for action, method in ((DELETE, target.client.delete_many), (MARK, target.client.mark_deleted)):
                requests = [
                    (op, WriteRequest(key=op.link.key, record_id=getattr(op.link, f"{target_side}_id")))
                    for op in todo
                    if op.deletion == action
                ]
                if requests:
                    self._send(method, target.object_type, {}, requests, direction)
