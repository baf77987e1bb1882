"""Writing NetSuite records through the record API: one request per record, run concurrently up to the
account's limit; a create's new internal id read back with SuiteQL (a mixin of :class:`.client.NetSuiteClient`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from config.redaction import redact

from ..base import WriteRequest, WriteResult
from ..errors import NotFound, ProviderError, ValidationError
from . import suiteql as ql
from .addresses import (
    ADDRESS_BOOK,
    ADDRESS_FIELD,
    DefaultAddress,
    address_book_body,
    address_book_sql,
    default_address_of,
)
from .company_links import CompanyLinks, companies_named, link_companies, names_to_link
from .contact_types import ContactType, contact_type
from .standard_fields import READ_ONLY_FIELDS
from .values import rest_value

if TYPE_CHECKING:
    from .transport import Transport

log = logging.getLogger(__name__)

# An externalId we own: letters, digits, "_" and "-" (a "|" would even be read
# as a multiselect delimiter; reference, 2.1).
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_TRAILING_ID = re.compile(r"/(\d+)/?$")
_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "error"}  # refuse unknown field names, never drop them


class NetSuiteWrites:
    """The client's writes: creates (upserts by externalId), updates, deletes and "mark deleted".

    Uses the client's ``transport`` and, to read new ids back, :meth:`.client.NetSuiteClient._keyset_pages`.
    """

    account_id: str
    concurrency_limit: int
    transport: Transport

    def create_many(
        self, object_type: str, requests: list[WriteRequest], *, subsidiary_id: str, **_: Any
    ) -> list[WriteResult]:
        """Create (or find again) one record per request, idempotently: ``PUT /record/v1/<type>/eid:<key>``.

        The key is an externalId we own, so a retried or repeated create
        updates the record it created before instead of duplicating it. The
        body is the request's values (read-only fields left out) plus the
        subsidiary and, for customers, isPerson. NetSuite's answer to a PUT
        carries no body (and a Location header is UNCERTAIN), so the new
        internal ids are read back: one SuiteQL query of ids per 1,000 keys.
        The records themselves are not (``WriteResult.record`` stays None):
        the next run reads what NetSuite stored. A contact's company named by name is linked first
        (:meth:`_link_companies`).
        """
        kind = contact_type(object_type)
        links = self._link_companies(kind, requests, subsidiary_id)
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
            if ADDRESS_FIELD in request.values:
                # A new record has no address line: the address is added as its default line.
                book = address_book_body(request.values[ADDRESS_FIELD], None)
                if book is not None:
                    body[ADDRESS_BOOK] = book
            response = self.transport.request(
                "PUT",
                f"/record/v1/{kind.record_type}/eid:{request.key}",
                json_body=body,
                headers=_WRITE_HEADERS,
                expect_json=False,
            )
            match = _TRAILING_ID.search(response.headers.get("Location", "") or "")
            return WriteResult(key=request.key, record_id=match.group(1) if match else None)

        results = self._concurrently(links.sendable(), upsert)
        written = [r for r in results if r.ok]
        if not written:
            return links.results(results)
        try:
            ids = self._ids_by_external_id(kind, [r.key for r in written])
        except ProviderError as exc:
            ids, read_error = {}, exc
        else:
            read_error = None
        for result in written:
            result.record_id = ids.get(result.key) or result.record_id
            if result.record_id is None:
                # Written, but its id is unknown: report it failed; retrying the
                # create is safe (it is an upsert on the same externalId).
                result.error = read_error or NotFound(
                    f"NetSuite accepted {kind.record_type} eid:{result.key} but SuiteQL cannot find it"
                )
        return links.results(results)

    def _ids_by_external_id(self, kind: ContactType, keys: list[str]) -> dict[str, str]:
        """The internal ids of the records with these externalIds: one SuiteQL query (of ids only) per
        batch of up to 1,000 keys, IN lists of :data:`.suiteql.MAX_IN_LIST` joined by OR."""
        ids: dict[str, str] = {}
        for batch in ql.chunks(keys, ql.MAX_PAGE_SIZE):
            in_lists = [f"externalid IN {ql.in_list(chunk)}" for chunk in ql.chunks(batch)]
            select = ql.Select(
                table=kind.record_type,
                columns=["id", "externalid"],
                where=[" OR ".join(in_lists)],
            )
            for rows, _ in self._keyset_pages(select):
                ids.update({str(row["externalid"]): str(row["id"]) for row in rows if row.get("externalid")})
        return ids

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Make the records inactive (``isInactive``): NetSuite's way of retiring a record without deleting it."""
        inactive = [
            WriteRequest(key=r.key, record_id=r.record_id, values={"isInactive": True}, fields=["isInactive"])
            for r in requests
        ]
        return self.update_many(object_type, inactive, **scope)

    def restore_marked(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Make records :meth:`mark_deleted` made inactive active again (an undo)."""
        active = [
            WriteRequest(key=r.key, record_id=r.record_id, values={"isInactive": False}, fields=["isInactive"])
            for r in requests
        ]
        return self.update_many(object_type, active, **scope)

    def update_many(
        self, object_type: str, requests: list[WriteRequest], *, subsidiary_id: str | None = None, **_: Any
    ) -> list[WriteResult]:
        """PATCH each record with only ``request.fields`` (all of ``values`` when None); a None value clears the field.

        Read-only fields are left out. Nothing is read back (``WriteResult.record``
        stays None): what NetSuite stored, a field the role may not write included,
        is what the next run reads. A contact's company named by name is linked
        first (:meth:`_link_companies`).
        """
        kind = contact_type(object_type)
        links = self._link_companies(kind, requests, subsidiary_id)
        requests = links.sendable()
        lines = self._default_lines_to_write(kind, requests)

        def patch(request: WriteRequest) -> WriteResult:
            record_id = _record_id(request)
            names = request.fields if request.fields is not None else list(request.values)
            body = _body(request.values, names, keep_nulls=True)
            if ADDRESS_FIELD in names:
                current = lines.get(record_id)
                if isinstance(current, ProviderError):
                    raise current
                book = address_book_body(request.values.get(ADDRESS_FIELD), current)
                if book is not None:
                    body[ADDRESS_BOOK] = book
            if body:
                self.transport.request(
                    "PATCH",
                    f"/record/v1/{kind.record_type}/{record_id}",
                    json_body=body,
                    headers=_WRITE_HEADERS,
                    expect_json=False,
                )
            return WriteResult(key=request.key, record_id=record_id)

        return links.results(self._concurrently(requests, patch))

    def _link_companies(
        self, kind: ContactType, requests: list[WriteRequest], subsidiary_id: str | None
    ) -> CompanyLinks:
        """The batch's contacts with their companies named by name linked (:mod:`.company_links`): every
        distinct name of the batch looked up in one SuiteQL query, among the companies of ``subsidiary_id``.

        A lookup that fails fails the contacts that needed it (retried by the next run); without a
        subsidiary to look in, no name is linked.
        """
        if kind.record_type != "contact":  # only a contact has a company
            return CompanyLinks(requests=list(requests))
        names = names_to_link(requests)
        if not names:
            return link_companies(requests, [], subsidiary_id)
        if subsidiary_id is None:
            error = ValidationError("a company can be linked by name only within the connection's subsidiary")
            return link_companies(requests, [], subsidiary_id, lookup_error=error)
        try:
            rows = [row for items, _ in self._keyset_pages(companies_named(names, str(subsidiary_id))) for row in items]
        except ProviderError as exc:
            return link_companies(requests, [], subsidiary_id, lookup_error=exc)
        return link_companies(requests, rows, str(subsidiary_id))

    def _default_lines_to_write(
        self, kind: ContactType, requests: list[WriteRequest]
    ) -> dict[str, DefaultAddress | ProviderError]:
        """The default address lines of the records whose default address is written, by record id.

        They come from the record's meta (kept by the read that delivered it); a record read
        without them (before addresses were read) has its address book read first, with one
        SuiteQL query per 1,000 records: without its line id, a write would add a second default
        line instead of updating the first. A refused read fails those records alone.
        """
        lines: dict[str, DefaultAddress | ProviderError] = {}
        unknown = []
        for request in requests:
            names = request.fields if request.fields is not None else list(request.values)
            if ADDRESS_FIELD not in names or not request.record_id:
                continue
            try:
                record_id = _record_id(request)
            except ValidationError:
                continue  # reported by the write itself
            known = DefaultAddress.from_meta(request.meta)
            if known is None:
                unknown.append(record_id)
            else:
                lines[record_id] = known
        for chunk in ql.chunks(sorted(set(unknown), key=int), ql.MAX_PAGE_SIZE):
            try:
                response = self.suiteql(address_book_sql(kind.record_type, chunk))
            except ProviderError as exc:
                lines.update(dict.fromkeys(chunk, exc))
                continue
            found = {str(row.get("entity")): default_address_of(row) for row in response.data.get("items") or []}
            for record_id in chunk:
                lines[record_id] = found.get(record_id, DefaultAddress())
        return lines

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


def _body(values: Mapping[str, Any], names: Iterable[str], *, keep_nulls: bool) -> dict[str, Any]:
    """The REST JSON body for ``names`` out of ``values``; read-only fields are never sent."""
    body = {}
    for name in names:
        if name in READ_ONLY_FIELDS or name == ADDRESS_FIELD:  # the address goes in the addressBook
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
