"""The read cursor of a HubSpot object type, and the incremental search built from it. Pure.

The cursor is JSON: ``{"v": 1, "since": ms, "archived_since": ms}``, the latest last-modified time read
(server time, epoch milliseconds) and the latest archive time. The next read asks for records modified at
or after ``since`` minus :data:`OVERLAP_MS`: the overlap catches what HubSpot's search index showed late
("a few moments", reference B.3) and the clocks' differences; records read twice are changes of nothing
to the engine.

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

    def dump(self) -> str:
        return json.dumps({"v": 1, "since": self.since, "archived_since": self.archived_since}, sort_keys=True)


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
    archived = data.get("archived_since")
    return Cursor(since=data["since"], archived_since=archived if isinstance(archived, int) else None)


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
