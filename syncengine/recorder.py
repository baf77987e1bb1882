"""The outcome recorder of a run: turns each written chunk into saved links, logged outcomes and cleared
mirror rows, in one transaction per chunk.

A link's snapshot takes what was written and what was read, except the fields that failed (they keep the
old snapshot, still a change to make); what was written is what the provider says it wrote (a reference it
linked by name, a field it left as it was: :func:`as_written`), and its warnings join the outcome's
message (:func:`settled_outcome`). A record is cleared from the pending mirror only when its pair
succeeded, so a record that failed is retried by the next run (and, within this run, not again).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.redaction import redact
from connections.providers.base import WriteResult
from connections.providers.errors import RefusedUntilChanged
from mappings.converters import is_empty

from . import codec
from .bulk import insert_rows, slices, update_rows
from .choices import (
    FAILING_OUTCOMES,
    WARNING_MARK,
    LinkState,
    Outcome,
    Side,
    SyncDirection,
    direction_from,
    other_side,
)
from .models import MirrorRecord, RecordLink, RecordOutcome, SyncRun
from .names import display_name
from .pair_op import PairOp
from .pipeline.deletions import deleted_state, done_outcome
from .pipeline.echo import mapped
from .planner import DirectionPlan
from .sync_config import SyncConfig

NS, APP = Side.NETSUITE.value, Side.APP.value
LINK_FIELDS = [
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
]


def as_written(writes: dict[str, Any], result: WriteResult) -> dict[str, Any]:
    """The values a successful write left on the target, as the snapshot remembers them: the plan's writes,
    in the form the provider settled them (``result.resolved``), without the fields it left as they were
    (``result.unwritten``: the snapshot keeps the target's own value for those)."""
    settled = {**writes, **{k: v for k, v in result.resolved.items() if k in writes}}
    return {k: v for k, v in settled.items() if k not in result.unwritten}


def settled_outcome(plan: DirectionPlan, result: WriteResult) -> tuple[str, str, dict]:
    """The outcome, message and diff of a successful write, with what the provider settled: the fields it
    left out of the diff, its warnings in the message ("Warning: ..."), an update of nothing but fields it
    left reported as unchanged, a create of nothing but fields it left (it found the record there
    already) reported as linked, and an unsubscribe the app had nothing to do for not reported as one."""
    diff = {k: [before, result.resolved.get(k, after)] for k, (before, after) in plan.diff().items()}
    diff = {k: change for k, change in diff.items() if k not in result.unwritten}
    message = "; ".join(filter(None, [plan.message, *(f"{WARNING_MARK} {w}" for w in result.warnings)]))
    outcome = plan.outcome
    if outcome == Outcome.UNSUBSCRIBED and plan.unsubscribes in result.unwritten:
        # The app had nothing to unsubscribe the record from (subscribed to nothing there): no unsubscribe
        # happened, whatever else was written.
        outcome = Outcome.UPDATED if diff or plan.groups_add or plan.groups_remove else Outcome.UNCHANGED
        message = "; ".join(filter(None, [message, "the app had no subscription to unsubscribe it from"]))
    if outcome == Outcome.UPDATED and plan.writes and not diff and not (plan.groups_add or plan.groups_remove):
        outcome = Outcome.UNCHANGED
    elif outcome == Outcome.CREATED and plan.writes and set(plan.writes) <= set(result.unwritten):
        # The target had the record already (an app refused a second contact with its email and named the
        # one it has): linked to it, with nothing of ours written over it. "Created" would say otherwise.
        outcome = Outcome.LINKED
    return outcome, message, diff


class Recorder:
    """Records the chunks of one run (``record``); counts each outcome in ``counters[direction][outcome]``."""

    def __init__(self, *, run: SyncRun, config: SyncConfig, fingerprint: str, dry: bool, counters: dict[str, Any]):
        self.run = run
        self.config = config
        self.fingerprint = fingerprint
        self.dry = dry
        self.counters = counters
        self.requeued: set[int] = set()  # mirror rows queued again for the next run (not again in this one)
        self._field_ids: dict[str, tuple[str, ...]] = {}

    def record(self, ops: list[PairOp]) -> None:
        """Save the chunk's links, log its outcomes, clear the pending rows of the pairs that succeeded."""
        outcomes: list[RecordOutcome] = []
        cleared: list[int] = []
        requeue: list[int] = []
        links_to_save: list[RecordLink] = []
        refused: list[int] = []  # mirror rows of records an app refuses until they change
        for op in ops:
            link = op.link
            for direction, outcome, message, diff in op.outcomes:
                outcomes.append(self._outcome(op, direction, outcome, message, diff))
            if op.deletion:
                direction = direction_from(op.row.side)
                result = op.results.get(direction)
                if self.dry:
                    outcomes.append(self._outcome(op, direction, done_outcome(op.deletion), "", {}))
                elif result and result.ok:
                    outcomes.append(self._outcome(op, direction, done_outcome(op.deletion), "", {}))
                    link.state = deleted_state(op.row.side)
                else:
                    op.done = False
                    outcomes.append(
                        self._outcome(op, direction, Outcome.FAILED, str(result.error) if result else "not sent", {})
                    )
            elif op.row.deleted and op.link_changed() and not self.dry:
                links_to_save.append(link)
            failed = False
            consumed = {NS: op.consumes, APP: op.consumes}
            written = {NS: {}, APP: {}}
            # A field that failed keeps its snapshot, and the record stays pending: retried next run.
            kept = {NS: [], APP: []}
            # A field whose write waits (a company not linked yet) is left out of its side's snapshot, so that
            # the next planning sees its value as a change to make, whatever another mapping of it recorded.
            unsettled = {NS: [], APP: []}
            retry = any(plan.outcome == Outcome.FIELD_FAILED for plan in op.plan.plans)
            # A write waiting for a later run (a company not linked yet): the record of its source side stays
            # pending, or is queued again (a pair re-planned for a configuration change, or brought up by its
            # other record), so that the next run plans it again.
            waiting = {NS if p.direction == SyncDirection.TO_APP else APP for p in op.plan.plans if p.waiting_fields}
            for plan in op.plan.plans:
                target = APP if plan.direction == SyncDirection.TO_APP else NS
                source = other_side(target)
                kept[source].extend(plan.failed_fields)
                unsettled[source].extend(plan.waiting_fields)
                result = op.results.get(plan.direction)
                for action in plan.action_overwrites:
                    self.counters["action_overwrites"][action] += 1
                if plan.source_held:  # only its unsubscribe was carried: the rest stays a change to make
                    consumed[source] = False
                if plan.outcome in (Outcome.SKIPPED_BY_RULES, Outcome.EXCLUDED_BY_RULES):
                    consumed[source] = False
                    outcomes.append(self._outcome(op, plan.direction, plan.outcome, plan.message, {}, plan))
                    continue
                if plan.outcome == Outcome.UNCHANGED and plan.direction in op.replanned and not plan.waiting_fields:
                    continue  # re-planned for a configuration change that changes nothing here: no news
                if self.dry or result is None:
                    outcomes.append(self._outcome(op, plan.direction, plan.outcome, plan.message, plan.diff(), plan))
                    continue
                if not result.ok and isinstance(result.error, RefusedUntilChanged):
                    # Refused for good as it is: excluded (not a failure), the source left alone until it changes.
                    consumed[source] = False
                    outcomes.append(
                        self._outcome(op, plan.direction, Outcome.EXCLUDED_REFUSED, str(result.error), {}, plan)
                    )
                    refused.extend(r.id for r in (op.row, op.other) if r is not None and r.side == source and r.pk)
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
                elif result.moved_to:
                    setattr(link, f"{target}_id", result.moved_to)  # the update gave the record a new id
                written[target] = as_written(plan.writes, result)
                outcome, message, diff = settled_outcome(plan, result)
                outcomes.append(self._outcome(op, plan.direction, outcome, message, diff, plan))
            if self.dry or link is None or link.pk is None:
                if not failed and not retry and op.done and not self.dry:
                    cleared.append(op.row.id)
                continue
            if op.plan.plans:
                self._update_snapshots(op, consumed, written, kept, unsettled)
            if link.netsuite_id and link.app_id and link.state == LinkState.CREATING:
                link.state = LinkState.LINKED
            if op.plan.plans and not failed and not op.keep_stale:
                link.config_fingerprint = self.fingerprint  # planned (and written) with this configuration
            if op.plan.plans or op.link_changed():
                links_to_save.append(link)
            # A pair that failed leaves both its records pending: retried by the next run (and, as the
            # pair was decided once, not again in this one).
            if not failed and op.done:
                if not retry and op.row.side not in waiting:
                    cleared.append(op.row.id)
                if op.other_handled and op.other.side not in waiting:
                    cleared.append(op.other.id)
                if waiting and not self.dry:
                    requeue.extend(r.id for r in (op.row, op.other) if r is not None and r.side in waiting)
        if self.dry:
            insert_rows(outcomes)
            self._count(outcomes)
            return
        with transaction.atomic():
            if links_to_save:
                update_rows(links_to_save, LINK_FIELDS)
            insert_rows(outcomes)
            for ids in slices(cleared):
                MirrorRecord.objects.filter(id__in=ids).update(pending=False)
            for ids in slices(requeue):
                MirrorRecord.objects.filter(id__in=ids, pending=False).update(pending=True)
            for ids in slices(refused):
                # As an operator's Skip: read again unchanged, the record stays out (runner._process_pending).
                MirrorRecord.objects.filter(id__in=ids).update(skipped_modified_at=F("modified_at"), pending=False)
        self.requeued.update(requeue)
        self._count(outcomes)

    def _count(self, outcomes: list[RecordOutcome]) -> None:
        for outcome in outcomes:
            self.counters[outcome.direction][outcome.outcome] += 1

    def field_ids(self, side: str) -> tuple[str, ...]:
        """The ids of the fields snapshots and hashes hold on ``side`` (:meth:`SyncConfig.mapped_field_ids`),
        worked out once per run (every recorded pair asks)."""
        if side not in self._field_ids:
            self._field_ids[side] = self.config.mapped_field_ids(side)
        return self._field_ids[side]

    def _update_snapshots(
        self,
        op: PairOp,
        consumed: dict[str, bool],
        written: dict[str, dict],
        kept: dict[str, list[str]],
        unsettled: dict[str, list[str]],
    ) -> None:
        link = op.link
        link.updated_at = timezone.now()
        for side in (NS, APP):
            old = codec.decode_values(getattr(link, f"{side}_snapshot") or {})
            current = op.ns_values if side == NS else op.app_values
            base = mapped(current or {}, self.field_ids(side)) if consumed[side] else dict(old)
            for field_id in kept[side]:  # not written: still a change to make next run
                base[field_id] = old.get(field_id)
            base.update(written[side])
            for field_id in unsettled[side]:
                base.pop(field_id, None)
            base = {k: v for k, v in base.items() if not is_empty(v)}
            setattr(link, f"{side}_snapshot", codec.encode_values(base))
            setattr(link, f"{side}_hash", codec.values_hash(base))

    @staticmethod
    def _row_values(op: PairOp) -> dict:
        """The values of the record that brought the pair up: decoded once when the pair was planned."""
        planned = op.ns_values if op.row.side == NS else op.app_values
        return planned if planned is not None else codec.decode_values(op.row.values or {})

    def _outcome(
        self, op: PairOp, direction: str, outcome: str, message: str, diff: dict, plan: DirectionPlan | None = None
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
