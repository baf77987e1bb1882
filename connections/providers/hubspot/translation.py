"""HubSpot objects as plain records, and our values as HubSpot properties. Pure: no HTTP.

A record's ``values`` hold every catalog field the object carries, typed (:mod:`.properties`); its
``meta`` holds our sync key as stored (:data:`META_SYNC_KEY`) and when it was archived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..base import Record
from ..countries import country_code, country_name
from ..errors import ValidationError
from ..fields import FieldSpec, FieldType
from .associations import ASSOCIATION_IDS
from .catalog import ADDRESS_FIELD, ADDRESS_PROPERTIES
from .objects import SYNC_KEY_PROPERTY, ObjectType
from .properties import from_hubspot, parse_datetime, to_hubspot
from .subscriptions import FIELD as SUBSCRIPTION_FIELD
from .subscriptions import value_from_properties as subscription_value

META_SYNC_KEY = "hubspot_sync_key"


def property_names(catalog: Iterable[FieldSpec], object_info: ObjectType) -> list[str]:
    """The properties to ask for when reading records of ``catalog``: its fields (the address as its
    parts), our key and the modified times, each once."""
    names: list[str] = []
    for spec in catalog:
        if spec.id in ASSOCIATION_IDS:
            continue  # an association, read apart (:mod:`.associations`)
        if spec.id == ADDRESS_FIELD:
            names.extend(ADDRESS_PROPERTIES.values())
        elif spec.id == SUBSCRIPTION_FIELD:
            continue  # read from the opt-out properties (the client asks for them)
        else:
            names.append(spec.id)
    names += [SYNC_KEY_PROPERTY, object_info.modified_property, object_info.fallback_modified_property]
    return list(dict.fromkeys(names))


def modified_at(obj: Mapping[str, Any], object_info: ObjectType) -> datetime | None:
    """When the object last changed: its last-modified property, else the other one, else ``updatedAt``."""
    props = obj.get("properties") or {}
    for value in (
        props.get(object_info.modified_property),
        props.get(object_info.fallback_modified_property),
        obj.get("updatedAt"),
    ):
        moment = parse_datetime(value)
        if moment is not None:
            return moment
    return None


def _address(props: Mapping[str, Any]) -> dict[str, str] | None:
    parts = {key: str(props.get(name) or "").strip() for key, name in ADDRESS_PROPERTIES.items()}
    if not any(parts.values()):
        return None
    parts["country"] = country_code(parts["country"])  # HubSpot keeps free text; we keep ISO codes
    return parts


def object_to_record(obj: Mapping[str, Any], catalog: Mapping[str, FieldSpec], object_info: ObjectType) -> Record:
    """One HubSpot object (``SimplePublicObject``) as a record; an archived one is a deletion."""
    props = obj.get("properties") or {}
    values: dict[str, Any] = {}
    for field_id, spec in catalog.items():
        if field_id == ADDRESS_FIELD:
            if any(name in props for name in ADDRESS_PROPERTIES.values()):
                values[field_id] = _address(props)
        elif field_id == SUBSCRIPTION_FIELD:
            values[field_id] = subscription_value(props)
        elif field_id in props:
            values[field_id] = from_hubspot(props[field_id], spec)
    meta: dict[str, Any] = {}
    key = props.get(SYNC_KEY_PROPERTY)
    if key:
        meta[META_SYNC_KEY] = str(key)
    archived = bool(obj.get("archived"))
    if archived and obj.get("archivedAt"):
        meta["archived_at"] = str(obj["archivedAt"])
    return Record(
        id=str(obj.get("id") or props.get("hs_object_id") or ""),
        modified_at=parse_datetime(obj.get("archivedAt")) if archived else modified_at(obj, object_info),
        deleted=archived,
        values={} if archived else values,
        meta=meta,
    )


def _address_properties(value: Any) -> dict[str, str]:
    if value is None:
        return {name: "" for name in ADDRESS_PROPERTIES.values()}
    if not isinstance(value, Mapping):
        raise ValidationError("An address must be given as its parts.", path=ADDRESS_FIELD)
    out = {name: to_hubspot(value.get(key), None) for key, name in ADDRESS_PROPERTIES.items() if key in value}
    if "country" in out and out["country"]:
        out["country"] = country_name(out["country"])  # a person reads HubSpot's country as a name
    return out


def to_properties(
    values: Mapping[str, Any], catalog: Mapping[str, FieldSpec], fields: Iterable[str] | None = None
) -> dict[str, str]:
    """Our values (only ``fields`` when given) as HubSpot properties. An empty value clears the property.
    A field HubSpot does not let us write is refused here, before a batch is sent and refused whole."""
    wanted = list(fields) if fields is not None else list(values)
    out: dict[str, str] = {}
    for field_id in wanted:
        value = values.get(field_id)
        spec = catalog.get(field_id)
        if spec is not None and not spec.writable:
            raise ValidationError(f"HubSpot does not let the property {field_id!r} be written.", path=field_id)
        if field_id == ADDRESS_FIELD or (spec is not None and spec.type == FieldType.ADDRESS):
            out.update(_address_properties(value))
        else:
            out[field_id] = to_hubspot(value, spec)
    return out
