"""Checks of conditions and actions before they are saved, with messages for ops staff.

The models' ``clean()`` converts themselves to specs and calls these; each
returns a list of messages, empty when the condition or action is fine.
``field`` is the catalog entry of the condition's or action's field, or
``None`` when it is not in the catalog; ``app`` names the side it belongs to
("NetSuite", "Google Contacts") in the messages.
"""

from __future__ import annotations

from collections.abc import Mapping

from connections.providers.fields import FieldSpec, FieldType

from .choices import ActionKind, ApplyOn, Match, Operator
from .formatting import a_type
from .operators import SPECIAL_OPERATORS, operand_kind, operator_label, operators_for
from .specs import ActionSpec, ConditionSpec, RuleSpec
from .values import OperandKind, ValueProblem, check_known_options, parse_action_value, parse_operand


def _unknown_field(field_id: str, app: str) -> str:
    return (
        f"Unknown field «{field_id}»: it is not in the {app} field list (refresh the field list, or remove this line)"
    )


def validate_condition(spec: ConditionSpec, field: FieldSpec | None, *, app: str = "the source app") -> list[str]:
    """Problems with one condition: unknown operator or field, an operator that does not fit the
    field's type, or a value of the wrong shape or not among the field's options."""
    operator = spec.operator
    if operator not in Operator.values:
        return [f"«{operator}» is not a known operator"]
    if operator in SPECIAL_OPERATORS:
        if spec.field_id:
            return [f"“{operator_label(operator)}” is about the whole record: leave the field empty"]
        return []
    if not spec.field_id:
        return ["Pick a field for this condition, or use “already exists in the app you sync with”"]
    if field is None:
        return [_unknown_field(spec.field_id, app)]
    allowed = operators_for(field.type)
    if operator not in allowed:
        choices = ", ".join(f"“{operator_label(o)}”" for o in allowed)
        return [
            f"“{operator_label(operator)}” does not apply to {field.label} ({a_type(field.type)} field); "
            f"use one of {choices}"
        ]
    kind = operand_kind(operator, field.type)
    if kind in (OperandKind.OPTION, OperandKind.OPTIONS) and spec.value not in (None, "", [], ()):
        problems = check_known_options(field, spec.value, app)
        if problems:
            return problems
    try:
        parse_operand(kind, field, spec.value)
    except ValueProblem as problem:
        return [str(problem)]
    return []


GROUP_ACTIONS = frozenset({ActionKind.ADD_TO_GROUP, ActionKind.REMOVE_FROM_GROUP})


def can_act_on(field: FieldSpec, kind: str) -> bool:
    """Whether an action of ``kind`` may change ``field``: a writable field, or a groups field's groups one at a
    time. A groups field the app keeps read-only (it cannot be set or mapped as a whole, only a group added or
    removed by its own request) still takes group actions."""
    return field.writable or (kind in GROUP_ACTIONS and field.type == FieldType.GROUPS)


def validate_action(spec: ActionSpec, field: FieldSpec | None, *, app: str = "the target app") -> list[str]:
    """Problems with one action: unknown kind, timing or field, a read-only field, a value that
    does not fit the field, or a group that is not one of the account's groups."""
    if spec.kind not in ActionKind.values:
        return [f"«{spec.kind}» is not a known action"]
    if spec.on not in ApplyOn.values:
        return [f"«{spec.on}» is not a valid choice: an action applies on create, on update, or both"]
    if not spec.field_id:
        return ["Pick the field this action sets"]
    if field is None:
        return [_unknown_field(spec.field_id, app)]
    if not can_act_on(field, spec.kind):
        return [f"{field.label} is read-only in {app}, so a rule cannot set it"]

    if spec.kind == ActionKind.SET_FIELD:
        if field.type == FieldType.GROUPS:
            # Setting the whole list would drop every other group (and Google refuses a contact with none).
            return [
                f"Use “add to group” or “remove from group” for {field.label}: setting it would replace every group"
            ]
        try:
            parse_action_value(field, spec.value, app=app)
        except ValueProblem as problem:
            return [str(problem)]
        return []

    if field.type != FieldType.GROUPS:
        return [
            f"“{ActionKind(spec.kind).label}” works on contact groups only; "
            f"{field.label} is {a_type(field.type)} field: use “set field”"
        ]
    if isinstance(spec.value, list | tuple):
        return ["Pick one group per action"]
    return check_known_options(field, spec.value, app)


def rule_problems(
    rule: RuleSpec,
    *,
    source_fields: Mapping[str, FieldSpec],
    target_fields: Mapping[str, FieldSpec],
    source_app: str,
    target_app: str,
    unknown_fields_ok: bool = False,
) -> list[str]:
    """Problems with a whole rule: its match mode, then each condition (on the source's fields) and
    each action (on the target's), by the checks the conditions and actions run when saved.

    ``unknown_fields_ok`` lets a field that is not in a catalog pass (an import into a database whose
    catalogs were never fetched knows no custom field yet; the run-start check still catches it).
    """
    problems = []
    if rule.match not in Match.values:
        problems.append(f"«{rule.match}» is not a match mode (all or any)")
    for condition in rule.conditions:
        field = source_fields.get(condition.field_id) if condition.field_id else None
        if field is None and condition.field_id and unknown_fields_ok:
            continue
        problems.extend(
            f"condition on {condition.field_id or 'the record'}: {p}"
            for p in validate_condition(condition, field, app=source_app)
        )
    for action in rule.actions:
        field = target_fields.get(action.field_id) if action.field_id else None
        if field is None and action.field_id and unknown_fields_ok:
            continue
        problems.extend(
            f"action on {action.field_id or '?'}: {p}" for p in validate_action(action, field, app=target_app)
        )
    return problems
