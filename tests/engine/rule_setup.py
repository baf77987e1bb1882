"""Rules as ops staff set them up in the admin: validated with ``full_clean`` against the connection's catalogs,
or built through the admin's own forms (:func:`rule_from_admin_forms`), values picked by name."""

from __future__ import annotations

from typing import Any

from django.forms import modelform_factory

from connections.models import Connection
from rules.admin import RuleAdmin
from rules.choices import ActionKind, ApplyOn
from rules.forms import ActionForm, ConditionForm, DirectionRuleForm
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


# --- through the admin's forms ------------------------------------------------------------------------------------


def _valid(form):
    assert form.is_valid(), form.errors.get_json_data()
    return form.save()


def rule_from_admin_forms(
    connection: Connection,
    direction: str,
    name: str,
    *,
    conditions: list[dict[str, str]] = (),
    actions: list[dict[str, str]] = (),
    match: str = "all",
    order: int = 20,
) -> Rule:
    """A rule built as ops staff build it in the admin: the rule page's form, then one condition (IF) and one
    action (THEN) form per row, each given the rule's sides, with values typed as text and list values picked
    by *name* (``{"field_id": "salesRep", "operator": "is", "value": "Ann Rep"}``). An action applies on
    create and update unless the row says otherwise (``"apply_on"``). A form that refuses fails the test."""
    rule = _valid(
        modelform_factory(Rule, fields=RuleAdmin.fields)(
            data={
                "connection": connection.pk,
                "direction": direction,
                "name": name,
                "order": order,
                "match": match,
                "enabled": "on",
            }
        )
    )
    catalogs = rule.catalogs()
    for row in conditions:
        _valid(ConditionForm(data={"value": "", **row}, instance=Condition(rule=rule), catalogs=catalogs))
    for row in actions:
        row = {"kind": ActionKind.SET_FIELD, "field_id": "", "value": "", "apply_on": ApplyOn.BOTH, **row}
        _valid(ActionForm(data=row, instance=Action(rule=rule), catalogs=catalogs))
    return Rule.objects.prefetch_related("conditions", "actions").get(pk=rule.pk)


def switch_off_from_admin_form(rule: Rule) -> None:
    """Untick "enabled" of ``rule`` in its row of the connection page (the rule stays, the evaluator ignores it)."""
    data = {field: getattr(rule, field) for field in ("name", "order", "match")}
    _valid(DirectionRuleForm(data=data, instance=rule))
