"""One pair of records on its way through a run: what the runner loaded and decided, what the writer sent,
and what came back; the outcome recorder turns it into links, outcomes and cleared mirror rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from connections.providers.base import WriteResult

from .models import MirrorRecord, RecordLink
from .planner import PairPlan


@dataclass
class PairOp:
    """One pair being processed in a chunk: what we know, and what we plan."""

    row: MirrorRecord  # the pending record that brought the pair up
    other: MirrorRecord | None
    link: RecordLink | None
    new_link: bool = False
    plan: PairPlan = field(default_factory=PairPlan)
    outcomes: list[tuple[str, str, str, dict]] = field(default_factory=list)  # direction, outcome, message, diff
    done: bool = True  # the pending rows may be cleared
    deletion: str | None = None  # pipeline.deletions.DELETE or MARK, toward the other side
    ns_values: dict | None = None
    app_values: dict | None = None
    results: dict[str, WriteResult] = field(default_factory=dict)  # direction → result
    link_before: tuple | None = None  # the link's identity fields when loaded (to save only changed links)
    replanned: set[str] = field(default_factory=set)  # directions planned only for a configuration change
    keep_stale: bool = False  # planned without some mappings (fields not in the mirror): planned again later
    # The other record was pending and is decided with this pair (its own turn is skipped this run):
    # cleared with the pair when it succeeds, left pending with it when it fails.
    other_handled: bool = False
    # The app values to send instead of the planned ones (a company in the app's own ids): pipeline.company_refs.
    app_overrides: dict = field(default_factory=dict)
    # Whether the snapshots take the values read (a sync), or only what was written (an undo: a change made
    # since, on either side, stays a change for the next run to sync).
    consumes: bool = True

    def link_changed(self) -> bool:
        return self.link is not None and identity(self.link) != self.link_before


def identity(link: RecordLink) -> tuple:
    """The fields of a link that pairing may change (to save only the links that changed)."""
    return (link.netsuite_id, link.app_id, link.match_key, link.state)
