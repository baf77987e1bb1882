"""How people type rule values in the admin, and how stored values are shown back.

Values of selects, references and contact groups are entered by *name*
(picked from a datalist of the cached options: Sales Rep, Partner, Initial
Lead Source, Google contact groups...), never as ids: the name is resolved
here to the ``{"id", "name"}`` the models store. Two options sharing a name
(two employees called John Smith) are offered as ``John Smith [21]``.
Several values are separated by ``;``; an address is entered as
``street; city; region; postal code; country``. Text, numbers and dates are
passed through: the models' validation (:mod:`rules.validation`) judges them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connections.providers.fields import FieldOption, FieldSpec, FieldType

from .values import (
    ADDRESS_KEYS,
    OPTION_LIST_TYPES,
    OPTION_TYPES,
    OperandKind,
    option_not_found_message,
    options_named,
)

SEPARATOR = ";"
_DISAMBIGUATED = re.compile(r"^(?P<name>.*?)\s*\[(?P<id>[^\[\]]+)\]$")


class EntryProblem(ValueError):
    """A typed value that cannot be turned into what the field stores; ``str()`` is for ops staff."""


def _duplicated_names(field: FieldSpec) -> set[str]:
    counts = Counter(option.name.strip().casefold() for option in field.options)
    return {name for name, count in counts.items() if count > 1}


def option_entry(field: FieldSpec, option: FieldOption | dict) -> str:
    """How an option is written in the admin: its name, with ``[id]`` only when another option shares it."""
    name, option_id = (option.name, option.id) if isinstance(option, FieldOption) else (option["name"], option["id"])
    if name.strip().casefold() in _duplicated_names(field):
        return f"{name} [{option_id}]"
    return name


def datalist_entries(fields: Iterable[FieldSpec]) -> list[tuple[str, str]]:
    """``(entry, field label)`` for every option of every field that has options, for an HTML datalist."""
    entries: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for field in fields:
        for option in field.options:
            entry = (option_entry(field, option), field.label)
            if entry not in seen:
                seen.add(entry)
                entries.append(entry)
    return entries


def split_entries(text: str) -> list[str]:
    """The non-blank parts of ``Ann Rep; Bob Rep``."""
    return [part.strip() for part in (text or "").split(SEPARATOR) if part.strip()]


def resolve_entry(field: FieldSpec, text: str, app: str) -> dict[str, str]:
    """The option of ``field`` named ``text`` (any case), as ``{"id", "name"}``; never looked up by id alone.
    A field of open options (:attr:`~connections.providers.fields.FieldSpec.open_options`) takes any name."""
    wanted = text.strip()
    if field.open_options and wanted and not options_named(field, wanted):
        return {"id": wanted, "name": wanted}  # a name the app makes on first use
    if not field.options:
        raise EntryProblem(
            f"The list of {field.label} values of this {app} account is not known yet: "
            "refresh the field catalogs, then pick a name from the list"
        )
    named = [o for o in field.options if o.name.strip().casefold() == wanted.casefold()]
    if len(named) == 1:
        return {"id": named[0].id, "name": named[0].name}
    match = _DISAMBIGUATED.match(wanted)
    if match:
        name, option_id = match["name"].strip().casefold(), match["id"].strip()
        for option in field.options:
            if option.id == option_id and option.name.strip().casefold() == name:
                return {"id": option.id, "name": option.name}
    raise EntryProblem(option_not_found_message(field, wanted, app))


def _resolve_all(field: FieldSpec, text: str, app: str) -> list[dict[str, str]]:
    entries = split_entries(text)
    problems, resolved = [], []
    for entry in entries:
        try:
            resolved.append(resolve_entry(field, entry, app))
        except EntryProblem as problem:
            if str(problem) not in problems:
                problems.append(str(problem))
    if problems:
        raise EntryProblem("; ".join(problems))
    return resolved


def condition_value(kind: OperandKind, field: FieldSpec, text: str, app: str) -> Any:
    """The JSON value a condition stores for what was typed, given its operand ``kind``."""
    text = (text or "").strip()
    if kind == OperandKind.NONE:
        return None
    if not text:
        return None  # validation says what is missing
    if kind == OperandKind.OPTION:
        return resolve_entry(field, text, app)
    if kind == OperandKind.OPTIONS:
        return _resolve_all(field, text, app)
    if kind == OperandKind.DAYS and text.isdigit():
        return int(text)
    return text


def action_value(field: FieldSpec, text: str, app: str, *, group: bool = False) -> Any:
    """The JSON value an action stores for what was typed: a group, or a value for ``field``."""
    text = (text or "").strip()
    if not text:
        return None  # validation says what is missing
    if group:
        return resolve_entry(field, text, app)
    if field.type in OPTION_TYPES:
        return resolve_entry(field, text, app)
    if field.type in OPTION_LIST_TYPES:
        return _resolve_all(field, text, app)
    if field.type == FieldType.ADDRESS:
        parts = [part.strip() for part in text.split(SEPARATOR)]
        if len(parts) > len(ADDRESS_KEYS):
            raise EntryProblem(
                f"An address has at most {len(ADDRESS_KEYS)} parts: street; city; region; postal code; country"
            )
        return {key: part for key, part in zip(ADDRESS_KEYS, parts, strict=False) if part}
    return text


def entry_text(value: Any, field: FieldSpec | None = None) -> str:
    """A stored value as it is typed in the admin (the inverse of :func:`condition_value` / :func:`action_value`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and ("id" in value or "name" in value):
        if field is not None and "id" in value and "name" in value:
            return option_entry(field, value)
        return str(value.get("name") or value.get("id") or "")
    if isinstance(value, dict):  # an address
        parts = [str(value.get(key) or "") for key in ADDRESS_KEYS]
        while parts and not parts[-1]:
            parts.pop()
        return f"{SEPARATOR} ".join(parts)
    if isinstance(value, list):
        return f"{SEPARATOR} ".join(entry_text(item, field) for item in value)
    return str(value)


def to_json(value: Any) -> Any:
    """A typed value (dates, decimals...) in the JSON form the models store: ISO dates, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value
