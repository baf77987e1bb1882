"""Splitting work into the batch sizes the People API accepts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

BATCH_GET_LIMIT = 200  # people:batchGet resourceNames
BATCH_CREATE_LIMIT = 200  # people:batchCreateContacts contacts
BATCH_UPDATE_LIMIT = 200  # people:batchUpdateContacts contacts
BATCH_DELETE_LIMIT = 500  # people:batchDeleteContacts resourceNames
MEMBERS_MODIFY_LIMIT = 1000  # contactGroups.members.modify: adds plus removes


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most ``size`` items (none for an empty sequence)."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def member_changes(add: Sequence[str], remove: Sequence[str], limit: int = MEMBERS_MODIFY_LIMIT):
    """Pairs ``(add_part, remove_part)`` whose combined length stays within ``limit``."""
    add, remove = list(add), list(remove)
    while add or remove:
        take_add = add[:limit]
        take_remove = remove[: limit - len(take_add)]
        add, remove = add[len(take_add) :], remove[len(take_remove) :]
        yield take_add, take_remove
