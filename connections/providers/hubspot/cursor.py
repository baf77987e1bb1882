"""The read cursor of a HubSpot object type, and the incremental search built from it. Pure.

The cursor is JSON: ``{"v": 1, "since": ms, "archived_since": ms, "since_read_at": ms, "settled": ms}``,
the latest last-modified time read (server time, epoch milliseconds), the latest archive time, when (this
machine's clock) the read that first saw ``since`` ended, and the time below which every record has been
read (None: not known). The next read asks for records modified at or after ``since`` minus
:data:`OVERLAP_MS`: the overlap catches what HubSpot's search index showed late ("a few moments",
reference B.3) and the clocks' differences; records read twice are changes of nothing to the engine.

**Settling the window** (:func:`next_lower`, :func:`settled_after`). Without more, a portal where nothing
changes keeps ``since`` at its last change, and every read searches the same overlap again (after a bulk of
writes, up to 10,000 records every run). But a read that starts at least :data:`OVERLAP_MS` after the read
that first saw ``since`` ended, on this machine's clock, starts at least that long after ``since`` on
HubSpot's (a duration needs no common clock: the offset between the two cancels out); HubSpot's index
shows every record modified before ``since`` by then, and that read, covering the overlap, reads them all.
From then on nothing older than ``since`` can be missed: the cursor's ``settled`` becomes ``since``, and the
reads after it search from there, without the overlap.

Pages are read by *keyset* rather than by the search's ``after`` offset: each page is a new search from
the last time seen (``GTE``), skipping the ids already read at exactly that time (:class:`KeysetPager`).
An offset would skip a record whenever one read earlier changes meanwhile and moves to the end of the
order, and would fail past 10,000 results (B.3); a keyset never does either. When one page holds only
records of one millisecond (200 of them), a keyset cannot move on: the reader then lists everything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

OVERLAP_MS = 10 * 60 * 1000  # ten minutes: far above the index lag HubSpot calls "a few moments"
SEARCH_PAGE_LIMIT = 200  # the search's maximum page (B.3)
SEARCH_RESULTS_CAP = 10_000  # results one search query can page through (B.3)
LIST_PAGE_LIMIT = 100  # the list endpoint's page (the most the brief allows for a list)


@dataclass(frozen=True)
class Cursor:
    """Where the last read stopped (see the module docstring); None fields: not known yet."""

    since: int | None = None
    archived_since: int | None = None
    since_read_at: int | None = None
    settled: int | None = None

    def dump(self) -> str:
        data = {"v": 1, "since": self.since, "archived_since": self.archived_since}
        if self.since_read_at is not None:
            data["since_read_at"] = self.since_read_at
        if self.settled is not None:
            data["settled"] = self.settled
        return json.dumps(data, sort_keys=True)


def load_cursor(text: str | None) -> Cursor | None:
    """The stored cursor; None (read everything) when absent or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("since"), int):
        return None

    def number(key: str) -> int | None:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Cursor(
        since=data["since"],
        archived_since=number("archived_since"),
        since_read_at=number("since_read_at"),
        settled=number("settled"),
    )


def next_lower(cursor: Cursor) -> int:
    """Where the next search starts: ``since`` minus the overlap, or the settled time when it is later
    (nothing below it is left to read)."""
    lower = cursor.since - OVERLAP_MS
    return lower if cursor.settled is None else max(lower, cursor.settled)


def settled_after(previous: Cursor, started: int) -> int | None:
    """The cursor's ``settled`` after a search from :func:`next_lower` that started at ``started`` (this
    machine's clock): ``since`` once the read that first saw it ended at least the overlap earlier (see the
    module docstring), else what it was."""
    if previous.since_read_at is not None and started - previous.since_read_at >= OVERLAP_MS:
        return max(previous.since, previous.settled or previous.since)
    return previous.settled


def epoch_ms(moment: datetime) -> int:
    """``moment`` in epoch milliseconds (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def search_body(modified_property: str, lower_ms: int, properties: list[str]) -> dict[str, Any]:
    """One search for records modified at or after ``lower_ms``, oldest first, one full page."""
    return {
        "filterGroups": [{"filters": [{"propertyName": modified_property, "operator": "GTE", "value": str(lower_ms)}]}],
        # The object form of a sort, which the docs show (the spec's string form is UNCERTAIN, B.3).
        "sorts": [{"propertyName": modified_property, "direction": "ASCENDING"}],
        "properties": properties,
        "limit": SEARCH_PAGE_LIMIT,
    }


@dataclass
class KeysetPager:
    """The state of a keyset read: the lower bound of the next search, and the ids read at that bound.

    :meth:`take` gets each page's ``(id, modified ms)`` pairs in their order and returns the ids not
    read yet; then :attr:`done` says whether the read is over and :attr:`stuck` whether it cannot move
    on (a full page of one millisecond).
    """

    lower: int
    seen_at_lower: set[str] = field(default_factory=set)
    latest: int | None = None
    done: bool = False
    stuck: bool = False

    def take(self, page: list[tuple[str, int | None]], full: bool) -> list[str]:
        fresh = [rid for rid, ms in page if not (ms == self.lower and rid in self.seen_at_lower)]
        times = [ms for _, ms in page if ms is not None]
        if times:
            top = max(times)
            self.latest = top if self.latest is None else max(self.latest, top)
        if not full:
            self.done = True
            return fresh
        top = max(times) if times else self.lower
        if top <= self.lower:
            self.stuck = True  # every record of a full page at the bound: a keyset cannot pass it
            self.done = True
            return fresh
        at_top = {rid for rid, ms in page if ms == top}
        self.seen_at_lower = at_top
        self.lower = top
        return fresh
