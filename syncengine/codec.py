"""Typed record values ⇄ JSON, for the mirror, snapshots and diffs.

Provider values are typed (dates, datetimes, decimals); JSON columns are not.
Each non-JSON value is wrapped in a one-key dict that says its type, so the
round trip is exact.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def _tag(value: Any) -> dict[str, str] | None:
    """The one-key dict that stands for a typed value in JSON, or None for a JSON value."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    return None


def encode(value: Any) -> Any:
    """A JSON-serialisable form of a typed value (recursively)."""
    tagged = _tag(value)
    if tagged is not None:
        return tagged
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, raw),) = value.items()
            if tag == "$dt":
                return datetime.fromisoformat(raw)
            if tag == "$date":
                return date.fromisoformat(raw)
            if tag == "$dec":
                return Decimal(raw)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: encode(v) for k, v in values.items()}


def decode_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: decode(v) for k, v in (values or {}).items()}


def _tagged(value: Any) -> dict[str, str]:
    """``json.dumps``'s ``default``: the tagged form :func:`encode` gives a non-JSON value."""
    tagged = _tag(value)
    if tagged is None:
        raise TypeError(f"{type(value).__name__} is not a record value")
    return tagged


def dumps_values(values: dict[str, Any]) -> str:
    """``json.dumps(encode_values(values))`` in one pass: the JSON encoder (in C) asks
    :func:`_tagged` only for the values that need a tag, instead of Python walking them all."""
    return json.dumps(values, default=_tagged)


def values_hash(values: dict[str, Any]) -> str:
    """A stable hash of typed values (order-independent), to recognise echoes."""
    payload = json.dumps(encode_values(values), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
