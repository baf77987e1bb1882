"""Addresses: how two addresses compare, and their parts as fields of their own (pure: no ORM, no HTTP).

An address value is ``{"street", "city", "region", "postal_code", "country"}`` (:data:`ADDRESS_KEYS`),
the country as its ISO 3166-1 alpha-2 code where the app gives or knows one (``"DE"``).

**Comparing.** :func:`address_key` reduces an address to what matters: each part trimmed and
case-folded, the street's line endings unified, the country as its code ("Germany" = "DE") and, in the
countries whose states are codes, the state as its code ("California" = "CA" in the US). Two apps that
spell one address differently then agree, and a synced address never goes back and forth.

**Parts as fields.** Every address field of a catalog also offers its parts as fields
(:func:`with_parts`): ``<address id>.street``, ``.city``, ``.region``, ``.postal_code`` typed text, and
``.country`` typed as a choice among the ISO 3166 countries (option id: the code, name: the country's
usual name), so it maps to another country part or to a choice or text field holding country names, and
never takes free text it cannot name a country with. Nothing is stored per part: a record's part values
are read off its address (:func:`with_part_values`), and the parts written are merged into the target
record's address just before it is sent (:func:`fold_parts`): writing a city alone keeps the street.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from connections.providers.countries import (
    code_is_country,
    countries,
    country_code_from_name,
    country_name,
    region_code,
)
from connections.providers.fields import FieldOption, FieldSpec, FieldType

ADDRESS_KEYS = ("street", "city", "region", "postal_code", "country")
COUNTRY = "country"
PART_LABELS: Mapping[str, str] = {
    "street": "Street",
    "city": "City",
    "region": "State/Province",
    "postal_code": "Postal code",
    "country": "Country (ISO code)",
}


def _blank(part: Any) -> bool:
    return part is None or (isinstance(part, str) and not part.strip())


def _street(text: str) -> str:
    # "\r\n" from one app and "\n" from the other, or a blank after a line, are the same street.
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def address_key(value: Mapping[str, Any]) -> dict[str, str]:
    """An address as compared (see the module docstring); empty parts are left out."""
    parts = {key: str(value[key]).strip() for key in ADDRESS_KEYS if not _blank(value.get(key))}
    if "street" in parts:
        parts["street"] = _street(parts["street"])
    if COUNTRY in parts:
        parts[COUNTRY] = country_code_from_name(parts[COUNTRY])
    if "region" in parts:
        parts["region"] = region_code(parts["region"], parts.get(COUNTRY))
    return {key: part.casefold() for key, part in parts.items()}


def address_text(value: Any) -> str | None:
    """An address as one line for people (``1 Bay St, Toronto, ON, CA``; a street's lines joined by
    commas), or None when ``value`` is no address (a dict holding none of the parts, or not a dict)."""
    if not isinstance(value, Mapping) or not any(key in value for key in ADDRESS_KEYS):
        return None
    parts = [str(value[key]).strip() for key in ADDRESS_KEYS if not _blank(value.get(key))]
    return ", ".join(", ".join(filter(None, map(str.strip, part.splitlines()))) for part in parts)


# --- Parts as fields --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def country_options() -> tuple[FieldOption, ...]:
    """The options of a country part: every ISO 3166 country, id its alpha-2 code, name its usual name."""
    return tuple(FieldOption(code, name) for code, name in countries())


def part_fields(address: FieldSpec) -> tuple[FieldSpec, ...]:
    """The parts of address field ``address`` as fields (as writable as the address)."""
    parts = []
    for key in ADDRESS_KEYS:
        country = key == COUNTRY
        parts.append(
            replace(
                address,
                id=f"{address.id}.{key}",
                label=f"{address.label}: {PART_LABELS[key]}",
                type=FieldType.SELECT if country else FieldType.TEXT,
                options=country_options() if country else (),
                max_length=None,
                help=f"Part of {address.label}; writing it changes only this part of the address.",
            )
        )
    return tuple(parts)


def with_parts(specs: Iterable[FieldSpec]) -> list[FieldSpec]:
    """``specs``, each address field followed by its parts (a part whose id the catalog already has is
    not added again)."""
    specs = list(specs)
    taken = {spec.id for spec in specs}
    result = []
    for spec in specs:
        result.append(spec)
        if spec.type == FieldType.ADDRESS:
            result.extend(part for part in part_fields(spec) if part.id not in taken)
    return result


@dataclass(frozen=True)
class AddressPart:
    """One part field: its id, the id of its address field, and which part (a key of :data:`ADDRESS_KEYS`)."""

    field_id: str
    address_id: str
    key: str


def parts_in(catalog: Mapping[str, FieldSpec]) -> tuple[AddressPart, ...]:
    """The part fields of a catalog (``field id → spec``, as :func:`with_parts` made it)."""
    found = []
    for field_id in catalog:
        address_id, _, key = field_id.rpartition(".")
        parent = catalog.get(address_id)
        if key in ADDRESS_KEYS and parent is not None and parent.type == FieldType.ADDRESS:
            found.append(AddressPart(field_id, address_id, key))
    return tuple(found)


def part_of_no_address(field_id: str, catalog: Mapping[str, FieldSpec], *, dotted_ids: bool = True) -> str | None:
    """Why ``field_id``, named as a part of an address field (``<address id>.city``), names no field of
    ``catalog``; None when the catalog has it or it is not shaped like a part.

    Address fields are never custom fields (no app offers custom address fields), so the static catalog
    knows them all, and a part of an address field it does not know is a mistake even where an unknown
    (custom) field is let through (an import into a database whose catalogs were never fetched). Where
    the app's own field ids may hold dots (``dotted_ids``: a custom field named ``Office.city``), only a
    part of a sibling of a known address field (``address.office.city`` beside ``address.home``) counts.
    """
    if field_id in catalog:
        return None
    base, dot, key = field_id.rpartition(".")
    if not dot or not base or key not in ADDRESS_KEYS:
        return None
    addresses = [spec.id for spec in catalog.values() if spec.type == FieldType.ADDRESS]
    spec = catalog.get(base)
    if spec is None and dotted_ids and not any(a.split(".")[0] == base.split(".")[0] for a in addresses):
        return None
    known = ", ".join(f"«{a}»" for a in addresses) or "none"
    what = "is not an address field" if spec is not None else "is no field"
    return f"«{field_id}» names the part {key} of «{base}», which {what} (the address fields: {known})."


def without_parts(catalog: Mapping[str, FieldSpec]) -> list[FieldSpec]:
    """The fields the app itself has: ``catalog`` without the parts derived from its addresses (what a
    client is handed back, since it reads and writes whole addresses only)."""
    parts = {part.field_id for part in parts_in(catalog)}
    return [spec for field_id, spec in catalog.items() if field_id not in parts]


def part_value(address: Any, key: str) -> Any:
    """The value of part ``key`` of ``address`` (None when empty); a country as a choice
    ``{"id": code, "name": name}``, or ``{"id": "", "name": text}`` when no country has that name."""
    if not isinstance(address, Mapping) or _blank(address.get(key)):
        return None
    text = str(address[key]).strip()
    if key != COUNTRY:
        return text
    code = country_code_from_name(text)
    return {"id": code, "name": country_name(code)} if code_is_country(code) else {"id": "", "name": text}


def with_part_values(values: dict[str, Any], parts: Iterable[AddressPart]) -> dict[str, Any]:
    """``values`` plus the value of each part whose address ``values`` holds (an address not read is no
    part read either: its parts stay absent, not empty)."""
    parts = [part for part in parts if part.address_id in values]
    if not parts:
        return values
    expanded = dict(values)
    for part in parts:
        expanded[part.field_id] = part_value(values[part.address_id], part.key)
    return expanded


def _part_text(value: Any) -> str | None:
    """A part's value as the address holds it: a country choice as its code (its name when it has none)."""
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("name")
    if _blank(value):
        return None
    return str(value).strip()


def fold_parts(
    writes: dict[str, Any], current: Mapping[str, Any] | None, parts: Iterable[AddressPart]
) -> dict[str, Any]:
    """``writes`` as the target app takes them: each part written merged into its address.

    The address starts from the one written too, if any, else the target record's current one
    (``current``, None for a record to create), so the parts not written keep their values.
    """
    by_id = {part.field_id: part for part in parts if part.field_id in writes}
    if not by_id:
        return writes
    folded = {field_id: value for field_id, value in writes.items() if field_id not in by_id}
    for field_id, part in by_id.items():
        if part.address_id in folded:
            base = folded[part.address_id]
        else:
            base = (current or {}).get(part.address_id)
        address = {key: text for key, text in dict(base or {}).items() if not _blank(text)}
        text = _part_text(writes[field_id])
        if text is None:
            address.pop(part.key, None)
        else:
            address[part.key] = text
        folded[part.address_id] = address or None
    return folded
