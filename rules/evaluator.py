"""How rules decide which records sync, and what they set.

Each direction of a connection (NetSuite to the app, the app to NetSuite)
has its own ordered list of rules. A rule reads: IF the record matches its
conditions, THEN sync it and apply its actions.

- **Each enabled rule is an independent filter** over the records of the
  source app. Disabled rules are ignored, as if they did not exist.
- **A rule with no conditions matches everyone.** A new connection starts
  with one such rule per direction, "sync everyone".
- **Within a rule**, "all conditions match" needs every condition to match;
  "any condition matches" needs at least one.
- **A record syncs in a direction when it matches ANY enabled rule** of that
  direction. With no enabled rule, nothing syncs.
- **The actions of every matching rule apply, in rule order**; when two
  rules set the same field, the later rule wins. Each action says whether it
  applies when the sync creates the record in the target, when it updates
  it, or both. An action's value overrides the mapped value of that field.
  Adding to and removing from a contact group work the same way: for the
  same group, the later rule wins.
- **"Already exists in the app you sync with"** is a condition without a
  field: true when the record already has a counterpart on the other side
  (linked before, or matched by email).
- **A broken condition never lets a record through**: a condition on a
  field that is no longer in the field list, with an operator that does not
  fit the field, or with a value that cannot be read does not match, and
  the trace says why. (Validation refuses such conditions when they are
  saved; this covers a field deleted in the app afterwards.)
- A record that synced before and no longer matches is left as it is in the
  target (not deleted) and logged as excluded by rules (the sync engine's part).
- Comparisons: selects, references and groups compare by option id; text is
  case-insensitive; a negative operator ("is not", "does not contain", "is
  none of") is the exact opposite of its positive one, so an empty value "is
  not" Ann Rep; greater / less / before / after / within the last N days
  never match an empty value; before / after a date compare calendar days
  (UTC); "within the last N days" runs from N days ago up to now; a check
  box without a value counts as unchecked.

:func:`evaluate` is pure: the record's values, whether it exists on the
other side, the field catalog and the current time are all arguments.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from connections.providers.fields import FieldSpec

from .choices import ActionKind, ApplyOn, Match, Operator
from .formatting import describe_condition, field_name, format_value, type_name
from .operators import SPECIAL_OPERATORS, apply_operator, operand_kind, operator_label, operators_for
from .specs import ActionSpec, ConditionSpec, RuleSpec
from .values import ValueProblem, parse_operand


@dataclass(frozen=True)
class GroupAction:
    """Add the record to, or remove it from, one group of the target's groups field."""

    field_id: str | None
    group: dict[str, str]  # {"id", "name"}
    add: bool
    rule: str


@dataclass(frozen=True)
class Decision:
    """What the rules decided for one record in one direction.

    ``actions`` maps a target field id to the value to set (the last
    matching rule's value wins); ``action_rules`` names the rule each value
    came from; ``group_actions`` holds one entry per group, the last rule's
    wish; ``trace`` is the readable account for the audit log.
    """

    sync: bool
    matched: list[str] = dataclass_field(default_factory=list)
    actions: dict[str, Any] = dataclass_field(default_factory=dict)
    action_rules: dict[str, str] = dataclass_field(default_factory=dict)
    group_actions: list[GroupAction] = dataclass_field(default_factory=list)
    trace: list[str] = dataclass_field(default_factory=list)

    @property
    def groups_to_add(self) -> list[dict[str, str]]:
        """The groups (``{"id", "name"}``) the record is to be added to."""
        return [g.group for g in self.group_actions if g.add]

    @property
    def groups_to_remove(self) -> list[dict[str, str]]:
        """The groups (``{"id", "name"}``) the record is to be removed from."""
        return [g.group for g in self.group_actions if not g.add]


def evaluate(
    rules: Iterable[RuleSpec],
    record_values: Mapping[str, Any],
    exists_in_other_app: bool,
    *,
    catalog: Mapping[str, FieldSpec],
    now: datetime,
    is_create: bool,
    target_catalog: Mapping[str, FieldSpec] | None = None,
) -> Decision:
    """Decide whether a record syncs and what the matching rules set on it (see the module docstring).

    ``rules`` are one direction's rules (any order: they are sorted by
    ``order``, ties kept as given); ``record_values`` the source record's
    typed values by field id; ``catalog`` the source side's fields, which
    type the conditions; ``now`` an aware datetime for "within the last N
    days"; ``is_create`` whether the sync will create the target record
    (selects the "on create" or the "on update" actions).
    ``target_catalog`` only lends field labels to the trace.
    """
    ordered = [rule for _, rule in sorted(enumerate(rules), key=lambda pair: (pair[1].order, pair[0]))]
    trace: list[str] = []
    matched: list[str] = []
    actions: dict[str, Any] = {}
    action_rules: dict[str, str] = {}
    groups: dict[tuple[str | None, str], GroupAction] = {}
    enabled = 0

    for rule in ordered:
        if not rule.enabled:
            trace.append(f"Rule «{rule.name}»: disabled, ignored")
            continue
        enabled += 1
        if not _rule_matches(rule, record_values, exists_in_other_app, catalog, now, trace):
            continue
        matched.append(rule.name)
        for action in rule.actions:
            _apply_action(rule.name, action, is_create, target_catalog or {}, actions, action_rules, groups, trace)

    if not enabled:
        trace.append("Not synced: no enabled rule in this direction")
    elif not matched:
        trace.append("Not synced: the record matches no enabled rule")
    else:
        trace.append("Synced: matches " + ", ".join(f"«{name}»" for name in matched))
    return Decision(
        sync=bool(matched),
        matched=matched,
        actions=actions,
        action_rules=action_rules,
        group_actions=list(groups.values()),
        trace=trace,
    )


