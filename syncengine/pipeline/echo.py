"""Echo detection (pure): a change that is our own write read back.

After each write the link stores, per side, the hash of the mapped values as written (the snapshot's
hash). A record read back with the same mapped values hashes the same: nothing changed on it but what we
wrote, so the pair is not planned again. A pair is an echo when every pending side of it is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mappings.converters import is_empty
from syncengine import codec


def mapped(values: dict[str, Any], field_ids: Iterable[str]) -> dict[str, Any]:
    """The values of the mapped fields ``field_ids``, empty ones left out (the form of snapshots and
    hashes, so that "no value" has one spelling)."""
    return {field_id: values[field_id] for field_id in field_ids if not is_empty(values.get(field_id))}


@dataclass(frozen=True)
class EchoCheck:
    """One side of a pair for echo detection: its current values, the ids of its mapped fields, and the
    hash the link stored when that side was last written or read (None: never)."""

    values: dict[str, Any]
    field_ids: tuple[str, ...]
    stored_hash: str | None


def is_echo(check: EchoCheck) -> bool:
    """Whether the side's mapped values are exactly what the link last recorded."""
    return codec.values_hash(mapped(check.values, check.field_ids)) == check.stored_hash


def pair_is_echo(changed: EchoCheck, other_pending: EchoCheck | None = None) -> bool:
    """Whether the pair is an echo: the changed side is one, and so is the other when it is pending too."""
    return is_echo(changed) and (other_pending is None or is_echo(other_pending))
