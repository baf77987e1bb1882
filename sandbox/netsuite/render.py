"""Stored rows rendered as NetSuite REST JSON (reference section 2.3).

Empty fields are omitted; booleans are JSON booleans; references are
``{"links", "id", "refName"}``; multiple selects are ``{"links", "items", "totalResults"}``
with items of ``{"links", "id"}``; datetimes are ISO UTC with ``Z``; dates ``YYYY-MM-DD``.
The addressBook sublist is only a link unless ``expandSubResources=true``.
"""

from __future__ import annotations

from .datetimes import iso_utc
from .fields import COUNTRIES, RECORD_TYPES, FieldDef, Kind, address_text
from .store import Store

RECORD_PATH = "/services/rest/record/v1"


def self_link(href: str) -> list[dict]:
    return [{"rel": "self", "href": href}]


def record_href(base_url: str, record_type: str, record_id: object) -> str:
    return f"{base_url}{RECORD_PATH}/{record_type}/{record_id}"


def _target_links(store: Store, base_url: str, target: str, target_id: int) -> list[dict]:
    if target in RECORD_TYPES:
        return self_link(record_href(base_url, target, target_id))
    rest_type = store.lists[target].rest_type if target in store.lists else None
    return self_link(record_href(base_url, rest_type, target_id)) if rest_type else []


def render_record(
    store: Store, record_type: str, row: dict, base_url: str, expand: bool = False, only: set[str] | None = None
) -> dict:
    """One record as GET returns it."""
    href = record_href(base_url, record_type, row["id"])
    out: dict = {"links": self_link(href)}
    for f in store.fields(record_type):
        if only is not None and f.column not in only and f.kind != Kind.ID:
            continue
        value = row.get(f.column)
        if f.kind == Kind.ADDRESS_BOOK:
            out[f.name] = address_book(store, record_type, row["id"], href, expand)
            continue
        if value is None:
            continue
        out[f.name] = render_value(store, f, value, base_url)
    return out


def render_value(store: Store, f: FieldDef, value: object, base_url: str) -> object:
    if f.kind == Kind.ID:
        return str(value)
    if f.kind == Kind.BOOL:
        return value == "T"
    if f.kind == Kind.INTEGER:
        return int(value)
    if f.kind == Kind.DECIMAL:
        return float(value)
    if f.kind == Kind.DATETIME:
        return iso_utc(int(value))
    if f.kind == Kind.REF:
        target_id = int(value)
        ref = {"links": _target_links(store, base_url, f.target, target_id), "id": str(target_id)}
        name = store.ref_name(f.target, target_id)
        if name is not None:
            ref["refName"] = name
        return ref
    if f.kind == Kind.MULTI:
        ids = [int(x) for x in str(value).split(", ")]
        items = [{"links": _target_links(store, base_url, f.target, i), "id": str(i)} for i in ids]
        return {"links": [], "items": items, "totalResults": len(items)}
    return value


def address_book(store: Store, record_type: str, record_id: int, record_href_: str, expand: bool) -> dict:
    """The addressBook sublist: a link, or with ``expand`` its lines and their address subrecords."""
    href = f"{record_href_}/addressBook"
    if not expand:
        return {"links": self_link(href)}
    items = [address_book_line(line, href) for line in store.address_lines(record_type, record_id)]
    return {"links": self_link(href), "items": items, "totalResults": len(items), "count": len(items)}


def address_book_line(line: dict, book_href: str) -> dict:
    """One addressBook line with its address subrecord inlined.

    UNCERTAIN: the reference lists the line properties (``label``, ``defaultBilling``,
    ``defaultShipping``, ``addressBookAddress`` with ``addr1 ... addrText``) but no full sample;
    the line's key is served as ``id`` (the ``/addressBook/{id}`` path segment of Oracle's
    sub-resource example) and again as ``internalId`` (SuiteQL's ``internalid``).
    """
    line_href = f"{book_href}/{line['id']}"
    address = dict(line["address"])
    if "country" in address:
        code = address["country"]
        address["country"] = {"id": code, "refName": COUNTRIES.get(code, code)}
    text = address_text(line["address"])
    if text:
        address["addrText"] = text
    item = {
        "links": self_link(line_href),
        "id": line["id"],
        "internalId": line["id"],
        "defaultBilling": line["defaultBilling"],
        "defaultShipping": line["defaultShipping"],
        "addressBookAddress": {"links": self_link(f"{line_href}/addressBookAddress"), **address},
    }
    if line.get("label"):
        item["label"] = line["label"]
    return item
