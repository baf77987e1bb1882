"""What undoing a run does to each record it changed (issue 20), decided per record (pure: no ORM, no HTTP).

The audit log keeps, for every record a run wrote, the fields it wrote as ``before → after`` (in the target's
field ids, as :mod:`syncengine.codec` encodes them) and the link to both records. Undoing the run puts the
*before* values back, but only where the target still holds the run's *after*: a field changed since (by a
person, or by a later run) is kept, and said so. The rest follows from the record's outcome:

- a record the run **created** is kept (the default), deleted or marked deleted, as the operator chooses;
- a record the run **deleted or marked deleted** is restored where the app can (an inactive flag cleared, a
  group left); a record deleted for good cannot come back, and the plan says so;
- an **unsubscribe** the run wrote is never undone into a subscribe ("kept: never re-subscribe").

An undo is a run of its own whose outcomes have the same shape, so an undo can itself be undone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..choices import Outcome
from ..choices import UndoCreated as CreatedPolicy


class FieldFate(StrEnum):
    """What the undo does to one field the run wrote."""

    RESTORE = "restore"  # the target still holds the run's value: the value before it is written back
    CHANGED_SINCE = "changed_since"  # someone (or a later run) changed it since: kept
    NEVER_RESUBSCRIBE = "never_resubscribe"  # an unsubscribe the run wrote: kept, never undone into a subscribe
    ALREADY_BACK = "already_back"  # the target holds the value before the run again: nothing to write


class RecordAction(StrEnum):
    """What the undo does to one record."""

    WRITE = "write"  # write the restored fields back
    NOTHING = "nothing"  # every field is kept or back already
    KEEP = "keep"  # a record the run created, kept
    DELETE = "delete"  # a record the run created, deleted
    MARK = "mark"  # a record the run created, marked deleted
    RESTORE = "restore"  # a record the run deleted or marked, brought back
    CANNOT = "cannot"  # what the run did cannot be put back (a record deleted for good, a record gone)


# The outcomes whose ``diff`` holds fields the run wrote to an existing record.
UPDATING_OUTCOMES = frozenset(
    {Outcome.UPDATED, Outcome.CONFLICT_RESOLVED, Outcome.LINKED, Outcome.FIELD_FAILED, Outcome.UNSUBSCRIBED}
)
DELETING_OUTCOMES = frozenset({Outcome.DELETED, Outcome.MARKED_DELETED})
# Every outcome an undo has something to say about; the others (unchanged, excluded, failed...) wrote nothing.
UNDOABLE_OUTCOMES = UPDATING_OUTCOMES | DELETING_OUTCOMES | {Outcome.CREATED}


@dataclass(frozen=True)
class FieldUndo:
    """One field the run wrote: its value before and after the run, its value now, and its fate."""

    field_id: str
    before: Any
    after: Any
    current: Any
    fate: FieldFate


@dataclass(frozen=True)
class RecordUndo:
    """The undo of one record: the action, the fields it restores (``writes``: field id → the value before
    the run) and the fields it keeps, and a message for the audit log."""

    action: RecordAction
    fields: tuple[FieldUndo, ...] = ()
    message: str = ""
    writes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kept(self) -> tuple[FieldUndo, ...]:
        return tuple(f for f in self.fields if f.fate in (FieldFate.CHANGED_SINCE, FieldFate.NEVER_RESUBSCRIBE))


Same = Callable[[str, Any, Any], bool]  # (field id, a, b) -> whether the two values are the same for the merge


def undo_fields(
    diff: Mapping[str, Any],
    current: Mapping[str, Any],
    same: Same,
    subscription_field: str = "",
    remembered: Mapping[str, Any] | None = None,
) -> tuple[FieldUndo, ...]:
    """The fate of each field of ``diff`` (``field → [before, after]``), given the target's values now.

    ``remembered``: the link's snapshot of the target. A field back at its *before* value that the link still
    remembers at the run's *after* was written by an undo that stopped before recording it (a crash): it is
    written again, so that the link remembers it and the next run does not take it for a change to sync."""
    fates = []
    for field_id in sorted(diff):
        before, after = _pair(diff[field_id])
        now = current.get(field_id)
        stale = remembered is not None and same(field_id, remembered.get(field_id), after)
        if field_id == subscription_field and subscription_field:
            fate = FieldFate.NEVER_RESUBSCRIBE
        elif same(field_id, now, before) and not same(field_id, now, after):
            fate = FieldFate.RESTORE if stale else FieldFate.ALREADY_BACK
        elif same(field_id, now, after):
            fate = FieldFate.RESTORE
        else:
            fate = FieldFate.CHANGED_SINCE
        fates.append(FieldUndo(field_id, before, after, now, fate))
    return tuple(fates)


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _kept_message(kept: tuple[FieldUndo, ...], label: Callable[[str], str]) -> str:
    parts = []
    changed = [label(f.field_id) for f in kept if f.fate == FieldFate.CHANGED_SINCE]
    if changed:
        parts.append(f"changed since, kept: {', '.join(changed)}")
    if any(f.fate == FieldFate.NEVER_RESUBSCRIBE for f in kept):
        parts.append("kept: never re-subscribe")
    return "; ".join(parts)


def plan_record_undo(
    outcome: str,
    diff: Mapping[str, Any],
    current: Mapping[str, Any] | None,
    *,
    same: Same,
    subscription_field: str = "",
    created: CreatedPolicy = CreatedPolicy.KEEP,
    can_mark: bool = True,
    can_restore: bool = True,
    label: Callable[[str], str] = str,
    remembered: Mapping[str, Any] | None = None,
) -> RecordUndo:
    """The undo of one record the run touched with ``outcome`` (its ``diff`` in the target's field ids).

    ``current``: the target record's values now (None: it is gone). ``created``: the operator's choice for
    records the run created; ``can_mark``: the target's app can mark a record deleted; ``can_restore``: it
    can bring back a record the run deleted or marked (an inactive flag cleared, a group left). ``label``
    names a field in messages; ``remembered``: the link's snapshot of the target (see :func:`undo_fields`)."""
    if outcome not in UNDOABLE_OUTCOMES:
        return RecordUndo(RecordAction.NOTHING, message="The run wrote nothing to this record.")
    if outcome in DELETING_OUTCOMES:
        if outcome == Outcome.DELETED or not can_restore:
            what = "deleted" if outcome == Outcome.DELETED else "marked deleted"
            return RecordUndo(RecordAction.CANNOT, message=f"The run {what} this record; the app cannot bring it back.")
        return RecordUndo(RecordAction.RESTORE, message="Marked deleted by the run: restored.")
    if current is None:
        return RecordUndo(RecordAction.CANNOT, message="The record is gone since the run: nothing to put back.")
    if outcome == Outcome.CREATED:
        if created == CreatedPolicy.DELETE:
            return RecordUndo(RecordAction.DELETE, message="Created by the run: deleted.")
        if created == CreatedPolicy.MARK:
            if not can_mark:
                return RecordUndo(RecordAction.KEEP, message="Created by the run: kept (the app cannot mark it).")
            return RecordUndo(RecordAction.MARK, message="Created by the run: marked deleted.")
        return RecordUndo(RecordAction.KEEP, message="Created by the run: kept.")
    fields = undo_fields(diff, current, same, subscription_field, remembered)
    writes = {f.field_id: f.before for f in fields if f.fate == FieldFate.RESTORE}
    kept = _kept_message(
        tuple(f for f in fields if f.fate in (FieldFate.CHANGED_SINCE, FieldFate.NEVER_RESUBSCRIBE)), label
    )
    if writes:
        restored = ", ".join(label(f) for f in writes)
        message = f"Restored: {restored}." + (f" {kept[0].upper()}{kept[1:]}." if kept else "")
        return RecordUndo(RecordAction.WRITE, fields, message, writes)
    message = f"{kept[0].upper()}{kept[1:]}." if kept else "Back to the values before the run already."
    return RecordUndo(RecordAction.NOTHING, fields, message)
