"""Rules read from the database for the sync engine, as the plain specs the evaluator takes."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch

from connections.models import Connection

from .models import Action, Condition, Rule
from .sides import RuleSides, rule_sides
from .specs import RuleSpec


def rule_specs(connection: Connection, direction: str, *, sides: RuleSides | None = None) -> list[RuleSpec]:
    """The rules of one direction of ``connection``, disabled ones included (the evaluator skips and traces them).

    One query per table (rules, conditions, actions), plus the target's
    catalog to type the actions' values back (dates as dates, decimals as
    ``Decimal``), unless ``sides`` is given (:func:`rules.sides.rule_sides`).
    """
    rules = list(
        Rule.objects.filter(connection=connection, direction=direction).prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.order_by("pk")),
            Prefetch("actions", queryset=Action.objects.order_by("pk")),
        )
    )
    if sides is None:
        sides = rule_sides(connection, direction)
    target = sides.target
    return [
        replace(
            rule.to_spec(),
            actions=tuple(
                action.to_spec(value=action.typed_value(target.fields.get(action.field_id), target.app_label))
                for action in rule.actions.all()
            ),
        )
        for rule in rules
    ]
