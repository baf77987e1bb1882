"""``/crm/v3/properties/{objectType}``: list, read, create and archive property
definitions (reference B.4)."""

from __future__ import annotations

from sandbox.common.http import Response, json_response

from .errors import ApiError, conflict, validation
from .objects_api import parse_bool
from .portal import Portal, require
from .properties import FIELD_TYPES, FIELD_TYPES_OF, GROUPS, NAME_PATTERN, TYPES, PropertyDef, iso_ms
from .store import OBJECT_TYPES

REQUIRED = ("name", "label", "type", "fieldType", "groupName")
KNOWN = {
    *REQUIRED,
    "description",
    "options",
    "displayOrder",
    "hasUniqueValue",
    "hidden",
    "formField",
    "calculationFormula",
    "externalOptions",
    "referencedObjectType",
    "textDisplayHint",
    "numberDisplayHint",
    "dataSensitivity",
}
OPTION_KEYS = {"label", "value", "hidden", "displayOrder", "description"}
# Object type ids are accepted as well as names.
ALIASES = {"contact": "contacts", "company": "companies", "0-1": "contacts", "0-2": "companies"}


def object_type_of(raw: str) -> str:
    object_type = ALIASES.get(raw, raw)
    if object_type not in OBJECT_TYPES:
        raise ApiError(400, "VALIDATION_ERROR", f"Unable to infer object type from: {raw}")
    return object_type


def list_properties(portal: Portal, request, object_type: str) -> Response:
    archived = parse_bool(request.arg("archived"), "archived")
    definitions = portal.store(object_type).definitions.values()
    return json_response({"results": [p.render() for p in definitions if p.archived == archived]})


def get_property(portal: Portal, object_type: str, name: str) -> Response:
    prop = portal.store(object_type).definitions.get(name)
    if prop is None or prop.archived:
        raise ApiError(404, "OBJECT_NOT_FOUND", f"Unable to find property {name} on object type {object_type}")
    return json_response(prop.render())


def _options(raw, type_: str) -> list[dict]:
    if raw is None:
        raw = []
    require(isinstance(raw, list), "options must be a list")
    options, values = [], set()
    for i, option in enumerate(raw):
        require(isinstance(option, dict), "Each option must be an object")
        unknown = set(option) - OPTION_KEYS
        require(not unknown, f"Unknown option fields: {sorted(unknown)}")
        label, value = option.get("label"), option.get("value")
        require(isinstance(label, str) and label, "Each option needs a label")
        require(isinstance(value, str) and value, "Each option needs a value")
        require(value not in values, f"Duplicate option value {value!r}")
        values.add(value)
        options.append(
            {
                "label": label,
                "value": value,
                "displayOrder": option.get("displayOrder", i),
                "hidden": bool(option.get("hidden", False)),
                "description": option.get("description", ""),
            }
        )
    if type_ == "enumeration" and not options:
        raise validation("Enumeration properties need at least one option")
    return options


def create_property(portal: Portal, object_type: str, body) -> Response:
    """201 with the new ``Property``; 409 when the name exists (archived ones included)."""
    require(isinstance(body, dict), "Invalid input JSON")
    unknown = set(body) - KNOWN
    require(not unknown, f"Unknown fields in the property definition: {sorted(unknown)}")
    missing = [key for key in REQUIRED if not isinstance(body.get(key), str) or not body[key]]
    if missing:
        raise validation(f"Missing required fields: {missing}")
    name, type_, field_type = body["name"], body["type"], body["fieldType"]
    if not NAME_PATTERN.match(name):
        raise validation(f"Invalid property name {name!r}: lower-case letters, digits and underscores, from a letter")
    require(type_ in TYPES, f"Invalid type {type_!r}; expected one of {list(TYPES)}")
    require(field_type in FIELD_TYPES, f"Invalid fieldType {field_type!r}; expected one of {list(FIELD_TYPES)}")
    if field_type not in FIELD_TYPES_OF[type_]:
        raise validation(f"fieldType {field_type} is not valid for a property of type {type_}")
    store = portal.store(object_type)

    if body["groupName"] not in GROUPS[object_type]:
        raise validation(f"Property group {body['groupName']} does not exist for {object_type}")
    if name in store.definitions:
        # UNCERTAIN: the message is not in the reference; the status and category are HubSpot's usual.
        raise conflict(f"Property named '{name}' already exists.")
    unique = body.get("hasUniqueValue", False)
    require(isinstance(unique, bool), "hasUniqueValue must be a boolean")
    stamp = iso_ms(portal.now_ms())
    prop = PropertyDef(
        name=name,
        label=body["label"],
        type=type_,
        field_type=field_type,
        group_name=body["groupName"],
        description=body.get("description", ""),
        options=_options(body.get("options"), type_),
        hubspot_defined=False,
        has_unique_value=unique,
        hidden=bool(body.get("hidden", False)),
        form_field=bool(body.get("formField", False)),
        display_order=body.get("displayOrder", -1),
        created_at=stamp,
        updated_at=stamp,
    )
    store.definitions[name] = prop
    if unique:
        store.unique[name] = {}
    return json_response(prop.render(), 201)


def archive_property(portal: Portal, object_type: str, name: str) -> Response:
    """204; HubSpot-defined properties cannot be archived (400)."""
    prop = portal.store(object_type).definitions.get(name)
    if prop is None or prop.archived:
        raise ApiError(404, "OBJECT_NOT_FOUND", f"Unable to find property {name} on object type {object_type}")
    if prop.hubspot_defined:
        raise validation(f"{name} is a HubSpot-defined property and cannot be archived")
    prop.archived = True
    return Response(status=204)
