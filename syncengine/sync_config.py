"""A connection's sync configuration as one run applies it (pure: plain data, no ORM, no HTTP).

"Configuration" in the engine means this: the connection's active field mappings resolved against both
field catalogs (slots), its rules per direction and its policies, loaded once per run by
:func:`syncengine.config_loader.load_config`. (The connection's settings live on the ``Connection`` model;
``configio`` exports and imports the whole setup as a file; ``config/`` is the Django project's settings.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connections.choices import ConflictPolicy, DeletionPolicy
from connections.providers.fields import FieldSpec, FieldType
from mappings.converters import DEFAULT_OPTIONS, ConversionOptions
from rules.specs import RuleSpec

from .merge import Slot
from .pipeline.company_refs import CompanyRef
from .pipeline.subscriptions import Subscriptions


@dataclass
class SyncConfig:
    """Everything the planner needs about a connection for one run (plain data)."""

    slots: list[Slot]
    netsuite_catalog: dict[str, FieldSpec]
    app_catalog: dict[str, FieldSpec]
    rules_to_app: list[RuleSpec] = field(default_factory=list)
    rules_to_netsuite: list[RuleSpec] = field(default_factory=list)
    conflict_policy: str = ConflictPolicy.MOST_RECENT
    netsuite_deletions: str = DeletionPolicy.IGNORE
    app_deletions: str = DeletionPolicy.IGNORE
    deletion_safety_percent: int = 10
    problems: list[str] = field(default_factory=list)  # mappings skipped, and why
    # Whether each catalog was fetched from its provider (else it is the static standard one).
    netsuite_catalog_fetched: bool = False
    app_catalog_fetched: bool = False
    # How values are converted for this connection (its phone region), as plain data for the pure merge.
    conversion: ConversionOptions = DEFAULT_OPTIONS
    # The unsubscribe policy and both sides' subscription fields (None: off, or a side keeps no status).
    subscriptions: Subscriptions | None = None
    # Per side ("netsuite", "app"), the field that holds its subscription status, whatever the policy: only
    # the unsubscribe step writes it (never a mapping or a rule action), so nobody is re-subscribed.
    subscription_fields: dict[str, str] = field(default_factory=dict)
    # The mappings of a contact's company as a link to a company record, and the company connection whose
    # links translate it (None: there is none, and those mappings were left out).
    company_refs: tuple[CompanyRef, ...] = ()
    company_connection_id: int | None = None

    def mapped_field_ids(self, side: str) -> tuple[str, ...]:
        """The ids of the fields of ``side`` ("netsuite" or "app") that snapshots and hashes hold: the mapped
        ones, the subscription status when the policy syncs it, and the fields the rules of the direction from
        ``side`` test (:meth:`condition_field_ids`): a change of any of them alone is no echo."""
        ids = tuple(s.netsuite.id if side == "netsuite" else s.app.id for s in self.slots)
        if self.subscriptions is not None and self.subscriptions.field_id(side) not in ids:
            ids += (self.subscriptions.field_id(side),)
        return ids + tuple(f for f in self.condition_field_ids(side) if f not in ids)

    def condition_field_ids(self, side: str) -> tuple[str, ...]:
        """The fields of ``side`` the enabled rules of the direction from it test, mapped or not (a member's tags,
        a NetSuite comment): a change of one alone may change a rule's verdict, so the pair is planned again.
        Read-only date-times (a modification time) are left out: every change moves them, our own writes too."""
        rules = self.rules_to_app if side == "netsuite" else self.rules_to_netsuite
        catalog = self.netsuite_catalog if side == "netsuite" else self.app_catalog
        found: list[str] = []
        for rule in rules:
            if not rule.enabled:
                continue
            for condition in rule.conditions:
                spec = catalog.get(condition.field_id) if condition.field_id else None
                if spec is None or (spec.type == FieldType.DATETIME and not spec.writable):
                    continue
                if spec.id not in found:
                    found.append(spec.id)
        return tuple(found)
