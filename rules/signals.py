"""Signal handlers of the rules app."""

from __future__ import annotations

from changelog.recorder import record_created

from .choices import Match, RuleDirection
from .models import DEFAULT_RULE_NAME, Rule


def create_default_rules(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Give a new connection one rule per direction, "Sync everyone" (no conditions: matches every record).

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
