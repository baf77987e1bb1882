"""The display name of a record (a person or a company) from the values read from its API, so that
outcomes show "Rosa Vargas", not only an email. Pure functions; no I/O."""

from __future__ import annotations


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(values: dict, key: str) -> dict:
    items = values.get(key)
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def _joined(values: dict, first: str, last: str) -> str:
    return " ".join(p for p in (_text(values.get(first)), _text(values.get(last))) if p)


def display_name(values: dict) -> str:
    """A record's name: first and last name, else the company name. Values as the providers read them:
    NetSuite's ``firstName``/``lastName``/``companyName``, Google's flattened ``givenName``/``familyName``/
    ``name``/``organization.name`` (or a raw person's ``names``/``organizations``); "" when there is none."""
    if not isinstance(values, dict):
        return ""
    person = (
        _joined(values, "firstName", "lastName")
        or _joined(values, "givenName", "familyName")
        or _text(values.get("name"))
    )
    if person:
        return person
    names = _first(values, "names")
    person = _text(names.get("displayName")) or " ".join(
        p for p in (_text(names.get("givenName")), _text(names.get("familyName"))) if p
    )
    if person:
        return person
    return (
        _text(values.get("companyName"))
        or _text(values.get("organization.name"))
        or _text(_first(values, "organizations").get("name"))
        or _text(values.get("entityId"))
        or _text(values.get("altName"))
    )
