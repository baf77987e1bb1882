"""Rules read from the database for the sync engine, as the plain specs the evaluator takes."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch

from connections.models import Connection
from mappings.compatibility import NETSUITE_LABEL

from .models import Action, Condition, Rule
from .rule_catalogs import RuleCatalogs, direction_label, rule_catalogs
from .specs import RuleSpec
from .validation import rule_problems


def rule_specs(
    connection: Connection, direction: str, *, catalogs: RuleCatalogs | None = None, problems: list[str] | None = None
) -> list[RuleSpec]:
    """The rules of one direction of ``connection``, disabled ones included (the evaluator skips and traces them).

    With ``problems`` (a list), an enabled rule that fails its check against the
    catalogs (:func:`rules.validation.rule_problems`: a field no longer in a
    catalog, a value that no longer fits) is left out, and why is appended.

    One query per table (rules, conditions, actions), plus the target's
    catalog to type the actions' values back (dates as dates, decimals as
    ``Decimal``), unless ``catalogs`` is given (:func:`rules.rule_catalogs.rule_catalogs`).
    """
    rules = list(
        Rule.objects.filter(connection=connection, direction=direction).prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.order_by("pk")),
            Prefetch("actions", queryset=Action.objects.order_by("pk")),
        )
    )
    if catalogs is None:
        catalogs = rule_catalogs(connection, direction)
    target = catalogs.target
    specs = []
    for rule in rules:
        spec = rule.to_spec()
        if problems is not None and rule.enabled:
            found = rule_problems(
                spec,
                source_fields=catalogs.source.fields,
                target_fields=target.fields,
                source_app=catalogs.source.app_label,
                target_app=target.app_label,
            )
            if found:
                app = catalogs.source if target.app_label == NETSUITE_LABEL else target
                where = direction_label(direction, app.app_label)
                problems.append(f"the rule «{rule.name}» ({where}) was skipped: {'; '.join(found)}")
                continue
        specs.append(
            replace(
                spec,
                actions=tuple(
                    action.to_spec(value=action.typed_value(target.fields.get(action.field_id), target.app_label))
                    for action in rule.actions.all()
                ),
            )
        )
    return specs
