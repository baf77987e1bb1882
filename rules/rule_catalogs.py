"""Which catalog a rule's conditions and actions use: the source side and the target side of its direction."""

from __future__ import annotations

from dataclasses import dataclass

from connections.models import Connection
from connections.providers.registry import PROVIDERS
from mappings.catalog_cache import SideCatalog, side_catalog

from .choices import RuleDirection


@dataclass(frozen=True)
class RuleCatalogs:
    """The ``source`` side (whose records the conditions read) and the ``target`` side (which actions set)."""

    source: SideCatalog
    target: SideCatalog


def rule_catalogs(connection: Connection, direction: str) -> RuleCatalogs:
    """The catalogs of a direction of ``connection``: NetSuite → the app reads NetSuite and sets the app's fields."""
    netsuite = side_catalog(connection.netsuite_account, connection.contact_type)
    app_account = connection.app_account
    app = side_catalog(app_account, connection.app_object)
    if direction == RuleDirection.TO_APP:
        return RuleCatalogs(source=netsuite, target=app)
    if direction == RuleDirection.TO_NETSUITE:
        return RuleCatalogs(source=app, target=netsuite)
    raise ValueError(f"unknown rule direction {direction!r}")


def record_noun(side: SideCatalog) -> str:
    """What one record of the side's app is called in sentences about rules, as the app registered it
    (``the NetSuite record``, ``the Google contact``); ``the <app> record`` when it registered none."""
    info = PROVIDERS.get(side.account.provider)
    return (info.record_noun if info is not None else "") or f"the {side.app_label} record"


def rule_statement(direction: str, catalogs: RuleCatalogs) -> str:
    """What a rule of ``direction`` reads and writes, in one sentence:
    ``NetSuite → Google Contacts: conditions read the NetSuite record; actions write the Google contact``."""
    app_label = (catalogs.target if direction == RuleDirection.TO_APP else catalogs.source).app_label
    return (
        f"{direction_label(direction, app_label)}: conditions read {record_noun(catalogs.source)}; "
        f"actions write {record_noun(catalogs.target)}"
    )


def direction_label(direction: str, app_label: str) -> str:
    """``NetSuite → Google Contacts`` / ``Google Contacts → NetSuite``."""
    if direction == RuleDirection.TO_APP:
        return f"NetSuite → {app_label}"
    return f"{app_label} → NetSuite"
