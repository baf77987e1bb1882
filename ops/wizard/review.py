"""What the review step shows: the default mappings and rules a new connection gets.

They are read from the same defaults the connection's ``post_save`` signals
install (:func:`mappings.defaults.default_mappings`, the rules app's
"Sync everyone" per direction), so the review cannot promise anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from connections.providers.fields import FieldSpec
from connections.providers.registry import PROVIDERS, app_object_type, is_company_object
from mappings.catalogs import app_catalog, field_by_id, netsuite_catalog
from mappings.choices import Direction
from mappings.compatibility import allowed_directions
from mappings.defaults import default_mappings
from rules.choices import Operator, RuleDirection
from rules.defaults import default_rule_conditions
from rules.formatting import describe_condition
from rules.models import DEFAULT_RULE_NAME
from rules.rule_catalogs import direction_label

ARROWS = {Direction.TWO_WAY: "⇄", Direction.TO_APP: "→", Direction.TO_NETSUITE: "←"}


@dataclass(frozen=True)
class MappingRow:
    """One default mapping as the review table shows it."""

    netsuite_field: str
    arrow: str
    app_field: str
    direction: str
    note: str


@dataclass(frozen=True)
class RuleRow:
    """One default rule: its name, direction and what it does."""

    name: str
    direction: str
    meaning: str


def _label(catalog: tuple[FieldSpec, ...], field_id: str) -> str:
    try:
        return field_by_id(catalog, field_id).label
    except LookupError:  # a field the standard catalog does not list: show its id
        return field_id


def _standard_catalogs(app_provider: str, contact_type: str, object_type: str = "") -> tuple[str, tuple, tuple]:
    """The app's label and both sides' standard catalogs (the app's empty when it has none)."""
    ns_fields = netsuite_catalog(contact_type)
    try:
        app_fields = app_catalog(app_provider, object_type or app_object_type(app_provider))
    except LookupError:
        app_fields = ()
    return PROVIDERS[app_provider].label, ns_fields, app_fields


def default_mapping_rows(app_provider: str, contact_type: str, object_type: str = "") -> list[MappingRow]:
    """The default mappings of (app and its object, NetSuite contact type), labelled from the standard catalogs."""
    app_label, ns_fields, app_fields = _standard_catalogs(app_provider, contact_type, object_type)
    rows = []
    for mapping in default_mappings(app_provider, contact_type, object_type):
        note = ""
        try:
            verdict = allowed_directions(
                field_by_id(ns_fields, mapping.netsuite_field),
                field_by_id(app_fields, mapping.app_field),
                app_label=app_label,
            )
            note = verdict.notes.get(mapping.direction, "")
        except LookupError:
            pass
        rows.append(
            MappingRow(
                netsuite_field=_label(ns_fields, mapping.netsuite_field),
                arrow=ARROWS[mapping.direction],
                app_field=_label(app_fields, mapping.app_field),
                direction=Direction(mapping.direction).label.replace("app", app_label),
                note=note,
            )
        )
    return rows


def default_rule_rows(app_provider: str, contact_type: str, object_type: str = "") -> list[RuleRow]:
    """The default rules: "Sync everyone" in each direction (no actions; conditions from :mod:`rules.defaults`)."""
    app_label, ns_fields, app_fields = _standard_catalogs(app_provider, contact_type, object_type)
    rows = []
    for direction in RuleDirection.values:
        source = app_fields if direction == RuleDirection.TO_NETSUITE else ns_fields
        conditions = [
            describe_condition(_label(source, c.field_id), Operator(c.operator), None)
            for c in default_rule_conditions(app_provider, contact_type, direction, object_type)
        ]
        keyed = "with an email" if not is_company_object(app_provider, object_type) else "with a domain or name"
        if conditions:
            meaning = (
                f"Every record {keyed} whose {' and '.join(conditions)} is synced; the others are excluded "
                "(NetSuite would refuse them); no field is set by an action."
            )
        else:
            meaning = f"No conditions: every record {keyed} is synced; no field is set by an action."
        rows.append(RuleRow(name=DEFAULT_RULE_NAME, direction=direction_label(direction, app_label), meaning=meaning))
    return rows
