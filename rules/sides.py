"""Which catalog a rule's conditions and actions use: the source side and the target side of its direction."""

from __future__ import annotations

from dataclasses import dataclass

from connections.models import Connection
from mappings.catalog_cache import CatalogSide, app_object_type, catalog_side

from .choices import RuleDirection


@dataclass(frozen=True)
class RuleSides:
    """The ``source`` side (whose records the conditions read) and the ``target`` side (which actions set)."""

    source: CatalogSide
    target: CatalogSide


def rule_sides(connection: Connection, direction: str) -> RuleSides:
    """The catalogs of a direction of ``connection``: NetSuite → the app reads NetSuite and sets the app's fields."""
    netsuite = catalog_side(connection.netsuite_account, connection.contact_type)
    app_account = connection.app_account
    app = catalog_side(app_account, app_object_type(app_account.provider))
    if direction == RuleDirection.TO_APP:
        return RuleSides(source=netsuite, target=app)
    if direction == RuleDirection.TO_NETSUITE:
        return RuleSides(source=app, target=netsuite)
    raise ValueError(f"unknown rule direction {direction!r}")


def direction_label(direction: str, app_label: str) -> str:
    """``NetSuite → Google Contacts`` / ``Google Contacts → NetSuite``."""
    if direction == RuleDirection.TO_APP:
        return f"NetSuite → {app_label}"
    return f"{app_label} → NetSuite"
