"""Translate between People API persons and plain records.

Reading: a person becomes ``{canonical id: typed value}`` (see the catalog).
Writing: our values are applied onto a copy of the contact's current person
fields, item by item, so that data we do not map (a second work phone, a
middle name, a department) survives the replace that ``updatePersonFields``
performs on whole fields.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from ..base import Record
from ..countries import code_is_country, country_code_from_name, country_name
from ..errors import ValidationError
from .person_fields import (
    ADDRESS_TYPES,
    PHONE_TYPES,
    USER_DEFINED_PREFIX,
    WRITABLE_PERSON_FIELDS,
    person_field_for,
)

CONTACT_SOURCE = "CONTACT"
IDEMPOTENCY_KEY = "contactsync_key"
MY_CONTACTS_GROUP = "contactGroups/myContacts"

# Output-only keys Google ignores or refuses on writes; stripped from items we send back.
_OUTPUT_ONLY_KEYS = {"metadata", "formattedType", "canonicalForm", "displayName", "displayNameLastFirst"}
_KEEP_DISPLAY_NAME = {"emailAddresses"}  # EmailAddress.displayName is writable
_ADDRESS_KEYS = (("street", "streetAddress"), ("city", "city"), ("region", "region"), ("postal_code", "postalCode"))
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


# --- reading ----------------------------------------------------------------
def parse_timestamp(value: str | None) -> datetime | None:
    """An aware UTC datetime from Google's RFC 3339 timestamp (nanoseconds allowed), or None."""
    if not value:
        return None
    match = _RFC3339.match(value.strip())
    if not match:
        return None
    whole, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    offset = "+00:00" if zone == "Z" else zone
    return datetime.fromisoformat(f"{whole}.{micro}{offset}").astimezone(UTC)


def _is_contact_item(item: Any) -> bool:
    source = (item.get("metadata") or {}).get("source") or {} if isinstance(item, dict) else {}
    return not source.get("type") or source.get("type") == CONTACT_SOURCE


def contact_items(person: Mapping[str, Any], field: str) -> list[dict[str, Any]]:
    """The contact-source items of a person field, the primary one first."""
    items = [i for i in person.get(field) or [] if isinstance(i, dict) and _is_contact_item(i)]
    return sorted(items, key=lambda i: not (i.get("metadata") or {}).get("primary"))


def contact_source(person: Mapping[str, Any]) -> dict[str, Any] | None:
    """The CONTACT entry of ``metadata.sources`` (it carries ``updateTime`` and ``etag``)."""
    for source in (person.get("metadata") or {}).get("sources") or []:
        if isinstance(source, dict) and source.get("type") == CONTACT_SOURCE:
            return source
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _birthday(person: Mapping[str, Any]) -> date | None:
    for item in contact_items(person, "birthdays"):
        parts = item.get("date") or {}
        try:
            # Year-less birthdays (year 0 or absent) have no datetime.date; they read as empty.
            if parts.get("year") and parts.get("month") and parts.get("day"):
                return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (TypeError, ValueError):
            return None
    return None


def _item_type(item: Mapping[str, Any]) -> str:
    return str(item.get("type") or "").strip().lower()


def _address_value(item: Mapping[str, Any] | None) -> dict[str, str] | None:
    """One address item as our address value, its country as the ISO code where there is one."""
    if item is None:
        return None
    value = {ours: _text(item.get(theirs)) for ours, theirs in _ADDRESS_KEYS}
    # Prefer the ISO code, which survives locales; else the free-text name, as a code when it names
    # exactly one country ("Germany", "USA"), or as typed (NetSuite refuses it, with its message).
    code = _text(item.get("countryCode"))
    name = _text(item.get("country"))
    value["country"] = code.upper() if code else (country_code_from_name(name) if name else None)
    value = {k: v for k, v in value.items() if v}
    return value or None


def _address(person: Mapping[str, Any]) -> dict[str, str] | None:
    items = contact_items(person, "addresses")
    return _address_value(items[0]) if items else None


def _typed_address(person: Mapping[str, Any], kind: str) -> dict[str, str] | None:
    """The first address of type ``kind`` ("work", "home"; any case), or None."""
    return _address_value(next((i for i in contact_items(person, "addresses") if _item_type(i) == kind), None))


def memberships_of(person: Mapping[str, Any]) -> list[str]:
    """The contact-group resource names the person belongs to."""
    names = []
    for item in person.get("memberships") or []:
        group = ((item or {}).get("contactGroupMembership") or {}).get("contactGroupResourceName")
        if group:
            names.append(group)
    return names


