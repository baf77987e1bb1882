"""How a contact record is selected with SuiteQL, and how a result row becomes a :class:`Record`.

One SuiteQL row carries the whole record, so a page of 1000 records costs one
request. Columns follow the field catalog: each standard or custom field the
account exposes is selected under its lower-case name; datetimes and dates
through ``TO_CHAR`` (SuiteQL would otherwise render them in the user's date
format without the time); selects and references with their display text
(``BUILTIN.DF``) next to the id, so that values arrive as ``{"id", "name"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..base import Record
from ..fields import FieldSpec, FieldType
from . import suiteql
from .addresses import ADDRESS_FIELD, has_address_book
from .contact_types import ContactType
from .standard_fields import REQUIRED_FIELDS, STANDARD_FIELDS
from .values import typed_value

_NAMED_TYPES = {FieldType.SELECT, FieldType.REFERENCE}


@dataclass(frozen=True)
class Column:
    """One field in the select list: its value alias and, for references, its display-text alias."""

    field_id: str
    type: FieldType
    alias: str
    expression: str
    name_alias: str | None = None
    name_expression: str | None = None
    names: Mapping[str, str] | None = None


def _column(field_id: str, field_type: FieldType, position: int, names: Mapping[str, str] | None) -> Column:
    alias = field_id.lower()
    if field_type == FieldType.DATETIME:
        return Column(field_id, field_type, alias, f"{suiteql.utc_text(alias)} AS {alias}")
    if field_type == FieldType.DATE:
        return Column(field_id, field_type, alias, f"{suiteql.date_text(alias)} AS {alias}")
    if field_type in _NAMED_TYPES:
        # A positional alias: "<column>_name" could collide with a custom field's script id.
        name_alias = f"df_{position}"
        return Column(
            field_id, field_type, alias, alias, name_alias, f"BUILTIN.DF({alias}) AS {name_alias}", names=names
        )
    return Column(field_id, field_type, alias, alias, names=names)


def type_conditions(kind: ContactType, subsidiary_id: str | None = None) -> list[str]:
    """The WHERE conditions that select exactly one contact type (within one subsidiary)."""
    conditions = []
    if subsidiary_id is not None:
        conditions.append(f"subsidiary = {suiteql.integer(subsidiary_id)}")
    if kind.is_person is not None:
        conditions.append(f"isperson = {suiteql.text('T' if kind.is_person else 'F')}")
    return conditions


class RecordQuery:
    """The SuiteQL shape of one contact type's records, built from its field catalog."""

    def __init__(self, kind: ContactType, catalog: list[FieldSpec]):
        self.kind = kind
        self.catalog = catalog
        fields: list[tuple[str, FieldType, Mapping[str, str] | None]] = []
        # The default address is no column of the record: it is read from the address book with
        # one more query per page (.reads, .addresses).
        self.reads_addresses = has_address_book(kind.record_type) and any(s.id == ADDRESS_FIELD for s in catalog)
        for spec in catalog:
            if spec.id == ADDRESS_FIELD:
                continue
            fields.append((spec.id, spec.type, {o.id: o.name for o in spec.options} or None))
        present = {field_id for field_id, _, _ in fields}
        for field_id in REQUIRED_FIELDS:
            if field_id not in present:
                fields.append((field_id, STANDARD_FIELDS[field_id].type, None))
        self.columns = [_column(fid, ftype, i, names) for i, (fid, ftype, names) in enumerate(fields)]
        self._catalog_ids = [spec.id for spec in catalog]

    def select_list(self) -> list[str]:
        expressions = ["id"]
        for column in self.columns:
            expressions.append(column.expression)
            if column.name_expression:
                expressions.append(column.name_expression)
        return expressions

    def type_conditions(self, subsidiary_id: str | None = None) -> list[str]:
        """The WHERE conditions that select exactly this contact type (within one subsidiary)."""
        return type_conditions(self.kind, subsidiary_id)

    def select(self, where: list[str]) -> suiteql.Select:
        return suiteql.Select(self.kind.record_type, self.select_list(), list(where))

    def record(self, row: Mapping[str, Any]) -> Record:
        """The typed :class:`Record` of one SuiteQL row (null columns are omitted by NetSuite)."""
        record_id = str(row["id"])
        typed: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        for column in self.columns:
            raw = row.get(column.alias)
            name = row.get(column.name_alias) if column.name_alias else None
            try:
                typed[column.field_id] = typed_value(column.type, raw, name=name, names=column.names)
            except (TypeError, ValueError) as exc:
                # One odd value must not stop the whole read: the record comes with
                # the field left out and named in meta["unreadable"], and the caller
                # decides (the sync engine fails that record alone).
                unreadable[column.field_id] = f"cannot read {column.field_id} as {column.type}: {exc}"
        values = {field_id: typed[field_id] for field_id in self._catalog_ids if field_id in typed}
        meta = {"externalId": typed.get("externalId"), "recordType": self.kind.record_type}
        if unreadable:
            meta["unreadable"] = unreadable
        return Record(
            id=record_id,
            modified_at=typed.get("lastModifiedDate"),
            deleted=False,
            values=values,
            meta=meta,
        )
