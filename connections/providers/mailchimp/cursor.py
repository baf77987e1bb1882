"""The read cursor of an audience, and where the next read starts. Pure.

The cursor is JSON: ``{"v": 1, "since": iso, "since_read_at": iso, "settled": iso}``: the latest
``last_changed`` read (Mailchimp's clock), when the read that first saw it ended (this machine's clock), and
the time below which every member has been read (None: not known). An older cursor, a bare ISO time, reads as
``since`` alone.

The next read asks for members changed after ``since`` minus :data:`OVERLAP`: ``since_last_changed`` is strict
and has whole seconds (sandbox UNCERTAIN 14), and a change Mailchimp records at a time before one already read
may show late. Members read twice are changes of nothing to the engine.

**Settling the window** (as HubSpot's cursor does). Without more, an audience where nothing changes keeps
``since`` at its last change, and every read lists the same five minutes again (after a bulk of writes,
thousands of members every run). A read that starts at least :data:`OVERLAP` after the read that first saw
``since`` ended starts at least that long after ``since`` on Mailchimp's clock too (a duration needs no
common clock); that read, covering the overlap, saw every member changed before ``since``. From then on the
cursor's ``settled`` is ``since``, and the reads after it start there (one second before: the bound is strict).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

OVERLAP = timedelta(minutes=5)
STRICT = timedelta(seconds=1)  # "changed after" at whole seconds: one second earlier reads that second again


@dataclass(frozen=True)
class Cursor:
    """Where the last read stopped (see the module docstring); None fields: not known yet."""

    since: datetime
    since_read_at: datetime | None = None
    settled: datetime | None = None

    def dump(self) -> str:
        data = {"v": 1, "since": self.since.isoformat()}
        if self.since_read_at is not None:
            data["since_read_at"] = self.since_read_at.isoformat()
        if self.settled is not None:
            data["settled"] = self.settled.isoformat()
        return json.dumps(data, sort_keys=True)


def _time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def load_cursor(text: str | None) -> Cursor | None:
    """The stored cursor; None (read everything) when absent or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        since = _time(text)  # the first cursors were a bare time
        return Cursor(since) if since is not None else None
    if not isinstance(data, dict) or data.get("v") != 1:
        return None
    since = _time(data.get("since"))
    if since is None:
        return None
    return Cursor(since, _time(data.get("since_read_at")), _time(data.get("settled")))


def lower_bound(cursor: Cursor) -> datetime:
    """The ``since_last_changed`` of the next read: ``since`` minus the overlap, or just below the settled time
    when that is later (nothing before it is left to read)."""
    lower = cursor.since - OVERLAP
    return lower if cursor.settled is None else max(lower, cursor.settled - STRICT)


def next_cursor(previous: Cursor | None, latest: datetime | None, started: datetime, ended: datetime) -> Cursor:
    """The cursor after a read that started at ``started`` and ended at ``ended`` (this machine's clock) and saw
    ``latest`` as its latest ``last_changed`` (None: no member). A read of an empty audience ends at ``started``."""
    if previous is None:
        return Cursor(latest or started, ended)
    settled = previous.settled
    if previous.since_read_at is not None and started - previous.since_read_at >= OVERLAP:
        settled = max(previous.since, previous.settled or previous.since)
    if latest is not None and latest > previous.since:
        return Cursor(latest, ended, settled)
    return Cursor(previous.since, previous.since_read_at or ended, settled)
