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


class CursorBuilder:
    """Collects what a read observes, to build the cursor that the read hands back."""

    def __init__(self, scope: str, since: datetime):
        self.cursor = ChangeCursor(scope=scope, since=since)

    def observe(self, record_id: str, modified: datetime | None) -> None:
        if modified is not None and self.cursor.window_start <= modified < self.cursor.since:
            self.cursor.seen[record_id] = iso(modified)

    def observe_deletion(self, record_id: str, deleted_at: datetime | None) -> None:
        if deleted_at is not None and deleted_at >= self.cursor.window_start:
            self.cursor.deleted[record_id] = iso(deleted_at)
