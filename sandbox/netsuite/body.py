"""Turn a REST request body into column values, refusing what NetSuite refuses per field.

Property names match case-insensitively (Oracle's own samples post lower-case
names; reference section 4). Read-only properties are dropped silently, as
NetSuite drops fields a request cannot write (reference 7.5). Unknown names
are ignored unless the client sends ``X-NetSuite-PropertyNameValidation: error``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .errors import NetSuiteError, user_error
from .fields import ADDRESS_FIELDS, COUNTRIES, RECORD_TYPES, TEXT_KINDS, FieldDef, Kind
from .store import Store

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# Digits and the usual punctuation, optionally followed by an extension.
_PHONE_CHARS = re.compile(r"[0-9+().\-\s/]+((ext\.?|x)\s*\d+)?", re.IGNORECASE)
# Any casing of an address subrecord property -> its REST name (the properties of fields.ADDRESS_FIELDS).
_ADDRESS_KEYS = {rest.lower(): rest for rest in ADDRESS_FIELDS}


@dataclass
class ParsedBody:
    """Column values to write, plus the addressBook lines when the body carries them."""

    values: dict = field(default_factory=dict)
    address_lines: list[dict] | None = None
    ignored: list[str] = field(default_factory=list)


def invalid_value(f: FieldDef, value: object) -> NetSuiteError:
    shown = value.get("id", value) if isinstance(value, dict) else value
    return user_error(f"You have entered an Invalid Field Value {shown} for the following field: {f.column}", f.name)


def parse_body(
    store: Store, record_type: str, body: object, strict_names: bool, lenient_refs: bool = False
) -> ParsedBody:
    """Validate each property of ``body`` and convert it to its stored form.

    ``lenient_refs`` (seeding only) lets references point at inactive records,
    as old data in a real account may.
    """
    if not isinstance(body, dict):
        raise NetSuiteError(400, "INVALID_CONTENT", "The request body must be a JSON object.")
    parsed = ParsedBody()
    for key, value in body.items():
        if key == "links":
            continue
        f = store.field(record_type, key)
        if f is None:
            if strict_names:
                raise NetSuiteError(
                    400, "NONEXISTENT_FIELD", f"Invalid field name '{key}' for record type '{record_type}'.", key
                )
            parsed.ignored.append(key)
            continue
        if f.read_only:
            parsed.ignored.append(key)
            continue
        if f.kind == Kind.ADDRESS_BOOK:
            parsed.address_lines = _address_lines(f, value)
            continue
        parsed.values[f.column] = convert_value(store, f, value, lenient_refs)
    return parsed


def convert_value(store: Store, f: FieldDef, value: object, lenient_refs: bool = False) -> object:
    """One property value to its stored form; None clears the field."""
    if value is None:
        return "F" if f.kind == Kind.BOOL else None
    if f.kind in TEXT_KINDS:
        return _text(f, value)
    if f.kind == Kind.BOOL:
        if not isinstance(value, bool):
            raise invalid_value(f, value)
        return "T" if value else "F"
    if f.kind == Kind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid_value(f, value)
        return value
    if f.kind == Kind.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid_value(f, value)
        return float(value)
    if f.kind == Kind.DATE:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise invalid_value(f, value)
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise invalid_value(f, value)
    if f.kind == Kind.REF:
        return resolve_reference(store, f, value, lenient_refs)
    if f.kind == Kind.MULTI:
        items = value.get("items") if isinstance(value, dict) else None
        if not isinstance(items, list):
            raise invalid_value(f, value)
        ids = sorted({resolve_reference(store, f, item, lenient_refs) for item in items})
        return ", ".join(str(i) for i in ids) or None
    raise invalid_value(f, value)


def _text(f: FieldDef, value: object) -> str | None:
    if not isinstance(value, str):
        raise invalid_value(f, value)
    text = value.strip() if f.kind in (Kind.EMAIL, Kind.PHONE) else value
    if text == "":
        return None  # NetSuite, like Oracle, keeps no empty strings
    if f.max_length and len(text) > f.max_length:
        raise user_error(
            f"Field {f.column} contains more than the maximum number ( {f.max_length} ) of characters allowed.",
            f.name,
        )
    if f.kind == Kind.EMAIL and not _EMAIL.match(text):
        raise user_error(f"{text} is not a valid e-mail address.", f.name)
    if f.kind == Kind.PHONE:
        if not _PHONE_CHARS.fullmatch(text):
            raise invalid_value(f, text)
        if sum(ch.isdigit() for ch in text) < 7:
            raise user_error("Phone number should have seven digits or more.", f.name)
    return text


def resolve_reference(store: Store, f: FieldDef, value: object, lenient: bool = False) -> int:
    """``{"id": ...}``, ``{"externalId": ...}`` or ``{"refName": ...}`` to an id that may be chosen.

    Inactive targets are refused (NetSuite's select fields do not offer them); so
    are elimination or inactive subsidiaries and employees who are not sales reps
    in a Sales Rep field.
    """
    if not isinstance(value, dict):
        raise invalid_value(f, value)
    target = f.target or ""
    target_id: int | None = None
    if value.get("id") not in (None, ""):
        raw = value["id"]
        if isinstance(raw, bool) or not re.fullmatch(r"-?\d+", str(raw)):
            raise invalid_value(f, value)
        target_id = int(raw)
    elif value.get("externalId") and not store.is_list(target):
        target_id = store.id_by_external_id(target, str(value["externalId"]))
    elif value.get("refName"):
        target_id = _id_by_name(store, target, str(value["refName"]))
    if target_id is None:
        raise invalid_value(f, value)
    row = store.target_row(target, target_id)
    if row is None:
        raise invalid_value(f, value)
    if lenient:
        return target_id
    if row.get("isinactive") == "T":
        raise invalid_value(f, value)
    if target == "subsidiary" and f.column != "parent" and row.get("iselimination") == "T":
        raise invalid_value(f, value)
    if f.column == "salesrep" and row.get("issalesrep") != "T":
        raise invalid_value(f, value)
    return target_id


def _id_by_name(store: Store, target: str, name: str) -> int | None:
    if store.is_list(target):
        for option_id, label in store.lists[target].options.items():
            if label == name:
                return option_id
        return None
    column = RECORD_TYPES[target].name_column
    found = store.db.execute(f'SELECT id FROM t_{target} WHERE "{column}" = ? LIMIT 1', (name,)).fetchone()  # noqa: S608
    return found[0] if found else None


def _address_lines(f: FieldDef, value: object) -> list[dict]:
    """The lines of an ``addressBook: {"items": [...]}`` property, checked one by one.

    Each line: ``id`` (the line's internal id, from ``id`` or ``internalId``; None for a new
    line), ``present`` (the line properties the request carries: label, defaultBilling,
    defaultShipping, address), their values, and ``address`` (REST names; replaced whole when
    given). Refused: a country that is not a two-letter code NetSuite knows, a line given twice,
    two lines of the request both marked default billing (or default shipping).
    """
    items = value.get("items") if isinstance(value, dict) else None
    if not isinstance(items, list):
        raise invalid_value(f, "addressBook")
    lines: list[dict] = []
    for index, item in enumerate(items):
        path = f"addressBook.items[{index}]"
        if not isinstance(item, dict):
            raise invalid_value(f, "addressBook")
        lowered = {k.lower(): v for k, v in item.items()}
        line: dict = {"id": None, "present": set(), "index": index}
        raw_id = lowered.get("id", lowered.get("internalid"))
        if raw_id is not None:
            if isinstance(raw_id, bool) or not str(raw_id).isdigit():
                raise user_error(f"You have entered an Invalid Field Value {raw_id} for the following field: id", path)
            line["id"] = int(raw_id)
            if any(other["id"] == line["id"] for other in lines):
                raise user_error(f"The addressBook line {raw_id} is given more than once.", path)
        if "label" in lowered:
            label = lowered["label"]
            if label is not None and not isinstance(label, str):
                raise user_error(
                    f"You have entered an Invalid Field Value {label} for the following field: label", path
                )
            line["present"].add("label")
            line["label"] = label or None
        for flag in ("defaultBilling", "defaultShipping"):
            if flag.lower() in lowered:
                raw = lowered[flag.lower()]
                if raw is not None and not isinstance(raw, bool):
                    raise user_error(
                        f"You have entered an Invalid Field Value {raw} for the following field: {flag.lower()}",
                        f"{path}.{flag}",
                    )
                line["present"].add(flag)
                line[flag] = raw is True
        if "addressbookaddress" in lowered:
            line["present"].add("address")
            line["address"] = _address(f, lowered["addressbookaddress"], f"{path}.addressBookAddress")
        lines.append(line)
    for flag, label in (("defaultBilling", "Default Billing"), ("defaultShipping", "Default Shipping")):
        if sum(1 for line in lines if line.get(flag)) > 1:
            raise user_error(f"Only one address can be marked as {label}.", f"addressBook.items.{flag}")
    return lines


def _address(f: FieldDef, address_in: object, path: str) -> dict:
    """An addressBookAddress subrecord: REST names to values; read-only and unknown names ignored."""
    if address_in is None:
        return {}
    if not isinstance(address_in, dict):
        raise invalid_value(f, "addressBookAddress")
    address = {}
    for key, raw in address_in.items():
        name = _ADDRESS_KEYS.get(key.lower())
        if name is None or raw is None:
            continue
        if name == "country":
            # UNCERTAIN (reference 4.1): NetSuite's address country is a select of two-letter codes;
            # the sandbox takes "US" or {"id": "US"} for a code it knows and refuses anything else,
            # a country name such as "Germany" or a lower-case "us" included (the stricter choice).
            code = raw.get("id") if isinstance(raw, dict) else raw
            if not isinstance(code, str) or code not in COUNTRIES:
                raise user_error(
                    f"You have entered an Invalid Field Value {code} for the following field: country",
                    f"{path}.country",
                )
            address[name] = code
        elif isinstance(raw, str):
            if len(raw) > 150:
                raise user_error(
                    f"Field {key} contains more than the maximum number ( 150 ) of characters allowed.",
                    f"{path}.{name}",
                )
            if raw:
                address[name] = raw
        else:
            raise user_error(f"You have entered an Invalid Field Value {raw} for the following field: {name}", path)
    return address
