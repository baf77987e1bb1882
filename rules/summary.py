"""A rule in one line, for the admin's lists: ``IF Sales Rep is «Ann Rep» THEN set Initial Lead Source to «Web»``."""

from __future__ import annotations

from collections.abc import Mapping

from connections.providers.fields import FieldSpec

from .choices import ActionKind, Match
from .formatting import describe_condition, field_name, format_value
from .specs import RuleSpec


def _subject(field_id: str | None, fields: Mapping[str, FieldSpec]) -> str:
    if not field_id:
        return ""
    spec = fields.get(field_id)
    return field_name(spec) if spec else field_id


def rule_summary(
    rule: RuleSpec,
    source_fields: Mapping[str, FieldSpec] | None = None,
    target_fields: Mapping[str, FieldSpec] | None = None,
) -> str:
    """The rule's conditions and actions in words; field labels come from the catalogs when given."""
    source_fields = source_fields or {}
    target_fields = target_fields or {}
    if rule.conditions:
        joiner = " AND " if rule.match == Match.ALL else " OR "
        conditions = joiner.join(
            describe_condition(_subject(c.field_id, source_fields), c.operator, c.value) for c in rule.conditions
        )
        text = f"IF {conditions}"
    else:
        text = "IF any record (no conditions)"
    actions = []
    for action in rule.actions:
        if action.kind == ActionKind.SET_FIELD:
            actions.append(f"set {_subject(action.field_id, target_fields)} to {format_value(action.value)}")
        elif action.kind == ActionKind.ADD_TO_GROUP:
            actions.append(f"add to group {format_value(action.value)}")
        else:
            actions.append(f"remove from group {format_value(action.value)}")
    return f"{text} THEN sync" + (f" and {', '.join(actions)}" if actions else "")
