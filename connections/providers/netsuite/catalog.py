"""The field catalog of a contact type, from NetSuite's JSON Schema metadata.

``GET /record/v1/metadata-catalog/<record>`` with ``Accept:
application/schema+json`` describes every field this account and role can see
(reference, 2.6). Standard fields take their type from
:mod:`.standard_fields` (the schema says "string" for an email and a phone
alike); custom fields (``x-ns-custom-field: true``, named by script id) take
theirs from the schema's ``type`` and ``format``. The schema's shape for
custom fields is partly UNCERTAIN in the reference, so the parser accepts the
plausible variants, and types anything it cannot read as free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fields import FieldOption, FieldSpec, FieldType
from .addresses import ADDRESS_BOOK, ADDRESS_FIELD
from .standard_fields import STANDARD_FIELDS

# NetSuite's Free-Form Text holds 300 characters; longer ones are Text Areas.
_FREE_FORM_TEXT_MAX = 300


def parse_catalog(
    schema: Mapping[str, Any], options: Mapping[str, tuple[FieldOption, ...]] | None = None
) -> list[FieldSpec]:
    """Field specs of one record type: the known standard fields it has, then its custom fields.

    ``options`` supplies the option lists of reference fields whose values
    come from another record type (salesRep, partner, leadSource).
    """
    options = options or {}
    properties = schema.get("properties") or {}
    by_lower_name = {name.lower(): name for name in properties}
    specs: list[FieldSpec] = []
    for standard in STANDARD_FIELDS.values():
        name = standard.id if standard.id in properties else by_lower_name.get(standard.id.lower())
        if name is None:
            continue
        prop = properties[name] or {}
        specs.append(
            FieldSpec(
                id=standard.id,
                label=str(prop.get("title") or standard.label),
                type=standard.type,
                writable=standard.writable and not prop.get("readOnly", False),
                custom=False,
                options=tuple(options.get(standard.id) or schema_options(prop)),
                max_length=_max_length(prop),
                linked_by_name=standard.linked_by_name,
            )
        )
    book = by_lower_name.get(ADDRESS_BOOK.lower())
    if book is not None:
        # Not the schema's own defaultAddress (read-only text): the default line of the address
        # book, read and written as one compound value (see .addresses).
        specs.append(
            FieldSpec(
                id=ADDRESS_FIELD,
                label="Default Address",
                type=FieldType.ADDRESS,
                writable=not (properties[book] or {}).get("readOnly", False),
                custom=False,
                help="The default address of the record's address book (default billing, else default shipping).",
            )
        )
    for name in sorted(properties):
        prop = properties[name] or {}
        if not _is_custom(name, prop):
            continue
        field_options = tuple(schema_options(prop))
        specs.append(
            FieldSpec(
                id=name,
                label=str(prop.get("title") or name),
                type=custom_field_type(prop),
                writable=not prop.get("readOnly", False),
                custom=True,
                options=field_options,
                max_length=_max_length(prop),
                help=str(prop.get("description") or ""),
            )
        )
    return specs


def _is_custom(name: str, prop: Mapping[str, Any]) -> bool:
    flag = prop.get("x-ns-custom-field")
    return flag is True or str(flag).lower() == "true"


def _max_length(prop: Mapping[str, Any]) -> int | None:
    value = prop.get("maxLength")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def custom_field_type(prop: Mapping[str, Any]) -> FieldType:
    """The :class:`FieldType` of a custom field from its JSON Schema property."""
    kind = prop.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    fmt = str(prop.get("format") or "").lower()
    if kind == "boolean":
        return FieldType.BOOLEAN
    if kind == "integer" or (kind == "number" and fmt in ("int32", "int64", "integer")):
        return FieldType.INTEGER
    if kind == "number":
        return FieldType.DECIMAL
    if kind == "array" or _is_multi_select(prop):
        return FieldType.MULTI_SELECT
    if kind == "object" or "$ref" in prop:
        # A List/Record field (SOAP's SelectCustomFieldRef) is a select whether
        # it lists a custom list or records: the type must not depend on
        # whether the account happens to hold any option yet.
        return FieldType.SELECT
    if fmt == "date":
        return FieldType.DATE
    if fmt in ("date-time", "datetime"):
        return FieldType.DATETIME
    if fmt == "email":
        return FieldType.EMAIL
    if fmt in ("phone", "tel", "telephone"):
        return FieldType.PHONE
    if fmt in ("uri", "url"):
        return FieldType.URL
    length = _max_length(prop)
    if length is not None and length > _FREE_FORM_TEXT_MAX:
        return FieldType.LONG_TEXT
    return FieldType.TEXT


def _is_multi_select(prop: Mapping[str, Any]) -> bool:
    """A multi select is a collection: ``{"items": [...]}`` in REST (reference, 2.3)."""
    items = (prop.get("properties") or {}).get("items")
    if isinstance(items, Mapping) and items.get("type") == "array":
        return True
    ref = str(prop.get("$ref") or "")
    return ref.rsplit("/", 1)[-1].lower() in ("nsresourcecollection", "multiselect")


def schema_options(prop: Mapping[str, Any]) -> list[FieldOption]:
    """The options a schema property lists, with their names, in any of the shapes seen or plausible.

    The reference is UNCERTAIN about the shape, so every plausible place is
    read: an ``x-ns-select-options`` (or ``x-ns-options``, ``options``) list
    of ``{id, refName|name|text}`` (how the sandbox renders NetSuite's
    selectOptions answer); ``oneOf``/``anyOf`` entries with ``const``/``enum``
    and ``title``; ``enum`` (ids) with ``x-enumNames``; each of them on the
    property itself, on the ``id`` sub-property of a reference object, or on
    the references of an ``items`` collection (multiple select).

    A bare ``enum`` gives ids only (NetSuite's usual rendering), so a list
    that names its options wins over it, wherever either sits; names found
    elsewhere are matched to the ids by id. Only when no name is known at all
    does an option's name fall back to its id.
    """
    found = [options for options in map(_options_here, _option_places(prop)) if options]
    if not found:
        return []
    named = next((options for options in found if _has_names(options)), None)
    primary = named or found[0]
    names = {o.id: o.name for options in found for o in options if o.name != o.id}
    return [FieldOption(o.id, names.get(o.id, o.name)) for o in primary]


def _option_places(prop: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The property, its reference's ``id``, and the same inside an ``items`` collection."""
    places = [prop]
    nested = prop.get("properties") or {}
    if isinstance(nested.get("id"), Mapping):
        places.append(nested["id"])
    collection = nested.get("items")
    if isinstance(collection, Mapping):
        places.append(collection)
        reference = collection.get("items")
        if isinstance(reference, Mapping):
            places.append(reference)
            ref_id = (reference.get("properties") or {}).get("id")
            if isinstance(ref_id, Mapping):
                places.append(ref_id)
    return places


def _has_names(options: list[FieldOption]) -> bool:
    return any(o.name != o.id for o in options)


def _options_here(prop: Mapping[str, Any]) -> list[FieldOption]:
    for key in ("x-ns-select-options", "x-ns-options", "options", "x-options"):
        listed = prop.get(key)
        if isinstance(listed, list) and listed:
            return [option for option in map(_option, listed) if option is not None]
    for key in ("oneOf", "anyOf"):
        listed = prop.get(key)
        if isinstance(listed, list) and listed and all(isinstance(i, Mapping) for i in listed):
            options = []
            for item in listed:
                value = item.get("const", (item.get("enum") or [None])[0])
                if value is not None:
                    options.append(FieldOption(str(value), str(item.get("title") or value)))
            if options:
                return options
    enum = prop.get("enum")
    if isinstance(enum, list) and enum:
        names = prop.get("x-enumNames") or prop.get("x-ns-enum-names") or prop.get("x-enum-names") or []
        return [
            FieldOption(str(v), str(names[i]) if i < len(names) and names[i] not in (None, "") else str(v))
            for i, v in enumerate(enum)
            if v is not None
        ]
    return []


_OPTION_ID_KEYS = ("id", "value", "internalId", "key")
_OPTION_NAME_KEYS = ("refName", "name", "text", "title", "label")


def _option(item: Any) -> FieldOption | None:
    """One option from ``{id, refName}`` and its plausible spellings, or a bare id; None without an id."""
    if isinstance(item, Mapping):
        option_id = next((item[k] for k in _OPTION_ID_KEYS if item.get(k) not in (None, "")), None)
        if option_id is None:
            return None
        name = next((item[k] for k in _OPTION_NAME_KEYS if item.get(k) not in (None, "")), option_id)
        return FieldOption(str(option_id), str(name))
    if item in (None, ""):
        return None
    return FieldOption(str(item), str(item))
