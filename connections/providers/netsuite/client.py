"""The NetSuite provider: SuiteTalk REST with Token-Based Authentication.

Reads go through SuiteQL (one request per page of up to 1000 whole records,
keyset-paged); writes through the record API, one record per request (REST
has no bulk create), run concurrently up to the account's concurrency limit.
See :mod:`.cursor` for the change cursor, :mod:`.transport` for signing,
retries and the concurrency cap.

The client is assembled from :mod:`.reads` and :mod:`.writes`; this module
holds SuiteQL paging, the account's reference lists and the field catalog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC
from typing import Any

from ..base import Provider
from ..capabilities import Capabilities, cached_catalog
from ..errors import MalformedResponse, ValidationError
from ..fields import FieldOption, FieldSpec
from ..slots import SlotGate
from . import suiteql as ql
from .catalog import parse_catalog
from .contact_types import ContactType, contact_type
from .reads import NetSuiteReads
from .record_rows import RecordQuery
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
from .transport import ApiResponse, Transport
from .writes import NetSuiteWrites

log = logging.getLogger(__name__)

_SUITEQL_HEADERS = {"Prefer": "transient"}


class NetSuiteClient(NetSuiteReads, NetSuiteWrites, Provider):
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
