"""A Mailchimp account's client: its audiences, an audience's catalog, its members changed since a time, and
the writes (:mod:`.writes`). The audience a connection syncs is passed explicitly (``list_id``); binding it to
the engine's seam (the registration) comes next.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..base import ChangePage, Provider
from ..fields import FieldSpec
from .api_errors import malformed
from .catalog import build_catalog
from .translation import record_of
from .transport import MailchimpTransport
from .writes import MemberWrites

API_KEY = "api_key"
PAGE = 1000  # count's maximum (reference C.3)
# Offset paging over a changing audience can skip or repeat members, and last_changed has one-second steps:
# each read starts this far before the last change seen, and the engine's mirror drops what it already has.
OVERLAP = timedelta(minutes=5)


def _items(answer: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    items = answer.get(key)
    if not isinstance(items, list):
        raise malformed(what)
    return [item for item in items if isinstance(item, dict)]


class MailchimpClient(MemberWrites, Provider):
    """One Mailchimp account (an API key)."""

    key = "mailchimp"

    def __init__(self, account_id: str, credentials: dict[str, Any], *, base_url: str | None = None, **options):
        self.account_id = account_id
        self.transport = MailchimpTransport(credentials.get(API_KEY, ""), base_url_override=base_url, **options)

    def _pages(
        self, path: str, key: str, params: dict[str, Any] | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """``(items, last)`` for each page of a list endpoint, by ``count``/``offset`` until ``total_items``."""
        offset = 0
        while True:
            answer = self.transport.request("GET", path, params={**(params or {}), "count": PAGE, "offset": offset})
            items = _items(answer, key, f"GET {path}")
            offset += len(items)
            total = answer.get("total_items")
            last = not items or not isinstance(total, int) or offset >= total
            yield items, last
            if last:
                return

    def _paged(self, path: str, key: str, params: dict[str, Any] | None = None) -> Iterator[list[dict[str, Any]]]:
        for items, _ in self._pages(path, key, params):
            yield items

    def audiences(self) -> list[dict[str, str]]:
        """The account's audiences, as ``{"id", "name"}``."""
        return [
            {"id": str(a.get("id") or ""), "name": str(a.get("name") or "")}
            for page in self._paged("/lists", "lists")
            for a in page
        ]

    def verify(self) -> dict[str, Any]:
        """Check the key (its data centre and its audiences answer); the audiences are the facts returned."""
        return {"audiences": self.audiences()}

    def field_catalog(self, list_id: str) -> list[FieldSpec]:
        """The catalog of the audience ``list_id``: the members' standard fields and its merge fields."""
        return build_catalog(m for page in self._paged(f"/lists/{list_id}/merge-fields", "merge_fields") for m in page)

    def read_changes(self, list_id: str, cursor: str | None, catalog: list[FieldSpec] | None = None):
        """Pages of the audience's members changed since ``cursor`` (an ISO time; everything when None), oldest
        change first; the last page carries the new cursor (the latest ``last_changed`` seen, or the old one)."""
        types = {f.id: f.type for f in catalog or ()}
        params: dict[str, Any] = {"sort_field": "last_changed", "sort_dir": "ASC"}
        since = _since(cursor)
        if since is not None:
            params["since_last_changed"] = since
        latest = cursor
        for page, last in self._pages(f"/lists/{list_id}/members", "members", params):
            records = [record_of(member, types) for member in page]
            for record in records:
                if record.modified_at is not None:
                    stamp = record.modified_at.isoformat()
                    latest = stamp if latest is None or stamp > latest else latest
            yield ChangePage(records, cursor=latest if last else None, last=last, full_read=cursor is None)


def _since(cursor: str | None) -> str | None:
    """The ``since_last_changed`` of a read from ``cursor``: the overlap before it, as Mailchimp writes times."""
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError:
        return None
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - OVERLAP
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
