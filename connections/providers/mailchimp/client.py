"""A Mailchimp account's client: its audiences, an audience's catalog, its members changed since a time, and
the writes (:mod:`.writes`, a member's tags: :mod:`.tag_writes`).

The engine's seam (:class:`~..base.Provider`) names what it syncs by object type: ``audience/<list id>``
(:mod:`.objects`), the audience a connection chose. The methods by ``list_id`` are the same calls for one
audience, for the wizard and the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ..base import ChangePage, Provider, Record
from ..errors import NotFound
from ..fields import FieldSpec
from .api_errors import malformed
from .catalog import build_catalog
from .cursor import load_cursor, lower_bound, next_cursor
from .member_writes import MemberSeam
from .objects import audience_object, list_id_of
from .parallel import in_parallel
from .tag_writes import MemberTags
from .translation import record_of
from .transport import MailchimpTransport
from .writes import MemberWrites

API_KEY = "api_key"
PAGE = 1000  # count's maximum (reference C.3)
EXTRA_PASSES = 2  # listings read again because members changed during the read (see _stable_pages)


def _items(answer: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    items = answer.get(key)
    if not isinstance(items, list):
        raise malformed(what)
    return [item for item in items if isinstance(item, dict)]


class MailchimpClient(MemberSeam, MemberWrites, MemberTags, Provider):
    """One Mailchimp account (an API key)."""

    key = "mailchimp"

    def __init__(self, account_id: str, credentials: dict[str, Any], *, base_url: str | None = None, **options):
        self.account_id = account_id
        self.transport = MailchimpTransport(credentials.get(API_KEY, ""), base_url_override=base_url, **options)
        self._catalogs: dict[str, list[FieldSpec]] = {}

    def close(self) -> None:
        self.transport.close()

    def _pages(
        self, path: str, key: str, params: dict[str, Any] | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """``(items, total_items)`` for each page of a list endpoint, by ``count``/``offset`` until the total."""
        offset = 0
        while True:
            answer = self.transport.request("GET", path, params={**(params or {}), "count": PAGE, "offset": offset})
            items = _items(answer, key, f"GET {path}")
            offset += len(items)
            total = answer.get("total_items")
            total = total if isinstance(total, int) else None
            yield items, total
            if not items or total is None or offset >= total:
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

    def audience_choices(self) -> list[tuple[str, str]]:
        """``(object type, name)`` of each audience a connection can sync (the wizard's choice)."""
        return [(audience_object(a["id"]), a["name"] or a["id"]) for a in self.audiences() if a["id"]]

    def audience_catalog(self, list_id: str) -> list[FieldSpec]:
        """The catalog of the audience ``list_id``: the members' standard fields and its merge fields."""
        return build_catalog(m for page in self._paged(f"/lists/{list_id}/merge-fields", "merge_fields") for m in page)

    def member(self, list_id: str, member_id: str) -> Record | None:
        """One member of the audience, as a record (None when Mailchimp has no such member)."""
        try:
            answer = self.transport.request("GET", f"/lists/{list_id}/members/{member_id}")
        except NotFound:
            return None
        types = {f.id: f.type for f in self._catalogs.get(audience_object(list_id)) or ()}
        return record_of(answer, types)

    # --- the engine's seam (object type: ``audience/<list id>``) -----------------------------------
    def field_catalog(self, object_type: str) -> list[FieldSpec]:
        return self.audience_catalog(list_id_of(object_type))

    def use_catalog(self, object_type: str, fields: list[FieldSpec]) -> None:
        self._catalogs[object_type] = list(fields)

    def read_changes(self, object_type: str, cursor: str | None, **scope: Any) -> Iterator[ChangePage]:
        return self.read_members(list_id_of(object_type), cursor, self._catalogs.get(object_type))

    def get_many(self, object_type: str, ids: list[str], **scope: Any) -> list[Record]:
        list_id = list_id_of(object_type)
        found = in_parallel(lambda member_id: self.member(list_id, member_id), ids)
        return [record for record in found if record is not None]

    def read_members(self, list_id: str, cursor: str | None, catalog: list[FieldSpec] | None = None):
        """Pages of the audience's members changed since ``cursor`` (:mod:`.cursor`; everything when None),
        oldest change first; the last page carries the new cursor.

        Archived members are not in an unfiltered list (sandbox UNCERTAIN 5), so a read since a cursor also
        lists those archived since: they are the audience's deletions. A first read has no deletions to see.
        A read that sees no member at all (an empty audience) ends at the time it started: a cursor, so that
        the next read is one since then, which sees the members archived meanwhile (a read without a cursor
        would not)."""
        started = datetime.now(UTC).replace(microsecond=0)
        previous = load_cursor(cursor)
        types = {f.id: f.type for f in catalog or ()}
        params: dict[str, Any] = {"sort_field": "last_changed", "sort_dir": "ASC"}
        if previous is not None:
            params["since_last_changed"] = _stamp(lower_bound(previous))
        passes = [params] if previous is None else [params, {**params, "status": "archived"}]
        latest: datetime | None = None
        held: list[Record] | None = None  # the last batch is held back: it goes out last, with the cursor
        for query in passes:
            for records in self._stable_pages(f"/lists/{list_id}/members", query, types):
                for record in records:
                    if record.modified_at is not None and (latest is None or record.modified_at > latest):
                        latest = record.modified_at
                if held is not None:
                    yield ChangePage(held, full_read=previous is None)
                held = records
        end = next_cursor(previous, latest, started, datetime.now(UTC)).dump()
        yield ChangePage(held or [], cursor=end, last=True, full_read=previous is None)

    def _stable_pages(self, path: str, query: dict[str, Any], types: dict) -> Iterator[list[Record]]:
        """The members of one listing, page by page, read again from the start when the listing shifted while it
        was read (at most :data:`EXTRA_PASSES` times). Pages go by offset, sorted by ``last_changed``: a member
        read already that changes meanwhile moves to the end (it comes a second time), and one that leaves the
        listing (archived) makes the total drop; either way the member after its old place slips into a page
        already read and would be missed (UNCERTAIN in the reference; the sandbox does so). A member added meanwhile
        comes at the end and shifts nothing."""
        for _ in range(EXTRA_PASSES + 1):
            seen: set[str] = set()
            first_total: int | None = None
            shifted = False
            for page, total in self._pages(path, "members", query):
                first_total = total if first_total is None else first_total
                records = [record_of(member, types) for member in page]
                ids = [record.id for record in records]
                dropped = total is not None and first_total is not None and total < first_total
                shifted = shifted or dropped or any(i in seen for i in ids)
                seen.update(ids)
                yield records
            if not shifted:
                return


def _stamp(moment: datetime) -> str:
    """A time as Mailchimp writes it in a query (whole seconds, UTC offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
