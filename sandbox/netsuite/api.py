"""NetSuite's REST surface: record service, metadata catalog and SuiteQL.

Routes (everything else is a 404 with NetSuite's error body):

- ``GET  /services/rest/record/v1/metadata-catalog[/<type>]``
- ``GET  /services/rest/record/v1/<type>?limit=&offset=&q=``: ids and links only
- ``POST /services/rest/record/v1/<type>``: create, 204 + ``Location``
- ``GET|PATCH|DELETE /services/rest/record/v1/<type>/<id | eid:externalId>``
- ``PUT  /services/rest/record/v1/<type>/eid:<externalId>``: upsert
- ``GET  /services/rest/record/v1/<customer|contact>/<id>/addressBook[/<line id>[/addressBookAddress]]``
- ``POST /services/rest/query/v1/suiteql?limit=&offset=`` with ``Prefer: transient``
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sandbox.common.http import Request, Response

from . import metadata, suiteql
from .errors import NetSuiteError, invalid_parameter, not_found
from .fields import ADDRESS_BOOK_OWNERS, RECORD_TYPES
from .qfilter import translate_q
from .render import RECORD_PATH, address_book, address_book_line, record_href, render_record, self_link

if TYPE_CHECKING:
    from .app import NetSuiteSandbox

SUITEQL_PATH = "/services/rest/query/v1/suiteql"
MAX_LIMIT = 1000
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9_\-]+")
_JSON_TYPES = ("application/json", "application/vnd.oracle.resource+json")


def _json(body: object, status: int = 200, kind: str | None = None, headers: dict | None = None) -> Response:
    content_type = f"application/vnd.oracle.resource+json; type={kind}" if kind else "application/json"
    return Response(status=status, body=body, headers=dict(headers or {}), content_type=content_type)


def _no_content(location: str | None = None) -> Response:
    return Response(status=204, body=b"", headers={"Location": location} if location else {})


def _paging(request: Request) -> tuple[int, int]:
    limit_text = request.arg("limit")
    offset_text = request.arg("offset")
    limit = MAX_LIMIT
    offset = 0
    if limit_text is not None:
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            raise invalid_parameter(
                f"Invalid value for the query parameter limit: {limit_text}. The value must be between 1 and 1000.",
                "limit",
            )
        limit = int(limit_text)
    if offset_text is not None:
        if not offset_text.isdigit():
            raise invalid_parameter(f"Invalid value for the query parameter offset: {offset_text}.", "offset")
        offset = int(offset_text)
    return limit, offset


def _page_links(url: str, params: dict, limit: int, offset: int, total: int, has_more: bool) -> list[dict]:
    def href(at: int) -> str:
        return f"{url}?{urlencode({**params, 'limit': limit, 'offset': at})}"

    links = []
    if offset > 0:
        links.append({"rel": "previous", "href": href(max(0, offset - limit))})
    links.append({"rel": "first", "href": href(0)})
    if has_more:
        links.append({"rel": "next", "href": href(offset + limit)})
    last = max(0, (min(total, suiteql.MAX_ROWS) - 1) // limit * limit)
    links.append({"rel": "last", "href": href(last)})
    links.append({"rel": "self", "href": href(offset)})
    return links


def _body(request: Request) -> object:
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type not in _JSON_TYPES:
        raise NetSuiteError(
            415, "INVALID_CONTENT_TYPE", f"Invalid content type {content_type or '(none)'}. Use application/json."
        )
    try:
        return request.json()
    except ValueError:
        raise NetSuiteError(400, "INVALID_CONTENT", "The request body is not valid JSON.")


def _strict_names(request: Request) -> bool:
    # jacobsvante/netsuite sends it on every call; "error" refuses unknown property names.
    return (request.header("x-netsuite-propertynamevalidation") or "").strip().lower() == "error"


def handle(sandbox: NetSuiteSandbox, request: Request) -> Response:
    """Serve one authenticated NetSuite API request."""
    if "respond-async" in (request.header("prefer") or "").lower():
        raise invalid_parameter("The sandbox does not simulate asynchronous requests (Prefer: respond-async).")
    path = request.path.rstrip("/")
    if path == SUITEQL_PATH:
        return _suiteql(sandbox, request)
    if path.startswith(RECORD_PATH + "/"):
        parts = path[len(RECORD_PATH) + 1 :].split("/")
        if parts[0] == "metadata-catalog":
            return _metadata(sandbox, request, parts[1:])
        record_type = parts[0].lower()
        if record_type not in RECORD_TYPES:
            raise NetSuiteError(404, "INVALID_RCRD_TYPE", f"The record type '{parts[0]}' is not supported.")
        if len(parts) == 1:
            return _collection(sandbox, request, record_type)
        if len(parts) == 2:
            return _instance(sandbox, request, record_type, parts[1])
        if 3 <= len(parts) <= 5 and record_type in ADDRESS_BOOK_OWNERS and parts[2].lower() == "addressbook":
            return _address_book(sandbox, request, record_type, parts[1], parts[3:])
    raise NetSuiteError(404, "NONEXISTENT_ID", f"The requested URL {request.path} was not found on this server.")


def _method_not_allowed(request: Request) -> NetSuiteError:
    return NetSuiteError(405, "METHOD_NOT_ALLOWED", f"The HTTP method {request.method} is not allowed here.")


# --- metadata --------------------------------------------------------------------
def _metadata(sandbox: NetSuiteSandbox, request: Request, rest: list[str]) -> Response:
    if request.method != "GET":
        raise _method_not_allowed(request)
    base = request.url_base
    if not rest:
        return _json(metadata.catalog(base))
    record_type = rest[0].lower()
    if len(rest) != 1 or record_type not in RECORD_TYPES:
        raise NetSuiteError(404, "INVALID_RCRD_TYPE", f"The record type '{rest[0]}' is not supported.")
    accept = (request.header("accept") or "").lower()
    if "application/schema+json" not in accept:
        # The sandbox serves the JSON Schema view only (no OpenAPI/canonical views).
        raise NetSuiteError(406, "INVALID_ACCEPT", "Use Accept: application/schema+json for record metadata.")
    with sandbox.store_lock:
        schema = metadata.record_schema(sandbox.store, record_type, base)
    return Response(status=200, body=schema, content_type="application/schema+json")


# --- collection ------------------------------------------------------------------
def _collection(sandbox: NetSuiteSandbox, request: Request, record_type: str) -> Response:
    if request.method == "GET":
        return _list(sandbox, request, record_type)
    if request.method == "POST":
        body = _body(request)
        with sandbox.store_lock:
            record_id = sandbox.service.create(record_type, body, strict_names=_strict_names(request))
        return _no_content(record_href(request.url_base, record_type, record_id))
    raise _method_not_allowed(request)


def _list(sandbox: NetSuiteSandbox, request: Request, record_type: str) -> Response:
    limit, offset = _paging(request)
    q_text = request.arg("q")
    where, params = "", []
    with sandbox.store_lock:
        if q_text:
            condition, params = translate_q(
                sandbox.store, record_type, q_text, sandbox.config.date_format, sandbox.zone
            )
            where = f" WHERE {condition}"
        db = sandbox.store.db
        total = db.execute(f"SELECT COUNT(*) FROM t_{record_type}{where}", params).fetchone()[0]  # noqa: S608
        if offset >= suiteql.MAX_ROWS:
            raise invalid_parameter("The offset is beyond the 100000 results a collection can return.", "offset")
        count = min(limit, suiteql.MAX_ROWS - offset)
        sql = f"SELECT id FROM t_{record_type}{where} ORDER BY id LIMIT ? OFFSET ?"  # noqa: S608
        ids = [row[0] for row in db.execute(sql, [*params, count, offset])]
    base = request.url_base
    has_more = offset + len(ids) < min(total, suiteql.MAX_ROWS)
    url = f"{base}{RECORD_PATH}/{record_type}"
    link_params = {"q": q_text} if q_text else {}
    body = {
        "links": _page_links(url, link_params, limit, offset, total, has_more),
        "count": len(ids),
        "hasMore": has_more,
        "items": [{"links": self_link(record_href(base, record_type, i)), "id": str(i)} for i in ids],
        "offset": offset,
        "totalResults": total,
    }
    return _json(body, kind="collection")


# --- one record --------------------------------------------------------------------
def _resolve_id(sandbox: NetSuiteSandbox, record_type: str, key: str) -> int:
    if key.lower().startswith("eid:"):
        external_id = key[4:]
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise not_found()
        record_id = sandbox.store.id_by_external_id(record_type, external_id)
        if record_id is None:
            raise not_found()
        return record_id
    if not key.isdigit():
        raise not_found()
    return int(key)


def _instance(sandbox: NetSuiteSandbox, request: Request, record_type: str, key: str) -> Response:
    base = request.url_base
    if request.method == "GET":
        expand = (request.arg("expandSubResources") or "").lower() == "true"
        fields = request.arg("fields")
        only = {name.strip().lower() for name in fields.split(",") if name.strip()} if fields else None
        with sandbox.store_lock:
            row = sandbox.store.row(record_type, _resolve_id(sandbox, record_type, key))
            if row is None:
                raise not_found()
            body = render_record(sandbox.store, record_type, row, base, expand=expand, only=only)
        return _json(body, kind="singular")
    if request.method == "PATCH":
        body = _body(request)
        replace = [r.strip() for r in (request.arg("replace") or "").split(",") if r.strip()]
        with sandbox.store_lock:
            record_id = _resolve_id(sandbox, record_type, key)
            sandbox.service.update(record_type, record_id, body, strict_names=_strict_names(request), replace=replace)
        return _no_content(record_href(base, record_type, record_id))
    if request.method == "PUT":
        if not key.lower().startswith("eid:"):
            raise NetSuiteError(
                405, "METHOD_NOT_ALLOWED", "PUT is only supported as an upsert on an external ID (eid:<externalId>)."
            )
        external_id = key[4:]
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise invalid_parameter(f"Invalid external ID {external_id!r}: use letters, digits, '_' and '-'.")
        body = _body(request)
        with sandbox.store_lock:
            record_id, _created = sandbox.service.upsert(
                record_type, external_id, body, strict_names=_strict_names(request)
            )
        # UNCERTAIN (reference 2.1): whether upsert answers with Location; the sandbox sends it.
        return _no_content(record_href(base, record_type, record_id))
    if request.method == "DELETE":
        with sandbox.store_lock:
            sandbox.service.delete(record_type, _resolve_id(sandbox, record_type, key))
        return _no_content()
    raise _method_not_allowed(request)


def _address_book(sandbox: NetSuiteSandbox, request: Request, record_type: str, key: str, rest: list[str]) -> Response:
    """The addressBook sub-resource (reference 2.1): its lines, one line, or one line's address."""
    if request.method != "GET":
        raise _method_not_allowed(request)
    if len(rest) == 2 and rest[1].lower() != "addressbookaddress":
        raise NetSuiteError(404, "NONEXISTENT_ID", f"The requested URL {request.path} was not found on this server.")
    with sandbox.store_lock:
        record_id = _resolve_id(sandbox, record_type, key)
        if sandbox.store.row(record_type, record_id) is None:
            raise not_found()
        href = f"{record_href(request.url_base, record_type, record_id)}/addressBook"
        if not rest:
            book = address_book(sandbox.store, record_type, record_id, href.removesuffix("/addressBook"), True)
            return _json(book, kind="collection")
        lines = sandbox.store.address_lines(record_type, record_id)
    line = next((x for x in lines if rest[0].isdigit() and x["id"] == int(rest[0])), None)
    if line is None:
        raise not_found("The sublist line does not exist. Provide a valid line ID.")
    item = address_book_line(line, href)
    if len(rest) == 2:
        return _json(item["addressBookAddress"], kind="singular")
    return _json(item, kind="singular")


# --- SuiteQL -----------------------------------------------------------------------
def _suiteql(sandbox: NetSuiteSandbox, request: Request) -> Response:
    if request.method != "POST":
        raise _method_not_allowed(request)
    if "transient" not in (request.header("prefer") or "").lower():
        raise invalid_parameter("SuiteQL requests must be sent with the header Prefer: transient.")
    body = _body(request)
    if not isinstance(body, dict) or not isinstance(body.get("q"), str):
        raise invalid_parameter('The request body must be {"q": "<SuiteQL query>"}.')
    limit, offset = _paging(request)
    with sandbox.store_lock:
        page = suiteql.run(
            sandbox.store,
            body["q"],
            limit,
            offset,
            sandbox.config.account_time_zone,
            sandbox.now(),
            allow_sum=sandbox.config.suiteql_sum,
        )
    url = f"{request.url_base}{SUITEQL_PATH}"
    return _json(
        {
            "links": _page_links(url, {}, limit, offset, page.total, page.has_more),
            "count": len(page.items),
            "hasMore": page.has_more,
            "items": page.items,
            "offset": offset,
            "totalResults": page.total,
        },
        kind="collection",
    )
