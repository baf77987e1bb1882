"""Plan what to do with one pair of records (pure: no ORM, no HTTP).

The last step of the per-record pipeline (:mod:`syncengine.pipeline`): the pair reaches it paired, not
excluded (no email, duplicate), not a deletion and not an echo of our own write; those steps decided that
before. Here, per direction: the rules (sync or skip, and which actions), the mappings through the
three-way merge (:mod:`syncengine.merge`, one field at a time, conflicts resolved by the connection's
policy), then the rule actions, into a :class:`DirectionPlan`: the outcome and the writes to make. The
unsubscribe step (:mod:`syncengine.pipeline.subscriptions`) adds its write or refusal to the direction it
concerns; only it writes a side's subscription status.
Sending them, binding the link and logging the outcomes belong to the runner's writer and recorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rules.evaluator import evaluate

from .choices import Outcome, SyncDirection
from .merge import APP, NETSUITE, MergeResult, merge
from .pipeline.subscriptions import SubscriptionStep, decide
from .sync_config import SyncConfig


@dataclass
class SideRecord:
    """The record of one side of a pair as the planner sees it: its id, current values (None when the
    record does not exist there), last synced snapshot (None when never synced), and modification time.
    (The side itself is a :class:`syncengine.choices.Side`; which one is the argument it is passed as.)"""

    record_id: str | None
    values: dict[str, Any] | None
    snapshot: dict[str, Any] | None
    modified_at: datetime | None = None
    changed: bool = False  # the side was read as changed in this run


@dataclass
class DirectionPlan:
    """What happens in one direction: an outcome, and the writes behind it."""

    direction: str
    outcome: str
    create: bool = False
    writes: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    groups_add: list[str] = field(default_factory=list)
    groups_remove: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    message: str = ""
    # Actions that overwrite a value of an existing record ("rule: field"), counted by the dry run.
    action_overwrites: list[str] = field(default_factory=list)
    failed_fields: list[str] = field(default_factory=list)  # source field ids whose value could not be written
    # The rules exclude the record in this direction, but its unsubscribe is carried all the same: the
    # source's other changes are not consumed (its snapshot stays as it was).
    source_held: bool = False
    # The target's subscription field, when this plan carries an unsubscribe to it.
    unsubscribes: str = ""
    # Source field ids whose write waits for something a later run brings (a company not linked yet:
    # pipeline.company_refs): kept out of the snapshot, the record stays pending.
    waiting_fields: list[str] = field(default_factory=list)

    @property
    def has_writes(self) -> bool:
        return bool(self.writes or self.create or self.groups_add or self.groups_remove)

    def diff(self) -> dict[str, list]:
        return {k: [self.before.get(k), v] for k, v in self.writes.items()}


@dataclass
class PairPlan:
    """The plan for one pair: at most one :class:`DirectionPlan` per direction."""

    plans: list[DirectionPlan] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def for_direction(self, direction: str) -> DirectionPlan | None:
        return next((p for p in self.plans if p.direction == direction), None)


def _apply_decision(plan: DirectionPlan, decision, target_values: dict | None, is_create: bool) -> None:
    """Rule actions override mapped values; group actions become membership changes."""
    current = target_values or {}
    for field_id, value in decision.actions.items():
        if is_create or current.get(field_id) != value:
            plan.before.setdefault(field_id, current.get(field_id))
            plan.writes[field_id] = value
            if not is_create:
                plan.action_overwrites.append(f"{decision.action_rules.get(field_id, '?')}: {field_id}")
        else:
            # The target already holds the action's value: the action still
            # overrides whatever the merge wanted to write into that field.
            plan.writes.pop(field_id, None)
            plan.before.pop(field_id, None)
    # Only the membership changes the record needs: a re-plan (or any update) of a contact already in
    # the group writes nothing for it.
    held = set() if is_create else _held_groups(decision.group_actions, current)
    plan.groups_add = [g.group["id"] for g in decision.group_actions if g.add and g.group["id"] not in held]
    plan.groups_remove = [
        g.group["id"] for g in decision.group_actions if not g.add and (g.field_id is None or g.group["id"] in held)
    ]


def _held_groups(group_actions, current: dict) -> set[str]:
    """The ids of the groups the target record is in, read from the groups fields the actions name."""
    held = set()
    for field_id in {g.field_id for g in group_actions if g.field_id}:
        held.update(g.get("id") for g in current.get(field_id) or () if isinstance(g, dict))
    return held


def plan_pair(
    config: SyncConfig,
    netsuite: SideRecord,
    app: SideRecord,
    *,
    now: datetime,
    exists_before: bool,
    fresh_slots: frozenset[str] = frozenset(),
) -> PairPlan:
    """Plan a pair whose sides are both known (either may be missing a record).

    ``exists_before`` says whether the pair was linked before this run (a
    record that no longer matches the rules is then "excluded", not "skipped").
    ``fresh_slots`` are the keys of the mappings new to the pair since it was
    last planned: merged as never synced (:func:`syncengine.merge.merge`).
    """
    result: MergeResult = merge(
        config.slots,
        netsuite.values,
        app.values,
        netsuite.snapshot,
        app.snapshot,
        policy=config.conflict_policy,
        netsuite_modified=netsuite.modified_at,
        app_modified=app.modified_at,
        options=config.conversion,
        fresh=fresh_slots,
    )
    pair = PairPlan(
        conflicts=[
            f"{c.slot}: NetSuite {c.netsuite_value!r} vs app {c.app_value!r} → {c.winner}" for c in result.conflicts
        ]
    )
    conflict_outcome = Outcome.CONFLICT_RESOLVED if result.conflicts else None
    steps = (
        decide(
            config.subscriptions,
            netsuite_values=netsuite.values,
            app_values=app.values,
            netsuite_snapshot=netsuite.snapshot,
            app_snapshot=app.snapshot,
        )
        if config.subscriptions is not None
        else {}
    )
    specs = (
        (
            SyncDirection.TO_APP,
            netsuite,
            app,
            result.to_app,
            result.app_before,
            config.rules_to_app,
            config.netsuite_catalog,
            APP,
        ),
        (
            SyncDirection.TO_NETSUITE,
            app,
            netsuite,
            result.to_netsuite,
            result.netsuite_before,
            config.rules_to_netsuite,
            config.app_catalog,
            NETSUITE,
        ),
    )
    for direction, source, target, writes, before, rules, catalog, target_side in specs:
        step = steps.get(direction)
        if source.values is None or not (source.changed or writes or step):
            continue
        is_create = target.values is None
        decision = evaluate(rules, source.values, not is_create, catalog=catalog, now=now, is_create=is_create)
        plan = DirectionPlan(direction=direction, outcome=Outcome.UNCHANGED, rules=list(decision.matched))
        if not decision.sync:
            plan.outcome = Outcome.EXCLUDED_BY_RULES if exists_before or not is_create else Outcome.SKIPPED_BY_RULES
            plan.message = "; ".join(decision.trace[-3:])
            if step is not None and step.outcome == Outcome.UNSUBSCRIBED and not is_create:
                # Someone who opted out is unsubscribed everywhere the policy reaches, whatever the rules say
                # of the rest of the record: only the unsubscribe is written.
                _add_step(plan, step, target.values)
                plan.outcome, plan.source_held = Outcome.UNSUBSCRIBED, True
                plan.message = f"{step.message}; the rules exclude the rest of this record ({plan.message})"
            pair.plans.append(plan)
            continue
        plan.writes, plan.before = dict(writes), dict(before)
        _apply_decision(plan, decision, target.values, is_create)
        _guard_subscription(plan, config.subscription_fields.get(target_side))
        if step is not None:
            _add_step(plan, step, target.values)
        if is_create:
            plan.create = True
            plan.outcome = Outcome.CREATED
        elif step is not None:
            plan.outcome = step.outcome
        elif plan.has_writes:
            plan.outcome = conflict_outcome or Outcome.UPDATED
        failures = [f for f in result.failures if f.target == target_side]
        if failures:
            # The other fields are written; these are not, and the record is retried next run.
            plan.outcome = Outcome.FIELD_FAILED
            plan.failed_fields = list(dict.fromkeys(f.source_field for f in failures))
        plan.message = _message(
            [f.message for f in failures], result.warnings_by_target.get(target_side, []), created=is_create
        )
        if step is not None:
            plan.message = "; ".join(filter(None, [step.message, plan.message]))
        if plan.action_overwrites:
            overwrites = "Rule actions overwrite the existing value: " + ", ".join(plan.action_overwrites)
            plan.message = "; ".join(filter(None, [plan.message, overwrites]))
        pair.plans.append(plan)
    if conflict_outcome and not any(p.outcome == conflict_outcome for p in pair.plans):
        # The conflict was resolved in favour of the side that needs no write: still log it.
        for p in pair.plans:
            if p.outcome == Outcome.UNCHANGED:
                p.outcome = conflict_outcome
                break
    for p in pair.plans:
        if p.outcome in (Outcome.CONFLICT_RESOLVED, Outcome.FIELD_FAILED) and pair.conflicts:
            p.message = "; ".join(filter(None, [p.message, *pair.conflicts]))
    return pair


def _guard_subscription(plan: DirectionPlan, field_id: str | None) -> None:
    """Drop a rule action's write of the target's subscription status: only the unsubscribe step writes it
    (the mappings that would are turned off when the configuration is loaded)."""
    if field_id and field_id in plan.writes:
        plan.writes.pop(field_id)
        plan.before.pop(field_id, None)
        plan.action_overwrites = [a for a in plan.action_overwrites if not a.endswith(f": {field_id}")]


def _add_step(plan: DirectionPlan, step: SubscriptionStep, target_values: dict | None) -> None:
    """The unsubscribe step's write joins the direction's writes."""
    for field_id, value in step.writes.items():
        plan.before.setdefault(field_id, (target_values or {}).get(field_id))
        plan.writes[field_id] = value
        plan.unsubscribes = field_id


def _message(failures: list[str], warnings: list[str], *, created: bool) -> str:
    """An outcome's message: each failed field with its reason, then each warning prefixed "Warning: "."""
    parts = []
    if failures:
        what = "Created without" if created else "Not written"
        parts.append(f"{what}: " + "; ".join(failures))
    parts.extend(f"Warning: {w}" for w in warnings)
    return "; ".join(parts)
