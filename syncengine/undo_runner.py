"""An undo run (issue 20): puts back what one finished run changed, through the same writer and recorder as a sync.

The run to undo is ``SyncRun.undoes``. Its outcomes say, per record and direction, what it wrote to the target
(the field diff ``before → after``) and the link to both records. A chunk at a time, the undo:

1. reads the target records again, by id (never the changes since a cursor: the cursors stay where they are);
2. decides each record's undo with the pure :func:`~.pipeline.undo.plan_record_undo`: a field goes back to its
   *before* value only where the target still holds the run's *after* (the merge's own comparison); a field
   changed since is kept and said so; an unsubscribe is never undone; a record the run created is kept,
   deleted or marked as the operator chose (``SyncRun.undo_created``), deletions within the connection's
   safety valve;
3. hands the writes to the :class:`~.writer.Writer` and the :class:`~.recorder.Recorder` as any run does, so
   that its outcomes have a sync's shape (an undo can be undone) and the links' snapshots and hashes take what
   it wrote: the next run reads the undo's writes as echoes and writes nothing.

Neither side's other values are taken into the snapshots (``PairOp.consumes``) and no pending record is cleared:
a change someone made since the run is still synced by the next ordinary run. A dry undo writes nothing and
logs what it would do, as a dry run does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connections.providers.base import WriteRequest, WriteResult
from connections.providers.errors import ProviderError
from connections.providers.registry import get_provider, subscription_field
from mappings.converters import values_equal

from . import codec, lease
from .choices import LinkState, Outcome, Side, other_side, target_of
from .models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome
from .pair_op import PairOp, identity
from .pipeline.deletions import DELETE, MARK
from .pipeline.undo import UNDOABLE_OUTCOMES, CreatedPolicy, RecordAction, RecordUndo, plan_record_undo
from .planner import DirectionPlan, PairPlan
from .runner import CHUNK_SIZE, Runner
from .writer import Writer

NS, APP = Side.NETSUITE.value, Side.APP.value
CANNOT_RESTORE = "Marked deleted by the run; the app has no way for the sync to bring it back: restore it in the app."


def undoable_outcomes(run_id: int):
    """The outcomes of run ``run_id`` an undo has something to say about, oldest first."""
    return RecordOutcome.objects.filter(run_id=run_id, outcome__in=UNDOABLE_OUTCOMES).order_by("id")


class UndoRunner(Runner):
    """Runs an undo :class:`~.models.SyncRun` (trigger "undo") whose lease is held by ``holder``."""

    def _run(self) -> None:
        self._prepare()
        self._meta: dict[tuple[str, str], dict] = {}  # the records' meta as read again (an etag to write with)
        self._restores: list[tuple[PairOp, str, str]] = []  # a chunk's records to bring back (marked by the run)
        self._decide = {side: self._decision_inputs(side) for side in (NS, APP)}
        undone = self.run.undoes
        if undone is None:
            self.config.problems.append("The run to undo no longer exists: nothing was done.")
            return
        created = CreatedPolicy(self.run.undo_created or CreatedPolicy.KEEP)
        self.valve = self._undo_valve(undone.pk, created)
        self.writer = Writer(
            connection=self.connection,
            config=self.config,
            targets=self.targets,
            fingerprint=self.fingerprint,
            dry=self.dry,
            counters=self.counters,
            record=self.recorder.record,
        )
        total = undoable_outcomes(undone.pk).count()
        done = 0
        with self.writer:
            for chunk in self._chunks(undone.pk):
                ops = self._plan_chunk(chunk, created)
                if ops:
                    self.writer.submit(ops)
                done += len(chunk)
                self.progress("undoing", done, total)
                lease.renew(self.connection.pk, self.holder)
            self.writer.drain()
        if self.valve.uses_confirmation and not self.dry:
            ConnectionState.objects.filter(connection=self.connection).update(
                deletions_confirmed=False, deletions_awaiting_confirmation=0
            )

    def _chunks(self, run_id: int) -> Iterator[list[RecordOutcome]]:
        last = 0
        seen: set[tuple[int | None, str]] = set()
        while True:
            chunk = list(undoable_outcomes(run_id).filter(id__gt=last)[:CHUNK_SIZE])
            if not chunk:
                return
            last = chunk[-1].id
            fresh = []
            for outcome in chunk:  # one undo per record and direction
                key = (outcome.link_id, outcome.direction)
                if outcome.link_id is None or key not in seen:
                    seen.add(key)
                    fresh.append(outcome)
            yield fresh

    def _undo_valve(self, run_id: int, created: CreatedPolicy):
        """The deletion safety valve over the records the undo would delete or mark (the run's creates)."""
        if created == CreatedPolicy.KEEP:
            return self.valve
        pending = undoable_outcomes(run_id).filter(outcome=Outcome.CREATED).count()
        linked = RecordLink.objects.filter(connection=self.connection, state=LinkState.LINKED).count()
        return self._valve_for(pending, linked, lease.ensure_state(self.connection.pk))

    # --- one chunk ----------------------------------------------------------------------------------
    def _plan_chunk(self, outcomes: list[RecordOutcome], created: CreatedPolicy) -> list[PairOp]:
        links = RecordLink.objects.in_bulk([o.link_id for o in outcomes if o.link_id is not None])
        ids = {NS: set(), APP: set()}
        for link in links.values():
            for side in (NS, APP):
                if getattr(link, f"{side}_id"):
                    ids[side].add(getattr(link, f"{side}_id"))
        rows = {
            side: {
                row.record_id: row
                for row in MirrorRecord.objects.filter(
                    connection=self.connection, side=side, record_id__in=sorted(ids[side])
                )
            }
            for side in (NS, APP)
        }
        current = {side: self._read(side, sorted(ids[side]), rows[side]) for side in (NS, APP)}
        ops = []
        for outcome in outcomes:
            link = links.get(outcome.link_id) if outcome.link_id is not None else None
            if link is None:
                ops.append(self._logged(outcome, "The link of this record is gone: nothing to put back."))
                continue
            target = target_of(outcome.direction)
            source = other_side(target)
            target_id = getattr(link, f"{target}_id")
            values = current[target].get(target_id) if target_id else None
            decision = plan_record_undo(
                outcome.outcome,
                codec.decode_values(outcome.diff or {}),
                values,
                created=created,
                remembered=codec.decode_values(getattr(link, f"{target}_snapshot") or {}),
                **self._decide[target],
            )
            source_row = rows[source].get(getattr(link, f"{source}_id") or "")
            ops.append(self._op(outcome, link, decision, source_row, target, current))
        self._restore_marked()
        return ops

    def _restore_marked(self) -> None:
        """Bring back the records the run marked deleted (the app's own way, :meth:`Provider.restore_marked`):
        one call per side for the chunk; the outcome says how it went."""
        restores, self._restores = self._restores, []
        for side in (NS, APP):
            todo = [(op, direction, message) for op, direction, message in restores if target_of(direction) == side]
            if not todo:
                continue
            target = self.targets[side]
            results: dict[str, WriteResult] = {}
            supported = True
            if not self.dry:
                requests = [
                    WriteRequest(key=op.link.key, record_id=getattr(op.link, f"{side}_id")) for op, _, _ in todo
                ]
                try:
                    answered = target.client.restore_marked(target.object_type, requests, **target.scope)
                except NotImplementedError:
                    supported, answered = False, []
                except ProviderError as exc:
                    answered = [WriteResult(r.key, error=exc) for r in requests]
                results = {result.key: result for result in answered}
            for op, direction, message in todo:
                result = results.get(op.link.key)
                if not supported:
                    op.outcomes.append((direction, Outcome.UNCHANGED, self._said(CANNOT_RESTORE), {}))
                elif self.dry or (result is not None and result.ok):
                    op.outcomes.append((direction, Outcome.RESTORED, self._said(message), {}))
                else:
                    error = result.error if result is not None else "no answer"
                    op.outcomes.append((direction, Outcome.FAILED, f"Not restored: {error}", {}))

    def _said(self, message: str) -> str:
        """An undo outcome's message: which run it undoes, then what happened to the record."""
        return f"Undo of run {self.run.undoes_id}: {message}"

    def _op(self, outcome, link, decision: RecordUndo, source_row, target: str, current) -> PairOp:
        target_id = getattr(link, f"{target}_id")
        target_row = MirrorRecord(
            connection=self.connection,
            side=target,
            record_id=target_id or "",
            email_key=outcome.email,
            values=codec.encode_values(current[target].get(target_id) or {}),
            meta=codec.encode_values(self._meta.get((target, target_id)) or {}),
        )
        row = source_row or target_row
        op = PairOp(row=row, other=target_row if row is not target_row else None, link=link, link_before=identity(link))
        op.ns_values = current[NS].get(link.netsuite_id or "") if link.netsuite_id else None
        op.app_values = current[APP].get(link.app_id or "") if link.app_id else None
        op.done = False  # no pending record is cleared: what changed since is synced by the next run
        op.consumes = False
        action = decision.action
        if action == RecordAction.RESTORE:
            self._restores.append((op, outcome.direction, decision.message))
        elif action in (RecordAction.DELETE, RecordAction.MARK):
            if source_row is None:
                op.outcomes.append((outcome.direction, Outcome.UNCHANGED, "The source record is unknown.", {}))
            elif self.valve.blocks:
                op.outcomes.append((outcome.direction, Outcome.FAILED, self.valve.message, {}))
            else:
                op.deletion = DELETE if action == RecordAction.DELETE else MARK
        elif action == RecordAction.WRITE:
            values = current[target].get(target_id) or {}
            plan = DirectionPlan(
                direction=outcome.direction,
                outcome=Outcome.UPDATED,
                writes=dict(decision.writes),
                before={field_id: values.get(field_id) for field_id in decision.writes},
                message=self._said(decision.message),
            )
            op.plan = PairPlan([plan])
        else:
            op.outcomes.append((outcome.direction, Outcome.UNCHANGED, self._said(decision.message), {}))
        return op

    def _logged(self, outcome: RecordOutcome, message: str) -> PairOp:
        """An op that only logs ``message`` for ``outcome``'s record (nothing to write, no link to save)."""
        placeholder = MirrorRecord(
            connection=self.connection,
            side=target_of(outcome.direction),
            record_id=outcome.app_id or outcome.netsuite_id,
            email_key=outcome.email,
        )
        op = PairOp(row=placeholder, other=None, link=None, done=False)
        op.outcomes.append((outcome.direction, Outcome.UNCHANGED, message, {}))
        return op

    # --- reading the targets again ------------------------------------------------------------------
    def _read(self, side: str, ids: list[str], rows: dict[str, MirrorRecord]) -> dict[str, dict[str, Any]]:
        """The values of ``side``'s records ``ids`` now: read again from the app, else (an app without reads by
        id) the mirror's last read. A record the app no longer has is left out."""
        if not ids:
            return {}
        target = self.targets[side]
        try:
            records = target.client.get_many(target.object_type, ids, **target.scope)
        except NotImplementedError:
            found = {}
            for record_id, row in rows.items():
                if not row.deleted:
                    found[record_id] = codec.decode_values(row.values or {})
                    self._meta[(side, record_id)] = codec.decode_values(row.meta or {})
            return found
        self.counters["read"][side] += len(records)
        found = {}
        for record in records:
            if record.deleted:
                continue
            found[record.id] = record.values
            self._meta[(side, record.id)] = record.meta or {}
        return found

    # --- what the pure decision is given ------------------------------------------------------------
    def _decision_inputs(self, side: str) -> dict[str, Any]:
        """What :func:`plan_record_undo` is told about ``side`` as a target, the same for each of its records:
        the merge's comparison, the field labels, the subscription field (whatever the policy: an unsubscribe
        is never undone), and whether the app can mark a record deleted."""
        account = self.connection.netsuite_account if side == NS else self.connection.app_account
        catalog = self.config.netsuite_catalog if side == NS else self.config.app_catalog
        region = self.config.conversion.phone_region
        status = subscription_field(account.provider, self.targets[side].object_type)

        def same(field_id: str, a: Any, b: Any) -> bool:
            spec = catalog.get(field_id)
            return a == b if spec is None else values_equal(a, b, spec.type, phone_region=region)

        return {
            "same": same,
            "label": lambda field_id: catalog[field_id].label if field_id in catalog else field_id,
            "subscription_field": self.config.subscription_fields.get(side, "") or (status.field_id if status else ""),
            "can_mark": bool(get_provider(account.provider).capabilities.deletion_mark),
            "can_restore": True,
        }
