"""Reading NetSuite records with SuiteQL: changes since a cursor (deletions included), records by
internal id or email (a mixin of :class:`.client.NetSuiteClient`)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ..base import ChangePage, Record
from ..capabilities import SUITEQL_AGGREGATES, Capabilities
from ..errors import MalformedResponse, PermissionDenied, ValidationError
from . import suiteql as ql
from .addresses import ADDRESS_FIELD, META_KEY, DefaultAddress, address_book_sql, default_address_of
from .companies import OUT_OF_SCOPE, company_id, company_subsidiary_sql, out_of_scope_reason
from .contact_types import ContactType, contact_type
from .cursor import ChangeCursor, CursorBuilder, Fingerprint, scope_key
from .record_rows import type_conditions
from .transport import ApiResponse
from .values import parse_utc

log = logging.getLogger(__name__)

# The capability "the address book tables can be joined" (remembered when an account refuses it).
ADDRESS_BOOK_QUERY = "netsuite_address_book_query"

# The casing of DeletedRecord.type is UNCERTAIN in the reference; asking for
# the plausible spellings costs nothing and misses no deletion.
_DELETED_TYPE_SPELLINGS = {
    "customer": ("customer", "Customer", "CUSTOMER"),
    "contact": ("contact", "Contact", "CONTACT"),
}


class NetSuiteReads:
    """The client's reads: changes since a cursor, records by internal id or email.

    Uses the client's SuiteQL paging (``suiteql``, ``_keyset_pages``) and its record query
    (``_record_query``, built from the field catalog, see :meth:`.client.NetSuiteClient.use_catalog`).
    """

    account_id: str
    capabilities: Capabilities

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
        (format: :mod:`.cursor`). ``defaultAddress``, when the catalog has it,
        is read from the address book with one more query per page (:mod:`.addresses`).
        """
        kind = contact_type(object_type)
        scope = scope_key(kind.key, str(subsidiary_id))
        previous = ChangeCursor.decode(cursor, scope)
        started = datetime.now(UTC).replace(microsecond=0)
        where = type_conditions(kind, subsidiary_id)
        if previous is None:
            builder: CursorBuilder | None = None
            for records, response in self._record_pages(kind, where, page_size, subsidiary_id=subsidiary_id):
                builder = builder or CursorBuilder(scope, _since(started, response))
                for record in records:
                    builder.observe(record.id, record.modified_at)
                if records:
                    yield ChangePage(records=records, full_read=True)
            assert builder is not None  # _keyset_pages yields at least one page
            yield ChangePage(records=[], cursor=builder.cursor.encode(), last=True, full_read=True)
            return
        yield from self._read_since(kind, scope, previous, where, started, page_size, str(subsidiary_id))

    def _read_since(
        self,
        kind: ContactType,
        scope: str,
        previous: ChangeCursor,
        where: list[str],
        started: datetime,
        page_size: int,
        subsidiary_id: str,
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

        def is_new(record: Record) -> bool:
            return previous.is_new_change(record.id, record.modified_at)

        delivered: set[str] = set()
        window_read = False
        if counted != expected:
            newer = Fingerprint()
            since_previous = where + ql.at_or_after("lastmodifieddate", previous.since)
            for records, _ in self._record_pages(kind, since_previous, page_size, is_new, subsidiary_id=subsidiary_id):
                for record in records:
                    newer = newer.plus(record.id, record.modified_at)
                    delivered.add(record.id)
                    builder.observe(record.id, record.modified_at)
                new = [r for r in records if is_new(r)]
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
                for records, _ in self._record_pages(kind, window, page_size, is_new, subsidiary_id=subsidiary_id):
                    for record in records:
                        builder.observe(record.id, record.modified_at)
                    new = [r for r in records if is_new(r)]
                    if new:
                        yield ChangePage(records=new, full_read=False)
        if not window_read:
            # The window holds what the previous read saw there: keep remembering it.
            builder.carry(previous.seen, skip=delivered)
        deletions = self._deletions(kind, previous, builder)
        yield ChangePage(records=deletions, cursor=builder.cursor.encode(), last=True, full_read=False)

    def _record_pages(
        self,
        kind: ContactType,
        where: list[str],
        page_size: int,
        delivered: Callable[[Record], bool] | None = None,
        *,
        subsidiary_id: str | None = None,
    ) -> Iterator[tuple[list[Record], ApiResponse]]:
        """The records of one contact type matching ``where``, a page at a time.

        A query built from a given catalog that NetSuite refuses is retried once
        with the live metadata (see :meth:`use_catalog`). The default address is
        read (one query per page) for the records the caller will deliver: all,
        or those ``delivered`` accepts (an incremental read drops those it
        delivered before, and need not read their addresses). With ``subsidiary_id``, contacts whose
        company is a customer of another subsidiary are marked out of scope (one query per page,
        :mod:`.companies`).
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
            records = [query.record(row) for row in rows]
            wanted = records if delivered is None else [r for r in records if delivered(r)]
            if query.reads_addresses and wanted:
                self._read_default_addresses(kind, wanted)
            if kind.record_type == "contact" and subsidiary_id is not None and wanted:
                self._mark_companies_elsewhere(wanted, str(subsidiary_id))
            yield records, response

    def _mark_companies_elsewhere(self, records: list[Record], subsidiary_id: str) -> None:
        """Mark out of scope (``meta["out_of_scope"]``) the contacts of a page whose company is a customer
        of another subsidiary than ``subsidiary_id``: one query for the page's distinct companies."""
        companies = {c for c in map(company_id, records) if c is not None}
        if not companies:
            return
        response = self.suiteql(company_subsidiary_sql(companies))
        if response.data.get("hasMore"):
            # One row per customer, at most 1,000 distinct companies in a page of 1,000 contacts.
            raise MalformedResponse("NetSuite answered the company subsidiary query with more than one page")
        customers = {str(row.get("id")): row for row in response.data.get("items") or []}
        for record in records:
            row = customers.get(company_id(record) or "")
            if row is not None and str(row.get("subsidiary")) != subsidiary_id:
                record.meta[OUT_OF_SCOPE] = out_of_scope_reason(record.values["company"], row)

    def _read_default_addresses(self, kind: ContactType, records: list[Record]) -> None:
        """Set ``defaultAddress`` (and the default line ids, in meta) of a page of records: one query.

        When the account refuses the query (a role without access to the address tables, or a
        SuiteQL that does not join them: UNCERTAIN, the reference shows them read but not in every
        role), the address is left unread, never guessed: each record says so in
        ``meta["unreadable"]``, which keeps it out of the sync (an unread address would look
        cleared and be cleared on the other side) until the query works again. The refusal is
        logged once and remembered (:data:`ADDRESS_BOOK_QUERY`), so the next pages do not ask again.
        Reading the sublist instead (``expandSubResources``) would cost one GET per record.
        """
        problem = None
        if self.capabilities.refused(ADDRESS_BOOK_QUERY):
            problem = "NetSuite refused the address book query lately; the default address is not read"
        else:
            try:
                response = self.suiteql(address_book_sql(kind.record_type, [r.id for r in records]))
            except (ValidationError, PermissionDenied) as exc:
                log.warning(
                    "NetSuite %s: the address book query was refused (%s); addresses are not read", self.account_id, exc
                )
                self.capabilities.refuse(ADDRESS_BOOK_QUERY)
                problem = f"NetSuite refused the address book query: {exc}"
            else:
                if response.data.get("hasMore"):
                    # One row per record by construction (one default line of each flag per record).
                    raise MalformedResponse(
                        f"NetSuite answered the {kind.record_type} address book query with more than one page"
                    )
                found = {str(row.get("entity")): default_address_of(row) for row in response.data.get("items") or []}
        for record in records:
            if problem is not None:
                record.meta.setdefault("unreadable", {})[ADDRESS_FIELD] = problem
                continue
            default = found.get(record.id, DefaultAddress())
            record.values[ADDRESS_FIELD] = default.value
            record.meta[META_KEY] = default.meta()

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
            for page, _ in self._record_pages(kind, where, ql.MAX_PAGE_SIZE, subsidiary_id=subsidiary_id):
                records.extend(page)
        return records


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
