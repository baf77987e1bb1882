"""The conditions of a new connection's default rules ("Sync everyone"), per app, contact type and direction.

A default rule without conditions matches every record. Where NetSuite would
refuse some records of a contact type on every run, the default rule leaves
them out instead, visibly: the record is *excluded* (health: "No rule
matched", with the failed condition in its outcome), never *failing*, and
ops staff see the condition in the rule editor and may change it.

Each app's package registers its conditions
(:attr:`~connections.providers.registry.ProviderInfo.default_rule_conditions`),
e.g. Company Customers need a company name, so a contact without one is not
sent to NetSuite.
"""

from __future__ import annotations

from connections.providers.registry import PROVIDERS, DefaultCondition

from .choices import Operator

__all__ = ["DefaultCondition", "default_rule_conditions"]


def default_rule_conditions(
    app_provider: str, contact_type: str, direction: str, object_type: str = ""
) -> tuple[DefaultCondition, ...]:
    """The default rule conditions of ``direction`` for ``contact_type`` records synced with ``app_provider``'s
    ``object_type`` records ('' = its default object)."""
    info = PROVIDERS.get(app_provider)
    if info is None:
        return ()
    return tuple(
        DefaultCondition(c.field_id, Operator(c.operator))
        for c in info.default_rule_conditions.get(info.defaults_key(str(contact_type), object_type, str(direction)), ())
    )
