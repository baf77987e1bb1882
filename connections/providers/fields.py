"""The field vocabulary every provider speaks.

Providers describe their fields (standard and custom) with :class:`FieldSpec`,
typed with one of the shared :class:`FieldType` values. The mappings app builds
its compatibility table and converters on these types; this module lives in
``connections`` because providers sit below mappings and must not import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    """Provider-neutral field types (values are stored in the database)."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"
    SELECT = "select"  # one of a fixed set of options, value {"id", "name"}
    MULTI_SELECT = "multi_select"  # list of {"id", "name"}
    REFERENCE = "reference"  # a link to another record, value {"id", "name"}
    ADDRESS = "address"  # {"street", "city", "region", "postal_code", "country"}
    GROUPS = "groups"  # membership of contact groups (Google), list of {"id", "name"}


@dataclass(frozen=True)
class FieldOption:
    """One allowed value of a select, multi select or reference field."""

    id: str
    name: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of a provider's object type, as its catalog describes it.

    ``id`` is the provider's own name for the field (``firstName``,
    ``phone.mobile``, a custom field's id);
    ``options`` is filled for select, multi select and reference fields whose
    values come from a known list; ``max_length`` is the longest text the
    provider accepts, when it has a limit.

    ``linked_by_name`` marks a reference whose records are too many to list as options, but which its
    provider links by name itself when it writes one: a value known only by its name (``{"id": "",
    "name": ...}``) is resolved to the record of that name at write time (NetSuite: a contact's
    company), or left unchanged with a warning (:attr:`~.base.WriteResult.warnings`). Free text may
    then map into it (``mappings.compatibility``), although its options are not known.

    ``open_options`` marks a list of names that the app makes itself on first use (labels, tags): any
    name is one of its values, the name being the value's id; ``options`` are the names known so far.
    A rule can then test or add a name no record carries yet.
    """

    id: str
    label: str
    type: FieldType
    writable: bool = True
    custom: bool = False
    options: tuple[FieldOption, ...] = field(default_factory=tuple)
    max_length: int | None = None
    help: str = ""
    linked_by_name: bool = False
    open_options: bool = False

    def to_dict(self) -> dict:
        """A JSON-serialisable form, for caching the catalog in the database."""
        data = {
            "id": self.id,
            "label": self.label,
            "type": str(self.type),
            "writable": self.writable,
            "custom": self.custom,
            "options": [{"id": o.id, "name": o.name} for o in self.options],
            "max_length": self.max_length,
            "help": self.help,
        }
        if self.linked_by_name:  # only where set: the catalogs cached before it existed stay as they were
            data["linked_by_name"] = True
        if self.open_options:
            data["open_options"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FieldSpec:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=data["id"],
            label=data["label"],
            type=FieldType(data["type"]),
            writable=data.get("writable", True),
            custom=data.get("custom", False),
            options=tuple(FieldOption(o["id"], o["name"]) for o in data.get("options", [])),
            max_length=data.get("max_length"),
            help=data.get("help", ""),
            linked_by_name=bool(data.get("linked_by_name", False)),
            open_options=bool(data.get("open_options", False)),
        )
