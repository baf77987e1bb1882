"""The metadata catalog (reference 2.6): ``GET /record/v1/metadata-catalog[/<type>]``.

A record type's JSON Schema (``Accept: application/schema+json``) lists standard
and custom fields (``x-ns-custom-field: true``, keyed by script id) with
``title``, ``type``, ``format``, ``nullable``, ``maxLength`` and ``readOnly``.
How each field type is shown:

- free-form text / text area: ``string``; email: ``string`` + ``format: email``;
  phone: ``string`` + ``format: phone``;
- check box: ``boolean``; integer: ``integer`` + ``int64``; decimal: ``number`` + ``double``;
- date: ``string`` + ``format: date``; date/time: ``string`` + ``format: date-time``;
- list/record: an object with ``id``/``refName``/``externalId``/``links``, the option
  ids in ``properties.id.enum`` (as NetSuite shows enums) and, for a list or a small
  record set, ``x-ns-select-options: [{"id", "refName"}]`` (the sandbox's rendering
  of NetSuite's selectOptions answer, so a client gets the labels in one call);
- multiple select: an object with ``items`` (an array of such references), same options.

UNCERTAIN (reference 2.6, 4.4): NetSuite's exact schema for each custom field
type is not documented; ``format: email``/``phone`` and ``x-ns-select-options``
are the sandbox's choices and should be read tolerantly.
"""

from __future__ import annotations

from .fields import RECORD_TYPES, FieldDef, Kind
from .render import RECORD_PATH
from .store import Store

_REFERENCE_PROPERTIES = {
    "id": {"title": "Internal identifier", "type": "string"},
    "refName": {"title": "Reference Name", "type": "string"},
    "externalId": {"title": "External identifier", "type": "string"},
    "links": {"title": "Links", "type": "array", "readOnly": True},
}
# Record-backed options are listed only while the record set is small enough to be a pick list.
_MAX_RECORD_OPTIONS = 200


def catalog(base_url: str) -> dict:
    """``GET /record/v1/metadata-catalog``: the record types and their metadata links."""
    items = []
    for name in RECORD_TYPES:
        href = f"{base_url}{RECORD_PATH}/metadata-catalog/{name}"
        items.append(
            {
                "name": name,
                "links": [
                    {"rel": "canonical", "href": href, "mediaType": "application/json"},
                    {"rel": "alternate", "href": href, "mediaType": "application/schema+json"},
                ],
            }
        )
    return {"items": items, "links": [{"rel": "self", "href": f"{base_url}{RECORD_PATH}/metadata-catalog"}]}


def record_schema(store: Store, record_type: str, base_url: str) -> dict:
    """The JSON Schema of one record type, custom fields included."""
    properties: dict = {"links": {"title": "Links", "type": "array", "readOnly": True}}
    for f in store.fields(record_type):
        properties[f.name] = _field_schema(store, f)
    return {
        "type": "object",
        "title": RECORD_TYPES[record_type].label,
        "properties": properties,
        "links": [{"rel": "self", "href": f"{base_url}{RECORD_PATH}/metadata-catalog/{record_type}"}],
    }


def _field_schema(store: Store, f: FieldDef) -> dict:
    schema: dict = {"title": f.label}
    if f.kind == Kind.ID:
        schema.update(type="string", nullable=False)
    elif f.kind in (Kind.TEXT, Kind.LONG_TEXT):
        schema.update(type="string")
    elif f.kind == Kind.EMAIL:
        schema.update(type="string", format="email")
    elif f.kind == Kind.PHONE:
        schema.update(type="string", format="phone")
    elif f.kind == Kind.BOOL:
        schema.update(type="boolean")
    elif f.kind == Kind.INTEGER:
        schema.update(type="integer", format="int64")
    elif f.kind == Kind.DECIMAL:
        schema.update(type="number", format="double")
    elif f.kind == Kind.DATE:
        schema.update(type="string", format="date")
    elif f.kind == Kind.DATETIME:
        schema.update(type="string", format="date-time")
    elif f.kind in (Kind.REF, Kind.MULTI):
        reference = {"type": "object", "properties": dict(_REFERENCE_PROPERTIES)}
        options = _options(store, f)
        if options is not None:
            reference["properties"]["id"] = {**_REFERENCE_PROPERTIES["id"], "enum": [o["id"] for o in options]}
            schema["x-ns-select-options"] = options
        if f.kind == Kind.REF:
            schema.update(reference)
        else:
            schema.update(
                type="object",
                properties={
                    "items": {"type": "array", "items": reference},
                    "links": _REFERENCE_PROPERTIES["links"],
                },
            )
    elif f.kind == Kind.ADDRESS_BOOK:
        schema.update(
            type="object",
            properties={
                "items": {"type": "array", "items": {"type": "object"}},
                "links": _REFERENCE_PROPERTIES["links"],
            },
        )
    if f.max_length:
        schema["maxLength"] = f.max_length
    if f.read_only:
        schema["readOnly"] = True
    if f.kind != Kind.ID:
        schema["nullable"] = True
    if f.custom:
        schema["x-ns-custom-field"] = True
    return schema


def _options(store: Store, f: FieldDef) -> list[dict] | None:
    """The values a field accepts (what NetSuite's select fields offer), or None when too many."""
    target = f.target or ""
    if store.is_list(target):
        return [{"id": str(i), "refName": name} for i, name in store.lists[target].options.items()]
    if target in RECORD_TYPES:
        name_column = RECORD_TYPES[target].name_column
        extra = ""
        if f.column == "salesrep":
            extra = " AND issalesrep = 'T'"
        elif target == "subsidiary" and f.column != "parent":
            extra = " AND iselimination = 'F'"
        rows = store.db.execute(
            f"SELECT id, \"{name_column}\" FROM t_{target} WHERE isinactive = 'F'{extra} ORDER BY id LIMIT ?",  # noqa: S608
            (_MAX_RECORD_OPTIONS + 1,),
        ).fetchall()
        if len(rows) > _MAX_RECORD_OPTIONS:
            return None
        return [{"id": str(i), "refName": name} for i, name in rows]
    return None
