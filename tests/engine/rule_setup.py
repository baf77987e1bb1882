"""Rules as ops staff set them up in the admin: validated with ``full_clean`` against the connection's catalogs."""

from __future__ import annotations

from typing import Any

from connections.models import Connection
from rules.models import DEFAULT_RULE_NAME, Action, Condition, Rule


def default_rule(connection: Connection, direction: str) -> Rule:
    """The connection's "Sync everyone" rule of ``direction``."""
    return Rule.objects.get(connection=connection, direction=direction, name=DEFAULT_RULE_NAME)


def disable_default_rule(connection: Connection, direction: str) -> None:
    rule = default_rule(connection, direction)
    rule.enabled = False
    rule.save(update_fields=["enabled"])


def add_rule(
    connection: Connection,
    direction: str,
    name: str,
    *,
    conditions: list[tuple[str, str, Any]] = (),
    actions: list[tuple[str, Any]] = (),
    order: int = 20,
) -> Rule:
    """A rule with ``(field, operator, value)`` conditions and ``(field, value)`` set-field actions, each validated."""
    rule = Rule(connection=connection, direction=direction, name=name, order=order)
    rule.full_clean()
    rule.save()
    for field_id, operator, value in conditions:
        condition = Condition(rule=rule, field_id=field_id, operator=operator, value=value)
        condition.full_clean()
        condition.save()
    for field_id, value in actions:
        add_action(rule, field_id, value)
    return rule


def add_action(rule: Rule, field_id: str, value: Any, *, on: str | None = None) -> Action:
    """A validated "set field" action on ``rule`` (the value is stored in its canonical form); ``on``: when it
    applies (the model's default, only when creating the record, unless given)."""
    action = Action(rule=rule, field_id=field_id, value=value, **({"apply_on": on} if on else {}))
    action.full_clean()
    action.save()
    return action
