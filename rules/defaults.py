"""The conditions of a new connection's default rules ("Sync everyone"), per app, contact type and direction.

A default rule without conditions matches every record. Where NetSuite would
refuse some records of a contact type on every run, the default rule leaves
them out instead, visibly: the record is *excluded* (health: "No rule
matched", with the failed condition in its outcome), never *failing*, and
ops staff see the condition in the rule editor and may change it.

- Company Customers: NetSuite refuses a company without a company name
  ("Please enter value(s) for: Company Name"). The default mapping fills
  ``companyName`` from Google's ``organization.name`` (a test checks they
  agree), so a Google contact without a company is not sent to NetSuite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from connections.choices import NetSuiteContactType
from connections.providers.registry import GOOGLE_CONTACTS

from .choices import Operator, RuleDirection


@dataclass(frozen=True)
class DefaultCondition:
    """One condition of a default rule: a field of the rule's source side and an operator (no value)."""

    field_id: str
    operator: str


DEFAULT_RULE_CONDITIONS: Mapping[tuple[str, str, str], tuple[DefaultCondition, ...]] = MappingProxyType(
    {
        (GOOGLE_CONTACTS, NetSuiteContactType.COMPANY_CUSTOMERS, RuleDirection.TO_NETSUITE): (
            DefaultCondition("organization.name", Operator.IS_NOT_EMPTY),
        ),
    }
)


def default_rule_conditions(app_provider: str, contact_type: str, direction: str) -> tuple[DefaultCondition, ...]:
    """The default rule conditions of ``direction`` for ``contact_type`` records synced with ``app_provider``."""
    return DEFAULT_RULE_CONDITIONS.get((app_provider, contact_type, direction), ())
