"""Typed values in and out of NetSuite.

Reading: SuiteQL returns every value as text (or a JSON scalar), booleans as
``'T'``/``'F'``, references as the bare internal id, and omits null columns.
:func:`typed_value` turns one column into the canonical Python value of its
:class:`FieldType`.

Writing: :func:`rest_value` turns a canonical value into the REST JSON form
(references as ``{"id": ...}``, multi selects as ``{"items": [...]}``, dates
as ``YYYY-MM-DD``, datetimes as ISO UTC).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..fields import FieldType

_TEXT_TYPES = {FieldType.TEXT, FieldType.LONG_TEXT, FieldType.EMAIL, FieldType.PHONE, FieldType.URL}
_OPTION_TYPES = {FieldType.SELECT, FieldType.REFERENCE}


def parse_boolean(raw: Any) -> bool | None:
    """``'T'``/``'F'`` (SuiteQL) or a JSON boolean (REST)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("t", "true", "y", "yes", "1"):
        return True
    if text in ("f", "false", "n", "no", "0"):
        return False
    raise ValueError(f"not a NetSuite boolean: {raw!r}")


def parse_utc(raw: Any) -> datetime | None:
    """ISO 8601 text (``2024-05-01T10:00:00Z``) as an aware UTC datetime."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # our TO_CHAR expressions yield UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_date(raw: Any) -> date | None:
    """``YYYY-MM-DD`` (or an ISO datetime, whose date part is kept) as a date."""
    if raw is None or raw == "":
        return None
    return date.fromisoformat(str(raw).strip()[:10])


def parse_integer(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(Decimal(str(raw).strip()))
    except InvalidOperation:
        raise ValueError(f"not a whole number: {raw!r}") from None


def parse_decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        return Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None


def option_ids(raw: Any) -> list[str]:
    """The ids of a multi select, whatever shape it comes in.

    REST sends ``{"items": [{"id": ...}]}``; SuiteQL sends the ids as one
    comma-separated string (UNCERTAIN in the reference, so a list is accepted too).
    """
    if raw is None or raw == "":
        return []
    if isinstance(raw, Mapping):
        raw = raw.get("items", [])
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    ids = []
    for item in raw:
        ids.append(str(item["id"]) if isinstance(item, Mapping) else str(item))
    return ids


def typed_value(field_type: FieldType, raw: Any, *, name: str | None = None, names: Mapping[str, str] | None = None):
    """The canonical value of one column.

    ``name`` is the display text of a select/reference (``BUILTIN.DF``);
    ``names`` maps option ids to names, used for multi selects and as a
    fallback when the display text is missing.
    """
    names = names or {}
    if field_type in _TEXT_TYPES:
        return None if raw is None or raw == "" else str(raw)
    if field_type == FieldType.BOOLEAN:
        return parse_boolean(raw)
    if field_type == FieldType.INTEGER:
        return parse_integer(raw)
    if field_type == FieldType.DECIMAL:
        return parse_decimal(raw)
    if field_type == FieldType.DATE:
        return parse_date(raw)
    if field_type == FieldType.DATETIME:
        return parse_utc(raw)
    if field_type in _OPTION_TYPES:
        if raw is None or raw == "":
            return None
        if isinstance(raw, Mapping):  # a REST reference {"id", "refName", "links"}
            name = name or raw.get("refName")
            raw = raw.get("id")
        option_id = str(raw)
        return {"id": option_id, "name": name or names.get(option_id, "")}
    if field_type == FieldType.MULTI_SELECT:
        return [{"id": option_id, "name": names.get(option_id, "")} for option_id in option_ids(raw)]
    return raw


def rest_value(value: Any) -> Any:
    """The REST JSON form of a canonical value (``None`` stays null: on PATCH it clears the field)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a datetime written to NetSuite must be timezone-aware")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        if "id" not in value:
            raise ValueError("only {'id', 'name'} values can be written to a NetSuite reference or select")
        return {"id": str(value["id"])}
    if isinstance(value, list | tuple):
        return {"items": [{"id": str(item["id"] if isinstance(item, Mapping) else item)} for item in value]}
    raise ValueError(f"cannot write a {type(value).__name__} value to NetSuite")