def _rule_matches(
    rule: RuleSpec,
    values: Mapping[str, Any],
    exists: bool,
    catalog: Mapping[str, FieldSpec],
    now: datetime,
    trace: list[str],
) -> bool:
    prefix = f"Rule «{rule.name}»"
    if rule.match not in Match.values:
        trace.append(f"{prefix}: unknown match mode «{rule.match}», so it matches no one")
        return False
    if not rule.conditions:
        trace.append(f"{prefix}: no conditions, matches everyone")
        return True
    results = []
    for number, condition in enumerate(rule.conditions, start=1):
        ok, line = _condition_matches(condition, values, exists, catalog, now)
        results.append(ok)
        trace.append(f"{prefix}, condition {number}: {line}")
    # All conditions are evaluated (no short-circuit) so the trace shows each one.
    result = any(results) if rule.match == Match.ANY else all(results)
    mode = Match(rule.match).label
    trace.append(f"{prefix} ({mode}): {'matched' if result else 'did not match'}")
    return result


def _condition_matches(
    condition: ConditionSpec,
    values: Mapping[str, Any],
    exists: bool,
    catalog: Mapping[str, FieldSpec],
    now: datetime,
) -> tuple[bool, str]:
    """Whether one condition matches, and its trace line."""
    operator = condition.operator
    if operator in SPECIAL_OPERATORS:
        ok = exists if operator == Operator.EXISTS_IN_OTHER_APP else not exists
        fact = "it does" if exists else "it does not"
        return ok, f"{describe_condition('', operator, None)} → {_verdict(ok)} ({fact})"

    field = catalog.get(condition.field_id) if condition.field_id else None
    if field is None:
        shown = f"«{condition.field_id}»" if condition.field_id else "(none)"
        return False, f"field {shown} {operator_label(operator)} → failed (the field is not in the field list)"
    subject = field_name(field)
    if operator not in operators_for(field.type):
        why = f"“{operator_label(operator)}” does not apply to {type_name(field.type)} fields"
        return False, f"{subject} {operator_label(operator)} → failed ({why})"
    try:
        operand = parse_operand(operand_kind(operator, field.type), field, condition.value)
    except ValueProblem as problem:
        return False, f"{subject} {operator_label(operator)} → failed (the condition's value is unusable: {problem})"
    value = values.get(field.id)
    ok = apply_operator(operator, field.type, value, operand, now=now)
    return ok, f"{describe_condition(subject, operator, operand)} → {_verdict(ok)} (record: {format_value(value)})"


def _verdict(ok: bool) -> str:
    return "matched" if ok else "failed"


def _applies(on: str, is_create: bool) -> bool:
    return on == ApplyOn.BOTH or (on == ApplyOn.CREATE and is_create) or (on == ApplyOn.UPDATE and not is_create)


def _apply_action(
    rule: str,
    action: ActionSpec,
    is_create: bool,
    target_catalog: Mapping[str, FieldSpec],
    actions: dict[str, Any],
    action_rules: dict[str, str],
    groups: dict[tuple[str | None, str], GroupAction],
    trace: list[str],
) -> None:
    prefix = f"Rule «{rule}»"
    target = target_catalog.get(action.field_id) if action.field_id else None
    subject = field_name(target) if target else (action.field_id or "(no field)")

    if action.kind == ActionKind.SET_FIELD:
        what = f"sets {subject} to {format_value(action.value)}"
    elif action.kind in (ActionKind.ADD_TO_GROUP, ActionKind.REMOVE_FROM_GROUP):
        verb = "adds the record to" if action.kind == ActionKind.ADD_TO_GROUP else "removes the record from"
        what = f"{verb} group {format_value(action.value)}"
    else:
        trace.append(f"{prefix}: unknown action «{action.kind}», skipped")
        return

    if action.on not in ApplyOn.values:
        trace.append(f"{prefix} {what}: skipped (unknown timing «{action.on}»)")
        return
    if not _applies(action.on, is_create):
        now_doing = "created" if is_create else "updated"
        trace.append(f"{prefix} {what}: skipped ({ApplyOn(action.on).label} only, and the record is being {now_doing})")
        return

    if action.kind == ActionKind.SET_FIELD:
        if not action.field_id:
            trace.append(f"{prefix} {what}: skipped (no field)")
            return
        replaced = ""
        if action.field_id in actions:
            earlier = format_value(actions[action.field_id])
            replaced = f" (replaces {earlier} from rule «{action_rules[action.field_id]}»)"
        actions[action.field_id] = copy.deepcopy(action.value)  # the caller may edit its decision
        action_rules[action.field_id] = rule
        trace.append(f"{prefix} {what}{replaced}")
        return

    group = _group(action.value)
    if group is None:
        trace.append(f"{prefix} {what}: skipped (no group)")
        return
    key = (action.field_id, group["id"])
    groups.pop(key, None)  # re-inserted so the order follows the rule that decided last
    groups[key] = GroupAction(action.field_id, group, action.kind == ActionKind.ADD_TO_GROUP, rule)
    trace.append(f"{prefix} {what}")


def _group(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and value.get("id") not in (None, ""):
        return {"id": str(value["id"]), "name": str(value.get("name") or value["id"])}
    if isinstance(value, str) and value.strip():
        return {"id": value.strip(), "name": value.strip()}
    return None
