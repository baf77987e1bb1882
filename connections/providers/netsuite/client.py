"""The NetSuite provider: SuiteTalk REST with Token-Based Authentication.

Reads go through SuiteQL (one request per page of up to 1000 whole records,
keyset-paged); writes through the record API, one record per request (REST
has no bulk create), run concurrently up to the account's concurrency limit.
See :mod:`.cursor` for the change cursor, :mod:`.transport` for signing,
retries and the concurrency cap.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from config.redaction import redact

from ..base import ChangePage, Provider, Record, WriteRequest, WriteResult
from ..capabilities import SUITEQL_AGGREGATES, Capabilities, cached_catalog
from ..errors import MalformedResponse, NotFound, ProviderError, ValidationError
from ..fields import FieldOption, FieldSpec
from ..slots import SlotGate
from . import suiteql as ql
from .catalog import parse_catalog
from .contact_types import ContactType, contact_type
from .cursor import ChangeCursor, CursorBuilder, Fingerprint, scope_key
from .record_rows import RecordQuery, type_conditions
from .reference_lists import (
    LEAD_SOURCES,
    OPTION_LISTS_BY_FIELD,
    PARTNERS,
    SALES_REPS,
    SUBSIDIARIES,
    OptionList,
    OptionListCache,
    SubsidiaryInfo,
    subsidiary_from_row,
)
from .standard_fields import READ_ONLY_FIELDS
from .transport import ApiResponse, Transport
from .values import parse_utc, rest_value

log = logging.getLogger(__name__)

# An externalId we own: letters, digits, "_" and "-" (a "|" would even be read
# as a multiselect delimiter; reference, 2.1).
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_TRAILING_ID = re.compile(r"/(\d+)/?$")
_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "error"}  # refuse unknown field names, never drop them
_SUITEQL_HEADERS = {"Prefer": "transient"}

# The casing of DeletedRecord.type is UNCERTAIN in the reference; asking for
# the plausible spellings costs nothing and misses no deletion.
_DELETED_TYPE_SPELLINGS = {
    "customer": ("customer", "Customer", "CUSTOMER"),
    "contact": ("contact", "Contact", "CONTACT"),
}


class NetSuiteClient(Provider):
    """A client of one NetSuite account.

    ``credentials`` holds ``consumer_key``, ``consumer_secret``, ``token_id``
    and ``token_secret``; ``base_url`` replaces the host derived from the
    account id (the sandbox: ``http://127.0.0.1:PORT``), while the realm is
    always derived from the account id. ``concurrency_limit`` caps the
    requests this client has in flight (``slots``, when given, is the account's gate shared with every
    other client, worker and machine: ``connections.slots``), ``timeout`` applies to every call,
    ``max_retries`` to every retryable failure; ``backoff_base`` and
    ``backoff_max`` (seconds) shape the exponential backoff. ``capabilities``
    remembers what the account refused (the change-count aggregate, a cached
    catalog's fields), so a refused request is not sent on every run.
    """

    key = "netsuite"

    def __init__(
        self,
        account_id: str,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        concurrency_limit: int = 5,
        timeout: float = 30.0,
        max_retries: int = 5,
        *,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        capabilities: Capabilities | None = None,
        slots: SlotGate | None = None,
    ):
        # What this account refused before (remembered across runs by the caller): not asked again.
        self.capabilities = capabilities or Capabilities()
        self.transport = Transport(
            account_id,
            credentials,
            base_url,
            concurrency_limit=concurrency_limit,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            slots=slots,
        )
        self.account_id = self.transport.realm
        self.base_url = self.transport.base_url
        self.concurrency_limit = concurrency_limit
        self._schemas: dict[str, Mapping[str, Any]] = {}
        self._schema_lock = threading.Lock()
        self._given_catalogs: dict[str, list[FieldSpec]] = {}  # contact type key -> specs (use_catalog)
        self._option_lists = OptionListCache()

    def __repr__(self) -> str:
        return f"<NetSuiteClient account={self.account_id} base_url={self.base_url}>"

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.transport.close()

    # --- SuiteQL -------------------------------------------------------------
    def suiteql(self, sql: str, *, limit: int = ql.MAX_PAGE_SIZE, offset: int = 0) -> ApiResponse:
        """Run one page of a SuiteQL query (``Prefer: transient`` is required)."""
        response = self.transport.request(
            "POST",
            "/query/v1/suiteql",
            params={"limit": min(limit, ql.MAX_PAGE_SIZE), "offset": offset},
            json_body={"q": sql},
            headers=_SUITEQL_HEADERS,
        )
        if not isinstance(response.data, Mapping) or not isinstance(response.data.get("items", []), list):
            raise MalformedResponse("NetSuite answered a SuiteQL query without an items list")
        return response

    def _keyset_pages(
        self, select: ql.Select, page_size: int = ql.MAX_PAGE_SIZE
    ) -> Iterator[tuple[list[Mapping[str, Any]], ApiResponse]]:
        """Every row of ``select``, page by page (``key > last ORDER BY key``); at least one page."""
        page_size = max(1, min(page_size, ql.MAX_PAGE_SIZE))
        after: int | None = None
        while True:
            response = self.suiteql(select.page_sql(after), limit=page_size)
            items = response.data.get("items") or []
            yield items, response
            if not items or not response.data.get("hasMore", len(items) >= page_size):
                return
            try:
                last = int(items[-1][select.key])
            except (KeyError, TypeError, ValueError):
                raise MalformedResponse(f"NetSuite SuiteQL rows of {select.table} lack a usable {select.key}") from None
            if after is not None and last <= after:
                raise MalformedResponse(f"NetSuite SuiteQL paging of {select.table} did not advance past {after}")
            after = last

    def _rows(self, select: ql.Select) -> list[Mapping[str, Any]]:
        return [row for rows, _ in self._keyset_pages(select) for row in rows]

    # --- account --------------------------------------------------------------
    def verify(self) -> dict[str, Any]:
        """Prove that the credentials work, with one cheap SuiteQL query.

        Returns ``account_id`` (realm form), ``base_url``, ``subsidiary_count``
        and ``server_time`` (ISO UTC, from the response's Date header).
        Raises :class:`AuthenticationError` or :class:`PermissionDenied` with
        a message that says what to check.
        """
        response = self.suiteql("SELECT id FROM subsidiary ORDER BY id", limit=1)
        server_time = response.server_time
        return {
            "account_id": self.account_id,
            "base_url": self.base_url,
            "subsidiary_count": response.data.get("totalResults"),
            "server_time": server_time.astimezone(UTC).isoformat() if server_time else None,
        }

    def subsidiaries(self) -> list[SubsidiaryInfo]:
        """Every subsidiary, inactive and elimination ones included (flagged)."""
        return [subsidiary_from_row(row) for row in self._rows(SUBSIDIARIES)]

    def sales_reps(self, refresh: bool = False) -> list[FieldOption]:
        """Active employees marked as sales reps: the options of Sales Rep (read once per client)."""
        return self._options(SALES_REPS, refresh)

    def partners(self, refresh: bool = False) -> list[FieldOption]:
        """Active partners: the options of Partner (read once per client)."""
        return self._options(PARTNERS, refresh)

    def lead_sources(self, refresh: bool = False) -> list[FieldOption]:
        """Active campaigns: the options of Initial Lead Source (read once per client)."""
        return self._options(LEAD_SOURCES, refresh)

    def _options(self, option_list: OptionList, refresh: bool = False) -> list[FieldOption]:
        return self._option_lists.get(
            option_list, lambda ol: [ol.option(row) for row in self._rows(ol.select)], refresh=refresh
        )

    # --- catalog --------------------------------------------------------------
    def _schema(self, record_type: str, refresh: bool = False) -> Mapping[str, Any]:
        with self._schema_lock:
            cached = None if refresh else self._schemas.get(record_type)
        if cached is not None:
            return cached
        response = self.transport.request(
            "GET", f"/record/v1/metadata-catalog/{record_type}", headers={"Accept": "application/schema+json"}
        )
        if not isinstance(response.data, Mapping) or not isinstance(response.data.get("properties"), Mapping):
            raise MalformedResponse(f"NetSuite's metadata of {record_type} has no properties")
        with self._schema_lock:
            self._schemas[record_type] = response.data
        return response.data

    def field_catalog(self, object_type: str, refresh: bool = False) -> list[FieldSpec]:
        """The syncable fields of a contact type: known standard fields, then custom fields, typed.

        Sales Rep, Partner and Initial Lead Source carry their option lists,
        read with SuiteQL (the schema lists record options partially at
        best); other selects take their options, with names, from the schema.
        The metadata and the option lists are cached per client; ``refresh``
        fetches them again.
        """
        kind = contact_type(object_type)
        schema = self._schema(kind.record_type, refresh)
        properties = {name.lower() for name in schema.get("properties", {})}
        options = {
            field_id: tuple(self._options(option_list, refresh))
            for field_id, option_list in OPTION_LISTS_BY_FIELD.items()
            if field_id.lower() in properties
        }
        return parse_catalog(schema, options)

    def use_catalog(self, object_type: str, fields: list[FieldSpec]) -> None:
        """Select records with ``fields`` (the caller's cached catalog) instead of
        fetching the metadata catalog: one request less per run.

        When NetSuite refuses a query built from it (a custom field removed
        since the catalog was cached), the client forgets it and retries once
        with the live metadata, so a stale cache costs a request, not a run.
        """
        kind = contact_type(object_type)
        if self.capabilities.refused(cached_catalog(kind.key)):
            return  # refused lately: the live metadata is read instead, without the refused query first
        self._given_catalogs[kind.key] = list(fields)

    def _record_query(self, kind: ContactType) -> RecordQuery:
        given = self._given_catalogs.get(kind.key)
        if given is not None:
            return RecordQuery(kind, given)
        # Option lists are not needed to read: references carry their display text.
        return RecordQuery(kind, parse_catalog(self._schema(kind.record_type)))

    def _with_live_catalog_on_refusal(self, kind: ContactType, exc: ValidationError) -> None:
        """Forget a given catalog that NetSuite refused a query of (re-raise when there was none)."""
        if self._given_catalogs.pop(kind.key, None) is None:
            raise exc
        self.capabilities.refuse(cached_catalog(kind.key))
        log.warning(
            "NetSuite %s: a query built from the cached %s catalog was refused (%s); using the live metadata",
            self.account_id,
            kind.key,
            exc,
        )

    # --- reads ----------------------------------------------------------------
    def read_changes(
        self, object_type: str, cursor: str | None, *, subsidiary_id: str, page_size: int = 1000, **_: Any
    ) -> Iterator[ChangePage]:
        """Pages of the records of one contact type in one subsidiary changed since ``cursor``.

        A None (or unusable) cursor gives a full read (``full_read=True``) and
        no deletions. Otherwise the pages hold the records changed since the
        previous read, then a last page with the deletions recorded in
        NetSuite's DeletedRecord table since then. Deletions cannot be scoped:
        DeletedRecord knows neither isPerson nor the subsidiary, so the
        deletions of every customer (or contact) are reported and callers
        ignore ids they do not know. Only the last page carries the new cursor
        (format: :mod:`.cursor`). ``defaultAddress`` is not read (see
        :mod:`.standard_fields`).
        """
        kind = contact_type(object_type)
        scope = scope_key(kind.key, str(subsidiary_id))
        previous = ChangeCursor.decode(cursor, scope)
        started = datetime.now(UTC).replace(microsecond=0)
        where = type_conditions(kind, subsidiary_id)
        if previous is None:
            builder: CursorBuilder | None = None
            for records, response in self._record_pages(kind, where, page_size):
                builder = builder or CursorBuilder(scope, _since(started, response))
                for record in records:
                    builder.observe(record.id, record.modified_at)
                if records:
                    yield ChangePage(records=records, full_read=True)
            assert builder is not None  # _keyset_pages yields at least one page
            yield ChangePage(records=[], cursor=builder.cursor.encode(), last=True, full_read=True)
            return
        yield from self._read_since(kind, scope, previous, where, started, page_size)

    def _read_since(
        self,
        kind: ContactType,
        scope: str,
        previous: ChangeCursor,
        where: list[str],
        started: datetime,
        page_size: int,
    ) -> Iterator[ChangePage]:
        """An incremental read: what changed since ``previous``, in as few requests as it takes.

        1. One aggregate query fingerprints every record of the scope stamped
           at or after the previous window's start. Equal to the fingerprint
           of what the previous read saw there: nothing changed, and the read
           is this query and the deletions' (a run with nothing new costs two
           requests, however many records changed in the last minutes).
        2. Otherwise the records stamped at or after the previous read's start
           are read, page by page.
        3. If those do not account for the whole difference, something in the
           overlap window changed too (a save committed after the previous
           read, though stamped before it): the window is read again, and
           ``seen`` drops what the previous read delivered already.
        """
        counted, response = None, None
        if not self.capabilities.refused(SUITEQL_AGGREGATES):
            try:
                response = self.suiteql(
                    ql.fingerprint_sql(
                        kind.record_type, where + ql.at_or_after("lastmodifieddate", previous.window_start)
                    ),
                    limit=1,
                )
            except ValidationError as exc:
                # Aggregates are Oracle SQL, but not documented for SuiteQL (sandbox README): an
                # account that refuses them is read the plain way, the window included, and is
                # not asked again until the refusal expires.
                log.warning(
                    "NetSuite %s: the change count query was refused (%s); reading the rows", self.account_id, exc
                )
                self.capabilities.refuse(SUITEQL_AGGREGATES)
                response = None
            else:
                counted = _fingerprint(response)
        builder = CursorBuilder(scope, _since(started, response))
        expected = previous.seen_fingerprint()
        delivered: set[str] = set()
        window_read = False
        if counted != expected:
            newer = Fingerprint()
            since_previous = where + ql.at_or_after("lastmodifieddate", previous.since)
            for records, _ in self._record_pages(kind, since_previous, page_size):
                for record in records:
                    newer = newer.plus(record.id, record.modified_at)
                    delivered.add(record.id)
                    builder.observe(record.id, record.modified_at)
                new = [r for r in records if previous.is_new_change(r.id, r.modified_at)]
                if new:
                    yield ChangePage(records=new, full_read=False)
            # Records saved again since the previous read left the window for this part.
            moved = Fingerprint()
            for record_id in delivered & previous.seen.keys():
                moved = moved.plus(record_id, parse_utc(previous.seen[record_id]))
            if counted is None or counted.minus(newer) != expected.minus(moved):
                window_read = True
                window = [
                    *where,
                    *ql.at_or_after("lastmodifieddate", previous.window_start),
                    ql.before("lastmodifieddate", previous.since),
                ]
                for records, _ in self._record_pages(kind, window, page_size):
                    for record in records:
                        builder.observe(record.id, record.modified_at)
                    new = [r for r in records if previous.is_new_change(r.id, r.modified_at)]
                    if new:
                        yield ChangePage(records=new, full_read=False)
        if not window_read:
            # The window holds what the previous read saw there: keep remembering it.
            builder.carry(previous.seen, skip=delivered)
        deletions = self._deletions(kind, previous, builder)
        yield ChangePage(records=deletions, cursor=builder.cursor.encode(), last=True, full_read=False)

    def _record_pages(
        self, kind: ContactType, where: list[str], page_size: int
    ) -> Iterator[tuple[list[Record], ApiResponse]]:
        """The records of one contact type matching ``where``, a page at a time.

        A query built from a given catalog that NetSuite refuses is retried once
        with the live metadata (see :meth:`use_catalog`).
        """
        query = self._record_query(kind)
        pages = self._keyset_pages(query.select(where), page_size)
        try:
            first = next(pages)
        except ValidationError as exc:
            self._with_live_catalog_on_refusal(kind, exc)
            query = self._record_query(kind)
            pages = self._keyset_pages(query.select(where), page_size)
            first = next(pages)
        for rows, response in itertools.chain([first], pages):
            yield [query.record(row) for row in rows], response

    def _deletions(self, kind: ContactType, previous: ChangeCursor, builder: CursorBuilder) -> list[Record]:
        spellings = _DELETED_TYPE_SPELLINGS[kind.record_type]
        select = ql.Select(
            "deletedrecord",
            ["recordid", f"{ql.utc_text('deleteddate')} AS deleteddate"],
            [f"type IN {ql.in_list(spellings)}", *ql.changed_since("deleteddate", previous)],
            key="recordid",
        )
        deletions = []
        for rows, _ in self._keyset_pages(select):
            for row in rows:
                record_id = str(row["recordid"])
                deleted_at = parse_utc(row.get("deleteddate"))
                builder.observe_deletion(record_id, deleted_at)
                if previous.is_new_deletion(record_id, deleted_at):
                    deletions.append(
                        Record(record_id, modified_at=deleted_at, deleted=True, meta={"recordType": kind.record_type})
                    )
        return deletions

    def get_many(self, object_type: str, ids: list[str], *, subsidiary_id: str | None = None, **_: Any) -> list[Record]:
        """The records with these internal ids, of this contact type (and subsidiary when given).

        Ids that do not exist (or are of another type) are left out.
        """
        kind = contact_type(object_type)
        wanted = sorted({ql.integer(i) for i in ids}, key=int)
        return self._records_where(kind, "id", wanted, numeric=True, subsidiary_id=subsidiary_id)

    def find_by_emails(
        self, object_type: str, emails: Iterable[str], *, subsidiary_id: str | None, **_: Any
    ) -> list[Record]:
        """Records whose email equals one of ``emails`` (trimmed, case-insensitive); several per email may match."""
        kind = contact_type(object_type)
        wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})
        return self._records_where(kind, "LOWER(email)", wanted, subsidiary_id=subsidiary_id)

    def _records_where(
        self,
        kind: ContactType,
        expression: str,
        values: list[str],
        *,
        numeric: bool = False,
        subsidiary_id: str | None = None,
        scoped: bool = True,
    ) -> list[Record]:
        records = []
        for chunk in ql.chunks(values):
            where = type_conditions(kind, subsidiary_id) if scoped else []
            where.append(f"{expression} IN {ql.in_list(chunk, numeric=numeric)}")
            for page, _ in self._record_pages(kind, where, ql.MAX_PAGE_SIZE):
                records.extend(page)
        return records

    # --- writes ---------------------------------------------------------------
    def create_many(
        self, object_type: str, requests: list[WriteRequest], *, subsidiary_id: str, **_: Any
    ) -> list[WriteResult]:
        """Create (or find again) one record per request, idempotently: ``PUT /record/v1/<type>/eid:<key>``.

        The key is an externalId we own, so a retried or repeated create
        updates the record it created before instead of duplicating it. The
        body is the request's values (read-only fields left out) plus the
        subsidiary and, for customers, isPerson. NetSuite's answer to a PUT
        carries no body (and a Location header is UNCERTAIN), so the new
        internal ids, and the records as NetSuite stored them, are read back
        with one SuiteQL query per 500 keys.
        """
        kind = contact_type(object_type)
        fixed: dict[str, Any] = {"subsidiary": {"id": str(subsidiary_id)}}
        if kind.is_person is not None:
            fixed["isPerson"] = kind.is_person

        def upsert(request: WriteRequest) -> WriteResult:
            if not _EXTERNAL_ID.match(request.key or ""):
                raise ValidationError(
                    f"{request.key!r} is not a usable NetSuite externalId (letters, digits, _ and - only)",
                    path="externalId",
                )
            body = _body(request.values, request.values.keys(), keep_nulls=False) | fixed
            response = self.transport.request(
                "PUT",
                f"/record/v1/{kind.record_type}/eid:{request.key}",
                json_body=body,
                headers=_WRITE_HEADERS,
                expect_json=False,
            )
            match = _TRAILING_ID.search(response.headers.get("Location", "") or "")
            return WriteResult(key=request.key, record_id=match.group(1) if match else None)

        results = self._concurrently(requests, upsert)
        written = [r for r in results if r.ok]
        if not written:
            return results
        try:
            stored = self._records_where(kind, "externalid", [r.key for r in written], scoped=False)
        except ProviderError as exc:
            stored, read_error = [], exc
        else:
            read_error = None
        by_key = {record.meta.get("externalId"): record for record in stored}
        for result in written:
            result.record = by_key.get(result.key)
            if result.record is not None:
                result.record_id = result.record.id
            elif result.record_id is None:
                # Written, but its id is unknown: report it failed; retrying the
                # create is safe (it is an upsert on the same externalId).
                result.error = read_error or NotFound(
                    f"NetSuite accepted {kind.record_type} eid:{result.key} but SuiteQL cannot find it"
                )
        return results

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Make the records inactive (``isInactive``): NetSuite's way of retiring a record without deleting it."""
        inactive = [
            WriteRequest(key=r.key, record_id=r.record_id, values={"isInactive": True}, fields=["isInactive"])
            for r in requests
        ]
        return self.update_many(object_type, inactive, **scope)

    def update_many(self, object_type: str, requests: list[WriteRequest], **_: Any) -> list[WriteResult]:
        """PATCH each record with only ``request.fields`` (all of ``values`` when None); a None value clears the field.

        Read-only fields are left out. ``WriteResult.record`` is the record
        read back after the writes (one SuiteQL query per 500 records), since
        NetSuite may accept a PATCH and still drop a field the role cannot write.
        """
        kind = contact_type(object_type)

        def patch(request: WriteRequest) -> WriteResult:
            record_id = _record_id(request)
            names = request.fields if request.fields is not None else list(request.values)
            body = _body(request.values, names, keep_nulls=True)
            if body:
                self.transport.request(
                    "PATCH",
                    f"/record/v1/{kind.record_type}/{record_id}",
                    json_body=body,
                    headers=_WRITE_HEADERS,
                    expect_json=False,
                )
            return WriteResult(key=request.key, record_id=record_id)

        results = self._concurrently(requests, patch)
        written = [r for r in results if r.ok]
        if written:
            try:
                stored = self._records_where(kind, "id", [r.record_id for r in written], numeric=True, scoped=False)
            except ProviderError as exc:  # the writes landed; only the read-back is missing
                log.warning(
                    "NetSuite %s: reading back %d updated records failed: %s", self.account_id, len(written), exc
                )
                stored = []
            by_id = {record.id: record for record in stored}
            for result in written:
                result.record = by_id.get(result.record_id)
        return results

    def delete_many(self, object_type: str, requests: list[WriteRequest], **_: Any) -> list[WriteResult]:
        """DELETE each ``request.record_id``; a record that is already gone counts as deleted."""
        kind = contact_type(object_type)

        def delete(request: WriteRequest) -> WriteResult:
            record_id = _record_id(request)
            try:
                self.transport.request("DELETE", f"/record/v1/{kind.record_type}/{record_id}", expect_json=False)
            except NotFound:
                pass  # deleted before, possibly by our own earlier attempt whose answer was lost
            return WriteResult(key=request.key, record_id=record_id)

        return self._concurrently(requests, delete)

    def _concurrently(
        self, requests: list[WriteRequest], write: Callable[[WriteRequest], WriteResult]
    ) -> list[WriteResult]:
        """Run ``write`` for each request on ``concurrency_limit`` threads; one result per request, in order.

        A failure becomes that request's ``WriteResult.error``; it never
        aborts the others.
        """

        def guarded(request: WriteRequest) -> WriteResult:
            try:
                return write(request)
            except ProviderError as exc:
                return WriteResult(key=request.key, record_id=request.record_id, error=exc)
            except (TypeError, ValueError) as exc:  # a value we cannot express in NetSuite's JSON
                return WriteResult(
                    key=request.key, record_id=request.record_id, error=ValidationError(redact(str(exc)))
                )
            except Exception as exc:  # noqa: BLE001 - one record's bug must not lose the other results
                log.exception("NetSuite %s: unexpected error writing %s", self.account_id, request.key)
                error = ProviderError(redact(f"unexpected {type(exc).__name__}: {exc}"))
                return WriteResult(key=request.key, record_id=request.record_id, error=error)

        if not requests:
            return []
        workers = min(self.concurrency_limit, len(requests))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="netsuite-write") as pool:
            return list(pool.map(guarded, requests))


def _since(started: datetime, response: ApiResponse | None) -> datetime:
    """Where the next window starts: the earlier of our clock and NetSuite's (its
    ``Date`` header), so that a NetSuite clock running behind ours loses nothing."""
    server_time = response.server_time if response is not None else None
    return min(started, server_time.astimezone(UTC)) if server_time else started


def _fingerprint(response: ApiResponse) -> Fingerprint:
    """The :class:`Fingerprint` in the answer to :func:`.suiteql.fingerprint_sql` (NULL sums are left out)."""
    items = (response.data or {}).get("items") if isinstance(response.data, Mapping) else None
    try:
        row = items[0]
        return Fingerprint(int(row["n"]), int(row.get("ids") or 0), int(row.get("stamps") or 0))
    except (TypeError, IndexError, KeyError, ValueError):
        raise MalformedResponse("NetSuite answered the change count query without a usable count") from None


def _body(values: Mapping[str, Any], names: Iterable[str], *, keep_nulls: bool) -> dict[str, Any]:
    """The REST JSON body for ``names`` out of ``values``; read-only fields are never sent."""
    body = {}
    for name in names:
        if name in READ_ONLY_FIELDS:
            continue
        value = values.get(name)
        if value is None and not keep_nulls:
            continue
        body[name] = rest_value(value)
    return body


def _record_id(request: WriteRequest) -> str:
    if not request.record_id:
        raise ValidationError(f"no NetSuite internal id to write record {request.key!r}")
    try:
        return ql.integer(request.record_id)
    except ValueError:
        raise ValidationError(f"{request.record_id!r} is not a NetSuite internal id") from None
