"""Signal handlers of the rules app."""

from __future__ import annotations

from changelog.recorder import record_created

from .choices import Match, RuleDirection
from .defaults import default_rule_conditions
from .models import DEFAULT_RULE_NAME, Condition, Rule


def create_default_rules(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Give a new connection one rule per direction, "Sync everyone" (no conditions: matches every record,
    but for the conditions :mod:`rules.defaults` gives some contact types, e.g. Company Customers).

    Connected to ``post_save`` of ``Connection`` (the connections app cannot
    import this one). Fixture loads (``raw``) bring their own rows.
    """
    if not created or raw:
        return
    made = Rule.objects.bulk_create(
        Rule(connection=instance, direction=direction, order=10, name=DEFAULT_RULE_NAME, match=Match.ALL)
        for direction in RuleDirection.values
    )
    record_created(made)  # bulk_create sends no signal: the change history is told here
    add_default_conditions(instance, made)


def add_default_conditions(connection, rules: list[Rule]) -> None:
    """Add the default conditions of ``connection``'s app and contact type to its default ``rules``."""
    provider = connection.app_account.provider
    made = Condition.objects.bulk_create(
        Condition(rule=rule, field_id=default.field_id, operator=default.operator, value=None)
        for rule in rules
        for default in default_rule_conditions(
            provider, connection.contact_type, rule.direction, connection.app_object_type
        )
    )
    record_created(made)
