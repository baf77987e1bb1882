"""Pairing (pure): which record of the other side a pending record goes with, or why it is not planned.

A record with a link goes with its linked record. A record without one is matched by email against the
other side's mirror: the oldest record there that no link holds and no earlier record of the chunk claimed;
none at all means a new record on the other side; only linked ones means the email is taken (a duplicate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from syncengine.choices import LinkState, Outcome

from .exclusions import LINKED_ELSEWHERE, Candidate, Exclusion, duplicate, natural, no_email

COUNTERPART_DELETED = Exclusion(Outcome.UNCHANGED, "The linked record was deleted on the other side.")
DELETED_BEFORE = Exclusion(Outcome.UNCHANGED, "The linked record was deleted on the other side; it is not re-created.")


@dataclass(frozen=True)
class Pairing:
    """What pairing decided for a record.

    ``excluded``: the pair is not planned, and this outcome is logged for the record. Else, for a record
    without a link, ``other_id`` is the other side's record to link it to (None: it is created there).
    ``counterpart_deletion``: the linked record was deleted since the last run: its deletion is decided
    first, and changes toward it are moot.
    """

    excluded: Exclusion | None = None
    other_id: str | None = None
    counterpart_deletion: bool = False


def pair_unlinked(
    record_id: str,
    email_key: str | None,
    side_label: str,
    same_side: Iterable[Candidate],
    other_side: Iterable[Candidate],
    claimed: set[str] = frozenset(),
) -> Pairing:
    """Pair a record that no link holds.

    ``same_side``/``other_side``: the mirror's live records with the same email on each side (``same_side``
    includes the record itself); ``claimed``: other-side ids already matched by this chunk's records.
    """
    excluded = no_email(email_key) or duplicate(record_id, side_label, same_side)
    if excluded is not None:
        return Pairing(excluded=excluded)
    other_side = list(other_side)
    free = sorted(
        (c for c in other_side if not c.linked and c.record_id not in claimed), key=lambda c: natural(c.record_id)
    )
    if free:
        return Pairing(other_id=free[0].record_id)
    if any(c.linked for c in other_side):
        return Pairing(excluded=LINKED_ELSEWHERE)
    return Pairing()


def pair_linked(link_state: str, counterpart_deleted: bool) -> Pairing:
    """Pair a record through its link. ``counterpart_deleted``: the linked record is a pending deletion
    not decided yet this run."""
    if counterpart_deleted:
        return Pairing(excluded=COUNTERPART_DELETED, counterpart_deletion=True)
    if link_state in (LinkState.DELETED_IN_NETSUITE, LinkState.DELETED_IN_APP):
        return Pairing(excluded=DELETED_BEFORE)
    return Pairing()
