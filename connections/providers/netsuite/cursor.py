"""The change cursor of :meth:`NetSuiteClient.read_changes`: what it holds and how it decides what is new.

The cursor is an opaque string to its callers; it is compact JSON::

    {"v": 1,
     "scope": "company_customers@3",          # contact type @ subsidiary id
     "since": "2024-05-01T10:00:00Z",         # UTC start of the read that produced it
     "seen": {"107": "2024-05-01T09:58:12Z"}, # id -> exact lastModifiedDate, for records in the overlap window
     "deleted": {"88": "2024-05-01T09:59:03Z"}}  # id -> deletion time, same window

Why this shape:

- ``since`` is the (server-adjusted) time the previous read *started*, never
  the newest timestamp it saw: a record saved while a keyset read is under
  way, behind the keyset position, would otherwise be skipped for good.
- The next read asks SuiteQL for ``SYS_EXTRACT_UTC(lastmodifieddate) >=
  since - OVERLAP`` (exact, in UTC), next to a coarse ``lastmodifieddate >=
  since - OVERLAP - TIME_ZONE_MARGIN``: SuiteQL reads date literals in the
  *account's* time zone (UTC-12 to UTC+14), so the plain-column condition is
  pushed back a full day plus a few minutes and only narrows the scan. The
  exact UTC ``lastModifiedDate`` of each row (``TO_CHAR``) then decides what
  is actually new.
- Re-reading the whole overlap window every run would cost a page per
  thousand records changed in the last minutes (a sync's own writes, for a
  start). So the read first asks SuiteQL for a :class:`Fingerprint` of the
  records stamped since the window's start (count, sum of ids, sum of
  timestamps) and compares it with the fingerprint of ``seen``: equal means
  nothing changed and nothing is read; otherwise the records stamped since
  ``since`` are read, and the window only when they do not account for the
  difference (see ``NetSuiteClient._read_since``).
- A record is new when it changed at or after ``since - OVERLAP`` and is not
  in ``seen`` with that same timestamp. ``OVERLAP`` absorbs clock skew between
  us and NetSuite and the time between a save and its commit; ``seen`` keeps
  the overlap from delivering the same change twice.
- ``seen`` only holds timestamps strictly before ``since``. NetSuite's
  timestamps have whole seconds: a record stamped in the second the read
  started (or later) may be saved again within that second under the same
  timestamp, so it is delivered once more by the next read rather than risk
  losing that second save. Deletions cannot repeat, so every deletion in the
  window is remembered.
- A cursor that cannot be read, has another version, or belongs to another
  scope is treated as missing: the read becomes a full read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .values import parse_utc

CURSOR_VERSION = 1
OVERLAP = timedelta(minutes=10)
TIME_ZONE_MARGIN = timedelta(hours=24, minutes=5)


def iso(moment: datetime) -> str:
    """Second-precision ISO UTC text, the form NetSuite's timestamps have."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scope_key(contact_type: str, subsidiary_id: str) -> str:
    return f"{contact_type}@{subsidiary_id}"


@dataclass
class ChangeCursor:
    """A decoded cursor; see the module docstring for the meaning of each part."""

    scope: str
    since: datetime
    seen: dict[str, str] = field(default_factory=dict)
    deleted: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        data = {"v": CURSOR_VERSION, "scope": self.scope, "since": iso(self.since), "seen": self.seen}
        data["deleted"] = self.deleted
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, text: str | None, scope: str) -> ChangeCursor | None:
        """The cursor in ``text``, or None when there is none usable for ``scope``."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data.get("v") != CURSOR_VERSION or data.get("scope") != scope:
                return None
            since = parse_utc(data["since"])
            seen = {str(k): str(v) for k, v in (data.get("seen") or {}).items()}
            deleted = {str(k): str(v) for k, v in (data.get("deleted") or {}).items()}
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if since is None:
            return None
        return cls(scope=scope, since=since, seen=seen, deleted=deleted)

    @property
    def window_start(self) -> datetime:
        """Changes at or after this instant (exact UTC) may be new."""
        return self.since - OVERLAP

    @property
    def query_floor(self) -> datetime:
        """The instant whose UTC wall-clock time goes into the SuiteQL literal (see module docstring)."""
        return self.window_start - TIME_ZONE_MARGIN

    def seen_fingerprint(self) -> Fingerprint:
        """The fingerprint of the window as this cursor saw it (every record of ``seen``)."""
        fingerprint = Fingerprint()
        for record_id, stamp in self.seen.items():
            fingerprint = fingerprint.plus(record_id, parse_utc(stamp))
        return fingerprint

    def is_new_change(self, record_id: str, modified: datetime | None) -> bool:
        if modified is None:  # no exact timestamp: deliver rather than risk a loss
            return True
        if modified < self.window_start:
            return False
        return self.seen.get(record_id) != iso(modified)

    def is_new_deletion(self, record_id: str, deleted_at: datetime | None) -> bool:
        if deleted_at is None:
            return record_id not in self.deleted
        if deleted_at < self.window_start:
            return False
        return self.deleted.get(record_id) != iso(deleted_at)


def stamp_number(moment: datetime) -> int:
    """A timestamp as the number SuiteQL's ``TO_CHAR(..., 'YYYYMMDDHH24MISS')`` gives (UTC)."""
    return int(moment.astimezone(UTC).strftime("%Y%m%d%H%M%S"))


@dataclass(frozen=True)
class Fingerprint:
    """How many records, the sum of their ids and of their timestamps (:func:`stamp_number`).

    Compared with the same aggregate computed by SuiteQL over the window
    (:func:`.suiteql.fingerprint_sql`), it tells in one request whether the
    window still holds exactly the records we saw, as we saw them: a record
    that appeared (committed late), changed again or left changes the count,
    the id sum or the timestamp sum (saves only move a timestamp forward, so
    changes cannot cancel out unless several records arrive and leave with
    equal sums of ids and of timestamps at once).
    """

    count: int = 0
    ids: int = 0
    stamps: int = 0

    def plus(self, record_id: str, modified: datetime | None) -> Fingerprint:
        stamp = stamp_number(modified) if modified is not None else 0
        return Fingerprint(self.count + 1, self.ids + int(record_id), self.stamps + stamp)

    def minus(self, other: Fingerprint) -> Fingerprint:
        return Fingerprint(self.count - other.count, self.ids - other.ids, self.stamps - other.stamps)


class CursorBuilder:
    """Collects what a read observes, to build the cursor that the read hands back."""

    def __init__(self, scope: str, since: datetime):
        self.cursor = ChangeCursor(scope=scope, since=since)

    def observe(self, record_id: str, modified: datetime | None) -> None:
        if modified is not None and self.cursor.window_start <= modified < self.cursor.since:
            self.cursor.seen[record_id] = iso(modified)

    def carry(self, seen: dict[str, str], skip: set[str]) -> None:
        """Keep what a previous cursor saw (and this read did not read again) that is still in the window."""
        for record_id, stamp in seen.items():
            if record_id not in skip:
                self.observe(record_id, parse_utc(stamp))

    def observe_deletion(self, record_id: str, deleted_at: datetime | None) -> None:
        if deleted_at is not None and deleted_at >= self.cursor.window_start:
            self.cursor.deleted[record_id] = iso(deleted_at)
