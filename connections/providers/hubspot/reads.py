"""Reading HubSpot objects: the field catalog, changes since a cursor, objects by id (a mixin of
:class:`.client.HubSpotClient`).

The first read lists everything (``GET /crm/v3/objects/{type}``, 100 a page, ``after`` paging). Later
reads search on the last-modified property from the cursor minus an overlap, 200 a page, by keyset
(:mod:`.cursor`); when the search says more than 10,000 records changed, or a keyset cannot move on, the
whole list is read instead. Search never shows archived records (B.3), so each later read also lists the
recycle bin (``archived=true``) for records archived since the cursor: they come as deletions. The first
read reports no deletions: nothing was synced before it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..base import ChangePage, Record
from ..fields import FieldSpec
from .api_errors import malformed
from .associations import association_fields
from .batching import BATCH_LIMIT, chunks
from .catalog import build_catalog
from .cursor import (
    LIST_PAGE_LIMIT,
    OVERLAP_MS,
    SEARCH_PAGE_LIMIT,
    SEARCH_RESULTS_CAP,
    Cursor,
    KeysetPager,
    epoch_ms,
    load_cursor,
    next_lower,
    search_body,
    settled_after,
)
from .objects import SYNC_KEY_PROPERTY, ObjectType, object_type
from .properties import parse_datetime
from .translation import modified_at, object_to_record, property_names

if TYPE_CHECKING:
    from .transport import HubSpotTransport


def objects_path(name: str) -> str:
    return f"/crm/v3/objects/{name}"


class ObjectReads:
    """The client's reads. Uses the client's ``transport`` and its catalogs by object type."""

    transport: HubSpotTransport
    _catalogs: dict[str, list[FieldSpec]]
    _sync_key_ready: set[str]

    # --- catalog ------------------------------------------------------------------------------
    def field_catalog(self, object_type_name: str) -> list[FieldSpec]:
        """Every property of the object type (custom ones included) as our fields, from the properties API."""
        info = object_type(object_type_name)
        answer = self.transport.request("GET", f"/crm/v3/properties/{info.name}")
        results = answer.get("results")
        if not isinstance(results, list):
            raise malformed(f"the properties of {info.name} came without results")
        catalog = build_catalog(results) + list(association_fields(info.name))
        self._catalogs[info.name] = catalog
        if any(isinstance(p, dict) and p.get("name") == SYNC_KEY_PROPERTY for p in results):
            self._sync_key_ready.add(info.name)  # the account has our key property: no need to ask again
        return catalog

    def use_catalog(self, object_type_name: str, fields: list[FieldSpec]) -> None:
        """Read with ``fields`` (a catalog the caller cached) instead of asking the properties API again."""
        self._catalogs[object_type(object_type_name).name] = list(fields)

    def _property_names(self, info: ObjectType, catalog: dict[str, FieldSpec]) -> list[str]:
        """The properties a read of ``catalog``'s records asks for."""
        return property_names(catalog.values(), info)

    def _catalog(self, info: ObjectType) -> dict[str, FieldSpec]:
        fields = self._catalogs.get(info.name)
        if fields is None:
            fields = self.field_catalog(info.name)
        return {f.id: f for f in fields}

    # --- changes ------------------------------------------------------------------------------
    def read_changes(self, object_type_name: str, cursor: str | None, **scope: Any) -> Iterator[ChangePage]:
        """Pages of records changed since ``cursor`` (everything when None or unreadable), deletions
        included after the first read; the new cursor comes with the last page."""
        info = object_type(object_type_name)
        catalog = self._catalog(info)
        # Reads ask for our key property: whether HubSpot ignores or refuses a property that does not exist
        # in a read is UNCERTAIN (writes refuse it, B.4), so it is made to exist first (once per client).
        self.ensure_sync_key_property(info.name)
        properties = self._property_names(info, catalog)
        started = epoch_ms_now()
        previous = load_cursor(cursor)
        if previous is None or previous.since is None:
            latest = yield from self._list_all(info, catalog, properties)
            done = Cursor(since=_listed_until(latest, started), archived_since=started, since_read_at=epoch_ms_now())
            yield ChangePage(records=[], cursor=done.dump(), last=True, full_read=True)
            return
        latest, full = yield from self._search_since(info, catalog, properties, next_lower(previous), started)
        archived_since = previous.archived_since if previous.archived_since is not None else previous.since
        newest_archive = yield from self._archived_since(info, catalog, archived_since)
        since = max(previous.since, latest or previous.since)
        if full:  # a fallback listing: its ``since`` is this machine's clock, nothing is settled by it
            since_read_at, settled = epoch_ms_now(), previous.settled
        else:
            settled = settled_after(previous, started)
            since_read_at = previous.since_read_at if since == previous.since else epoch_ms_now()
        done = Cursor(
            since=since,
            archived_since=max(archived_since, newest_archive or archived_since),
            since_read_at=since_read_at,
            settled=settled,
        )
        yield ChangePage(records=[], cursor=done.dump(), last=True, full_read=full)

    def _list_all(self, info, catalog, properties, *, archived: bool = False) -> Iterator[ChangePage]:
        """Every record (or every archived one), 100 a page; returns the latest modified time seen."""
        latest: int | None = None
        after: str | None = None
        seen_after: set[str] = set()
        while True:
            params: dict[str, Any] = {"limit": LIST_PAGE_LIMIT, "properties": ",".join(properties)}
            if archived:
                params["archived"] = "true"
            if after:
                params["after"] = after
            answer = self.transport.request("GET", objects_path(info.name), params=params)
            records = [object_to_record(o, catalog, info) for o in _results(answer)]
            self.with_companies(info.name, records, catalog)
            for record in records:
                if record.modified_at is not None:
                    latest = max(latest or 0, epoch_ms(record.modified_at))
            if records:
                yield ChangePage(records=records, full_read=True)
            after = _next_after(answer)
            if not after:
                return latest
            if after in seen_after:
                raise malformed(f"listing {info.name} returned the same page cursor twice")
            seen_after.add(after)

    def _search_since(self, info, catalog, properties, lower: int, started: int) -> Iterator[ChangePage]:
        """Records modified at or after ``lower`` (the cursor's ``since`` minus the overlap, or its settled
        time), by keyset search; returns (latest time seen, whether the whole list had to be read instead)."""
        pager = KeysetPager(lower=lower)
        first = True
        while not pager.done:
            answer = self.transport.request(
                "POST",
                f"{objects_path(info.name)}/search",
                json_body=search_body(info.modified_property, pager.lower, properties),
            )
            if first and _total(answer) > SEARCH_RESULTS_CAP:
                # More changed than one query may page through: the list is cheaper and complete.
                yield from self._list_all(info, catalog, properties)
                return _after_fallback(started), True
            first = False
            objects = _results(answer)
            page = [(str(o.get("id")), _ms(modified_at(o, info))) for o in objects]
            # A page is full when it holds the limit or HubSpot says more follow (either way, search on).
            more = len(objects) >= SEARCH_PAGE_LIMIT or _next_after(answer) is not None
            fresh = set(pager.take(page, full=more))
            if pager.stuck:
                yield from self._list_all(info, catalog, properties)
                return _after_fallback(started), True
            records = [object_to_record(o, catalog, info) for o in objects if str(o.get("id")) in fresh]
            self.with_companies(info.name, records, catalog)
            if records:
                yield ChangePage(records=records)
        return pager.latest, False

    def _archived_since(self, info, catalog, since: int) -> Iterator[ChangePage]:
        """Records archived since ``since`` minus the overlap, as deletions (the recycle bin is listed
        whole: HubSpot filters it by nothing); returns the latest archive time seen."""
        lower = since - OVERLAP_MS
        latest: int | None = None
        for page in self._list_all(info, catalog, [info.modified_property], archived=True):
            deleted = []
            for record in page.records:
                when = _ms(parse_datetime(record.meta.get("archived_at"))) or _ms(record.modified_at)
                if when is None or when >= lower:
                    # An archive time we cannot read counts as recent: a deletion repeated is harmless,
                    # a deletion lost is not.
                    deleted.append(Record(id=record.id, modified_at=record.modified_at, deleted=True, meta=record.meta))
                if when is not None:
                    latest = max(latest or 0, when)
            if deleted:
                yield ChangePage(records=deleted)
        return latest

    # --- by id -----------------------------------------------------------------------------------
    def get_many(self, object_type_name: str, ids: list[str], **scope: Any) -> list[Record]:
        """The records with these ids, in that order (batch read, 100 a call); missing ones are left out."""
        info = object_type(object_type_name)
        catalog = self._catalog(info)
        self.ensure_sync_key_property(info.name)  # asked for in the read (see read_changes)
        properties = self._property_names(info, catalog)
        found: dict[str, Record] = {}
        for chunk in chunks(list(dict.fromkeys(i for i in ids if i)), BATCH_LIMIT):
            answer = self.transport.request(
                "POST",
                f"{objects_path(info.name)}/batch/read",
                json_body={"inputs": [{"id": i} for i in chunk], "properties": properties},
            )
            # A 207 lists the ids it could not read in its errors: they are simply not found.
            for obj in _results(answer):
                record = object_to_record(obj, catalog, info)
                found[record.id] = record
        self.with_companies(info.name, list(found.values()), catalog)
        return [found[i] for i in dict.fromkeys(ids) if i in found]


