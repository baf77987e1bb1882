"""Deletion decisions (pure): what a record deleted on one side does to its linked record.

The connection's policy per side says: ignore (the link remembers the deletion and nothing is re-created),
delete the linked record, or mark it deleted the way its app does (:meth:`Provider.mark_deleted`). A run
that would delete or mark more than the connection's safety percentage of the linked records does none of
it (the *safety valve*), until an operator confirms.
"""

from __future__ import annotations

from dataclasses import dataclass

from connections.choices import DeletionPolicy
from syncengine.choices import LinkState, Outcome, Side

DELETE, MARK = "delete", "mark"


@dataclass(frozen=True)
class DeletionDecision:
    """What to do about one deleted record.

    ``action``: :data:`DELETE` or :data:`MARK` the linked record (None: nothing to send). ``outcome`` and
    ``message``: logged at once (the policy ignores it, or the valve blocked it). ``link_state``: the link's
    new state at once. ``retry``: the record stays pending, for the next run.
    """

    action: str | None = None
    outcome: str | None = None
    message: str = ""
    link_state: str | None = None
    retry: bool = False

    @property
    def blocked(self) -> bool:
        return self.retry and self.outcome == Outcome.FAILED


NOTHING = DeletionDecision()


def deleted_state(side: str) -> str:
    """The link's state once the record of ``side`` is deleted and the deletion settled."""
    return LinkState.DELETED_IN_NETSUITE if side == Side.NETSUITE else LinkState.DELETED_IN_APP


def done_outcome(action: str) -> str:
    """The outcome of an action sent and accepted."""
    return Outcome.DELETED if action == DELETE else Outcome.MARKED_DELETED


def decide_deletion(
    side: str, *, linked: bool, policy: str, blocked: bool = False, valve_message: str = ""
) -> DeletionDecision:
    """The fate of a record deleted on ``side``. ``linked``: it had a live link with a record on the other
    side (else there is nothing to do); ``policy``: the connection's deletion policy for ``side``;
    ``blocked``: the safety valve stopped this run's deletions (``valve_message`` says why)."""
    if not linked:
        return NOTHING
    if policy == DeletionPolicy.IGNORE:
        return DeletionDecision(
            outcome=Outcome.DELETION_IGNORED,
            message="Deleted on this side; the policy keeps the other side.",
            link_state=deleted_state(side),
        )
    if blocked:
        return DeletionDecision(outcome=Outcome.FAILED, message=valve_message, retry=True)
    return DeletionDecision(action=DELETE if policy == DeletionPolicy.DELETE else MARK)


@dataclass(frozen=True)
class Valve:
    """The deletion safety valve's verdict for a run: ``blocks`` all its deletions, or lets them go
    (``uses_confirmation``: only because an operator confirmed them, a confirmation this run uses up)."""

    blocks: bool = False
    uses_confirmation: bool = False
    message: str = ""


def deletion_valve(*, pending: int, linked: int, percent: int, confirmed: bool) -> Valve:
    """Whether a run with ``pending`` deletions of linked records, out of ``linked`` links, may go ahead:
    up to ``percent`` of the links at once, more only when ``confirmed``."""
    if pending == 0 or pending <= linked * percent / 100:
        return Valve()
    if confirmed:
        return Valve(uses_confirmation=True)
    return Valve(
        blocks=True,
        message=(
            f"Deletion safety valve: this run would delete or mark {pending} of {linked} linked records "
            f"(more than {percent}%). Nothing was deleted; confirm the deletions "
            "on the connection in the admin to let the next run go ahead."
        ),
    )
