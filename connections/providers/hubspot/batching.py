"""Splitting work into HubSpot's batch size."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Every object batch endpoint takes at most 100 inputs (reference B.2). What HubSpot does with more (a 400,
# or silently dropping some) is UNCERTAIN: we never send more.
BATCH_LIMIT = 100


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most ``size`` items (none for an empty sequence)."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