def _listed_until(latest: int | None, started: int) -> int:
    """Where a full listing leaves the cursor: no later than when it started (a record changed while the
    listing ran, on a page already read, changed after that), nor later than the latest change it saw."""
    return started if latest is None else min(latest, started)


def _after_fallback(started: int) -> int:
    """Where a fallback listing leaves the cursor: when it started. Not the latest change it saw, as after a
    first read: the changes that made the search fall back (a bulk import of more than 10,000, or a page of
    ties) are that latest change, and the next search, from it minus the overlap, would count them again
    and list everything again, on every read, until a later change came. From the listing's start, only
    the changes within the overlap before it are searched again, and the next runs leave the bulk behind.
    (``started`` is this machine's clock; the overlap covers a HubSpot clock up to ten minutes apart.)"""
    return started


def epoch_ms_now() -> int:
    return int(time.time() * 1000)


def _ms(moment) -> int | None:
    return epoch_ms(moment) if moment is not None else None


def _results(answer: dict[str, Any]) -> list[dict[str, Any]]:
    results = answer.get("results")
    if results is None:
        return []
    if not isinstance(results, list):
        raise malformed("an answer's results are not a list")
    return [r for r in results if isinstance(r, dict)]


def _next_after(answer: dict[str, Any]) -> str | None:
    paging = answer.get("paging") or {}
    following = paging.get("next") if isinstance(paging, dict) else None
    after = following.get("after") if isinstance(following, dict) else None
    return str(after) if after else None


def _total(answer: dict[str, Any]) -> int:
    try:
        return int(answer.get("total") or 0)
    except (TypeError, ValueError):
        return 0
