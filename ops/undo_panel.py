"""The *Undo this run…* panel of a run's page (issue 20): what it offers, to whom, and why not.

A finished run that wrote something can be undone by a sync administrator: first a preview (a dry undo, whose
page shows the plan with the counts and diffs of any dry run), then *Confirm undo* on that preview's page. An
operator sees the buttons disabled, with the reason. Pure presentation of the run and the user's permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncengine.choices import RunStatus, Trigger, UndoCreated
from syncengine.models import SyncRun
from syncengine.services import undo_problem

UNDO_PERMISSION = "syncengine.undo_run"
NOT_ALLOWED = "Only sync administrators can undo a run."


@dataclass(frozen=True)
class UndoPanel:
    """``mode``: "preview" (offer a preview of the undo of this run), "confirm" (this run is a finished preview:
    offer to carry it out) or "" (no panel); ``blocked``: why the button is disabled ('' when it is not);
    ``target``: the run the undo puts back; ``created``: the chosen (or default) treatment of created records."""

    mode: str
    target: SyncRun | None = None
    blocked: str = ""
    created: str = UndoCreated.KEEP
    choices: tuple[tuple[str, str], ...] = tuple(UndoCreated.choices)


def undo_panel(run: SyncRun, user) -> UndoPanel:
    """The panel of ``run``'s page for ``user``."""
    allowed = user.has_perm(UNDO_PERMISSION)
    if run.trigger == Trigger.UNDO and run.dry_run:
        if run.status != RunStatus.SUCCEEDED or run.undoes is None:
            return UndoPanel("")
        blocked = "" if allowed else NOT_ALLOWED
        return UndoPanel("confirm", run.undoes, blocked or undo_problem(run.undoes), run.undo_created or "keep")
    problem = undo_problem(run)
    if problem:
        return UndoPanel("")  # a dry run, a run not finished: nothing to undo, no panel
    return UndoPanel("preview", run, "" if allowed else NOT_ALLOWED)