def client_data(person: Mapping[str, Any]) -> dict[str, str]:
    """clientData as a dict (Google allows duplicate keys; the first wins)."""
    found: dict[str, str] = {}
    for item in person.get("clientData") or []:
        if isinstance(item, dict) and item.get("key") is not None:
            found.setdefault(str(item["key"]), str(item.get("value") or ""))
    return found


def group_name(group_id: str, group_names: Mapping[str, str]) -> str:
    return group_names.get(group_id) or group_id.rsplit("/", 1)[-1]


def person_values(person: Mapping[str, Any], group_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Canonical values of a person: every standard id (None or [] when empty), plus
    ``userDefined.<key>`` for each key the contact has."""
    group_names = group_names or {}
    names = contact_items(person, "names")
    name = names[0] if names else {}
    emails = contact_items(person, "emailAddresses")
    orgs = contact_items(person, "organizations")
    org = orgs[0] if orgs else {}
    bios = contact_items(person, "biographies")
    urls = contact_items(person, "urls")
    values: dict[str, Any] = {
        # Google fills unstructuredName (and displayName) from the parts; either names the contact.
        "name": _text(name.get("unstructuredName")) or _text(name.get("displayName")),
        "givenName": _text(name.get("givenName")),
        "familyName": _text(name.get("familyName")),
        "email": _text(emails[0].get("value")) if emails else None,
        "organization.name": _text(org.get("name")),
        "organization.title": _text(org.get("title")),
        "address": _address(person),
        **{f"address.{kind}": _typed_address(person, kind) for kind in ADDRESS_TYPES},
        "notes": _text(bios[0].get("value")) if bios else None,
        "birthday": _birthday(person),
        "url": _text(urls[0].get("value")) if urls else None,
        "memberships": sorted(
            ({"id": g, "name": group_name(g, group_names)} for g in set(memberships_of(person))),
            key=lambda g: g["id"],
        ),
    }
    phones = contact_items(person, "phoneNumbers")
    for kind in PHONE_TYPES:
        match = next((p for p in phones if str(p.get("type") or "").lower() == kind), None)
        values[f"phone.{kind}"] = _text(match.get("value")) if match else None
    for item in contact_items(person, "userDefined"):
        key = _text(item.get("key"))
        if key and f"{USER_DEFINED_PREFIX}{key}" not in values:
            values[f"{USER_DEFINED_PREFIX}{key}"] = _text(item.get("value"))
    return values


def writable_snapshot(person: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a person an update starts from: its writable fields (contact
    items only) and its CONTACT source. Kept in ``Record.meta["person"]``.

    The snapshot shares its items with ``person`` (no copy: half of what reading a
    person cost): nothing changes them in place. The reader stores the record as
    JSON at once, and an update copies what it sends (:func:`_clean`)."""
    snapshot: dict[str, Any] = {"resourceName": person.get("resourceName"), "etag": person.get("etag")}
    for field in WRITABLE_PERSON_FIELDS:
        items = person.get(field) if field in ("memberships", "clientData") else contact_items(person, field)
        if items:
            snapshot[field] = items
    source = contact_source(person)
    if source:
        snapshot["metadata"] = {"sources": [{k: source[k] for k in ("type", "id", "etag") if k in source}]}
    return snapshot


def person_to_record(person: Mapping[str, Any], group_names: Mapping[str, str] | None = None) -> Record:
    """A :class:`Record` for a person (a tombstone when ``metadata.deleted``)."""
    resource_name = person.get("resourceName")
    if not resource_name:
        raise ValidationError("Google returned a person without a resourceName.")
    metadata = person.get("metadata") or {}
    source = contact_source(person) or {}
    meta: dict[str, Any] = {}
    if person.get("etag"):
        meta["etag"] = person["etag"]
    if metadata.get("previousResourceNames"):
        meta["previous_ids"] = list(metadata["previousResourceNames"])
    modified_at = parse_timestamp(source.get("updateTime"))
    if metadata.get("deleted"):
        return Record(id=resource_name, modified_at=modified_at, deleted=True, meta=meta)
    meta["client_data"] = client_data(person)
    meta["person"] = writable_snapshot(person)
    return Record(id=resource_name, modified_at=modified_at, values=person_values(person, group_names), meta=meta)


# --- writing ----------------------------------------------------------------
def _clean(field: str, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items ready to send back: output-only keys removed, the primary item first
    (Google makes the first item of a written list the primary one)."""
    drop = _OUTPUT_ONLY_KEYS - {"displayName"} if field in _KEEP_DISPLAY_NAME else _OUTPUT_ONLY_KEYS
    cleaned = []
    for item in sorted(items, key=lambda i: not (i.get("metadata") or {}).get("primary")):
        cleaned.append({k: copy.deepcopy(v) for k, v in item.items() if k not in drop})
    if field == "memberships":
        # domainMembership is output-only; only contact-group memberships can be written.
        cleaned = [i for i in cleaned if i.get("contactGroupMembership")]
    return cleaned


def _text_or_none(field_id: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field_id} must be text, not {type(value).__name__}.", path=field_id)
    return value.strip() or None


def _set_primary_value(items: list[dict[str, Any]], value: str | None) -> list[dict[str, Any]]:
    if value is None:
        return items[1:]
    if items:
        items[0]["value"] = value
        return items
    return [{"value": value}]


def _apply_phone(items: list[dict[str, Any]], kind: str, value: str | None) -> list[dict[str, Any]]:
    index = next((n for n, p in enumerate(items) if str(p.get("type") or "").lower() == kind), None)
    if value is None:
        return items if index is None else items[:index] + items[index + 1 :]
    if index is None:
        return [*items, {"value": value, "type": kind}]
    items[index] = {"value": value, "type": items[index].get("type") or kind}
    return items


def _address_parts(field_id: str, value: Any) -> dict[str, str | None]:
    if value is not None and not isinstance(value, Mapping):
        raise ValidationError(f"{field_id} must be an address dict, not {type(value).__name__}.", path=field_id)
    return {k: _text(v) for k, v in (value or {}).items()}


def _address_item(parts: Mapping[str, str | None], kind: str | None) -> dict[str, Any]:
    """An address item from our parts: a whole new item (keeping only the type), so a stale poBox or
    formattedValue of the old address does not survive. A country Google can code is written as both
    its ``countryCode`` and its name (Google shows the name); any other as the text given."""
    new: dict[str, Any] = {"type": kind} if kind else {}
    for ours, theirs in _ADDRESS_KEYS:
        if parts.get(ours):
            new[theirs] = parts[ours]
    country = parts.get("country")
    code = country_code_from_name(country) if country else None
    if code and code_is_country(code):
        new["countryCode"] = code
        new["country"] = country_name(code)
    elif country:
        new["country"] = country
    return new


def _apply_address(items: list[dict[str, Any]], field_id: str, value: Any) -> list[dict[str, Any]]:
    """The primary address replaced by ``value`` (removed when it is empty)."""
    parts = _address_parts(field_id, value)
    if not any(parts.values()):
        return items[1:]
    return [_address_item(parts, items[0].get("type") if items else None), *items[1:]]


def _apply_typed_address(items: list[dict[str, Any]], kind: str, field_id: str, value: Any) -> list[dict[str, Any]]:
    """The first address of type ``kind`` replaced by ``value``, added when there is none, removed when
    ``value`` is empty; the contact's other addresses are kept as they are."""
    parts = _address_parts(field_id, value)
    index = next((n for n, item in enumerate(items) if _item_type(item) == kind), None)
    if not any(parts.values()):
        return items if index is None else items[:index] + items[index + 1 :]
    if index is None:
        return [*items, _address_item(parts, kind)]
    items[index] = _address_item(parts, items[index].get("type") or kind)
    return items


def _apply_birthday(field_id: str, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"{field_id} must be a date, not {type(value).__name__}.", path=field_id)
    return [{"date": {"year": value.year, "month": value.month, "day": value.day}}]


def _apply_memberships(field_id: str, value: Any) -> list[dict[str, Any]]:
    groups = []
    for entry in value or []:
        group = entry.get("id") if isinstance(entry, Mapping) else entry
        if not isinstance(group, str) or not group.startswith("contactGroups/"):
            raise ValidationError(f"{field_id} holds {entry!r}, which is not a contact group.", path=field_id)
        if group not in groups:
            groups.append(group)
    # Google refuses a contact without any group membership.
    return [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in groups or [MY_CONTACTS_GROUP]]


def apply_values(
    base: Mapping[str, Any], values: Mapping[str, Any], field_ids: Iterable[str], *, mask_fields: Iterable[str] = ()
) -> dict[str, Any]:
    """The person fields to send: for each person field behind ``field_ids`` (and
    any extra ``mask_fields``), ``base``'s items with our values applied.

    A field id listed but missing from ``values`` is cleared. Returns only the
    person fields (no resourceName, etag or metadata).
    """
    # The whole name first: First/Last name written in the same update then set its parts.
    field_ids = sorted(dict.fromkeys(field_ids), key=lambda f: f != "name")
    person_fields = {person_field_for(f) for f in field_ids} | set(mask_fields)
    body: dict[str, list[dict[str, Any]]] = {f: _clean(f, base.get(f) or []) for f in person_fields}
    for field_id in field_ids:
        value = values.get(field_id)
        if field_id == "name":
            # The free-form name replaces the whole name: stale parts would contradict it.
            text = _text_or_none(field_id, value)
            body["names"] = [{"unstructuredName": text}] if text else []
        elif field_id in ("givenName", "familyName"):
            name = body["names"][0] if body["names"] else {}
            name.pop("unstructuredName", None)  # would contradict the structured parts we change
            text = _text_or_none(field_id, value)
            if text is None:
                name.pop(field_id, None)
            else:
                name[field_id] = text
            body["names"] = [name] if any(v for k, v in name.items() if k != "metadata") else []
        elif field_id == "email":
            body["emailAddresses"] = _set_primary_value(body["emailAddresses"], _text_or_none(field_id, value))
        elif field_id.startswith("phone."):
            kind = field_id.split(".", 1)[1]
            body["phoneNumbers"] = _apply_phone(body["phoneNumbers"], kind, _text_or_none(field_id, value))
        elif field_id in ("organization.name", "organization.title"):
            org = body["organizations"][0] if body["organizations"] else {}
            key = field_id.split(".", 1)[1]
            text = _text_or_none(field_id, value)
            if text is None:
                org.pop(key, None)
            else:
                org[key] = text
            meaningful = any(v for k, v in org.items() if k not in ("type", "current"))
            body["organizations"] = [org, *body["organizations"][1:]] if meaningful else body["organizations"][1:]
        elif field_id == "address":
            body["addresses"] = _apply_address(body["addresses"], field_id, value)
        elif field_id.startswith("address."):
            kind = field_id.split(".", 1)[1]
            body["addresses"] = _apply_typed_address(body["addresses"], kind, field_id, value)
        elif field_id == "notes":
            text = _text_or_none(field_id, value)
            body["biographies"] = [{"value": text, "contentType": "TEXT_PLAIN"}] if text else []
        elif field_id == "birthday":
            body["birthdays"] = _apply_birthday(field_id, value)
        elif field_id == "url":
            body["urls"] = _set_primary_value(body["urls"], _text_or_none(field_id, value))
        elif field_id == "memberships":
            body["memberships"] = _apply_memberships(field_id, value)
        else:  # userDefined.<key>
            key = field_id[len(USER_DEFINED_PREFIX) :]
            text = _text_or_none(field_id, value)
            items = [i for i in body["userDefined"] if i.get("key") != key]
            existing = next((i for i in body["userDefined"] if i.get("key") == key), None)
            if text is not None:
                position = body["userDefined"].index(existing) if existing else len(items)
                items.insert(position, {"key": key, "value": text})
            body["userDefined"] = items
    return body


def new_person(values: Mapping[str, Any], key: str, *, group: str | None = None) -> dict[str, Any]:
    """The person body of a new contact: our values, our idempotency key in
    clientData, and the scope group as a membership.

    When memberships are written at all, My Contacts is among them, so the new
    contact shows in Google Contacts like one created by hand.
    """
    field_ids = [f for f in values if values[f] not in (None, "", [], {})]
    person = {f: items for f, items in apply_values({}, values, field_ids).items() if items}
    person["clientData"] = [{"key": IDEMPOTENCY_KEY, "value": key}]
    if group or person.get("memberships"):
        person["memberships"] = with_groups(person.get("memberships") or [], [MY_CONTACTS_GROUP, group])
    return person


def with_groups(memberships: list[dict[str, Any]], groups: Iterable[str | None]) -> list[dict[str, Any]]:
    """``memberships`` plus a membership of each of ``groups`` it lacks (None entries are skipped)."""
    names = memberships_of({"memberships": memberships})
    for wanted in groups:
        if wanted and wanted not in names:
            names.append(wanted)
    return [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in names]
