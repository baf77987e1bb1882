"""The default address of a customer or contact: read from the address book in bulk, written as one line.

NetSuite keeps addresses in the record's ``addressBook`` sublist, one line per address with the
flags ``defaultBilling`` and ``defaultShipping``, the address itself a subrecord
(``addressBookAddress``: ``addr1``..``addr3``, ``city``, ``state``, ``zip``, ``country``). SuiteQL
sees the lines as ``<record>Addressbook`` (``entity``, ``internalid``, ``defaultbilling``,
``defaultshipping``, ``addressbookaddress``) and the subrecords as ``<record>AddressbookEntityAddress``
(keyed by ``nkey``), booleans as ``'T'``/``'F'`` (reference, 3.2 and 4.1).

**Which entry is "the default address"**: the default billing line, else the default shipping line,
else none. NetSuite allows at most one line of each flag per record, so :func:`address_book_sql`
returns at most ONE row per record (the record table left-joined to its default billing line and
to its default shipping line): a page of up to 1,000 records costs exactly one more request, never
a second page and never a GET per record.

**Writing** (:func:`address_book_body`): the addressBook is a KEYED sublist, so a PATCH updates the
line whose key it carries and adds the lines without one, keeping the lines it does not mention
(Oracle, "Updating a Sublist"). ``?replace=addressBook`` would drop every line not sent, so it is
never used. The default line is updated by its key (its internal id, read into the record's meta);
a record without a default line gets a new one, default for billing and shipping. Every part of the
address is sent (``null`` for an empty one): whether NetSuite merges a matched line's subrecord or
replaces it is UNCERTAIN, and sending all parts gives the same result either way.

**Clearing** (an empty value): the address book keeps its entries; the default line(s) stop being
default (``defaultBilling``/``defaultShipping`` false on the billing and the shipping default lines),
so the record has no default address any more and no address is lost. Clearing the parts of the
line instead would leave an empty address, which NetSuite may refuse (a country is required).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..countries import country_code, region_code
from . import suiteql as ql

ADDRESS_FIELD = "defaultAddress"  # the catalog field (FieldType.ADDRESS)
ADDRESS_BOOK = "addressBook"  # the record's sublist, as REST names it
META_KEY = "defaultAddressLines"  # record meta: {"billing": line id | None, "shipping": line id | None}

# SuiteQL table names per record type (the reference's, lower case as SuiteQL answers them).
_TABLES = {
    "customer": ("customeraddressbook", "customeraddressbookentityaddress"),
    "contact": ("contactaddressbook", "contactaddressbookentityaddress"),
}
_PARTS = ("addr1", "addr2", "addr3", "city", "state", "zip", "country")
# Parts of the line that are no part of the canonical address: read with it, and sent back
# unchanged with an update, in case NetSuite replaces a matched line's subrecord whole (UNCERTAIN).
_KEPT = {"addressee": "addressee", "attention": "attention", "addrphone": "addrPhone"}
_SIDES = {"billing": ("b", "ba", "defaultbilling"), "shipping": ("s", "sa", "defaultshipping")}


def has_address_book(record_type: str) -> bool:
    """Whether the record type keeps an address book (customers and contacts)."""
    return record_type in _TABLES


def address_book_sql(record_type: str, ids: Iterable[str]) -> str:
    """The SuiteQL giving, for each record of ``ids``, its default billing and default shipping lines.

    One row per record (at most one line of each flag), so up to 1,000 ids fit one page. Ids are
    cut into IN lists of :data:`.suiteql.MAX_IN_LIST` joined by OR (Oracle refuses more than 1,000
    expressions in one list).
    """
    lines, addresses = _TABLES[record_type]
    wanted = sorted({ql.integer(i) for i in ids}, key=int)
    if not wanted:
        raise ValueError("an address book query needs at least one record id")
    columns = ["r.id AS entity"]
    joins = []
    for side, (line, address, flag) in _SIDES.items():
        columns.append(f"{line}.internalid AS {side}_line")
        columns.extend(f"{address}.{part} AS {side}_{part}" for part in (*_PARTS, *_KEPT))
        joins.append(f"LEFT JOIN {lines} {line} ON {line}.entity = r.id AND {line}.{flag} = {ql.text('T')}")
        joins.append(f"LEFT JOIN {addresses} {address} ON {address}.nkey = {line}.addressbookaddress")
    in_lists = [f"r.id IN {ql.in_list(chunk, numeric=True)}" for chunk in ql.chunks(wanted)]
    where = in_lists[0] if len(in_lists) == 1 else "(" + " OR ".join(in_lists) + ")"
    # Identifiers are ours; every value went through ql.text()/ql.in_list().
    return (
        f"SELECT {', '.join(columns)} FROM {record_type} r {' '.join(joins)} "  # noqa: S608
        f"WHERE {where} ORDER BY r.id"
    )


@dataclass(frozen=True)
class DefaultAddress:
    """What a record's address book says about its default address: the value, and the line ids."""

    value: dict[str, str] | None = None
    billing_line: str | None = None
    shipping_line: str | None = None
    kept: Mapping[str, str] = field(default_factory=dict)  # the default line's addressee... (REST names)

    @property
    def line(self) -> str | None:
        """The line the value comes from: the default billing line, else the default shipping line."""
        return self.billing_line or self.shipping_line

    def meta(self) -> dict[str, Any]:
        return {"billing": self.billing_line, "shipping": self.shipping_line, "kept": dict(self.kept)}

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any] | None) -> DefaultAddress | None:
        """The line ids kept in a record's meta; None when the record was read without them."""
        lines = (meta or {}).get(META_KEY)
        if not isinstance(lines, Mapping):
            return None
        kept = lines.get("kept") if isinstance(lines.get("kept"), Mapping) else {}
        kept = {name: str(part) for name, part in kept.items() if name in _KEPT.values() and part}
        return cls(None, _line_id(lines.get("billing")), _line_id(lines.get("shipping")), kept)


def default_address_of(row: Mapping[str, Any]) -> DefaultAddress:
    """The :class:`DefaultAddress` of one row of :func:`address_book_sql` (null columns are omitted)."""
    billing, shipping = _line_id(row.get("billing_line")), _line_id(row.get("shipping_line"))
    side = "billing" if billing else "shipping"
    if not (billing or shipping):
        return DefaultAddress()
    value = address_value({part: row.get(f"{side}_{part}") for part in _PARTS})
    kept = {name: _text(row.get(f"{side}_{column}")) for column, name in _KEPT.items()}
    return DefaultAddress(value, billing, shipping, {name: part for name, part in kept.items() if part})


def address_value(parts: Mapping[str, Any]) -> dict[str, str] | None:
    """The canonical address (``street``, ``city``, ``region``, ``postal_code``, ``country``) of
    NetSuite's address parts; the street is ``addr1``..``addr3`` on their own lines. None when empty."""
    street = "\n".join(text for text in (_text(parts.get(k)) for k in ("addr1", "addr2", "addr3")) if text)
    value = {
        "street": street,
        "city": _text(parts.get("city")),
        "region": _text(parts.get("state")),
        "postal_code": _text(parts.get("zip")),
        "country": _text(parts.get("country")),
    }
    value = {key: part for key, part in value.items() if part}
    return value or None


def address_parts(value: Mapping[str, Any]) -> dict[str, str | None]:
    """NetSuite's ``addressBookAddress`` of a canonical address: every part, ``None`` for an empty one.

    The country becomes its ISO 3166-1 alpha-2 code and, in the countries NetSuite lists states for,
    the state its code (:mod:`..countries`); what ISO 3166 does not know is written as given, so that
    NetSuite refuses it with its own message. The street's first two lines go to ``addr1`` and
    ``addr2``, the rest to ``addr3`` (joined with ", ": one address line holds no line break).
    """
    lines = [line.strip() for line in str(value.get("street") or "").splitlines() if line.strip()]
    country = _text(value.get("country"))
    code = country_code(country) if country else ""
    region = _text(value.get("region"))
    parts = {
        "addr1": lines[0] if lines else "",
        "addr2": lines[1] if len(lines) > 1 else "",
        "addr3": ", ".join(lines[2:]),
        "city": _text(value.get("city")),
        "state": region_code(region, code) if region else "",
        "zip": _text(value.get("postal_code")),
        "country": code,
    }
    return {key: part or None for key, part in parts.items()}


def address_book_body(value: Mapping[str, Any] | None, current: DefaultAddress | None) -> dict[str, Any] | None:
    """The ``addressBook`` to PATCH (or PUT) for a new default address ``value`` (None or empty: clear it).

    ``current`` holds the record's default line ids (None for a record being created: it has no
    line yet). Only the default line is sent: by its key to update it, without one to add it; the
    other lines are left alone. None when there is nothing to send (clearing a record without a
    default line).
    """
    current = current or DefaultAddress()
    empty = not value or not any(str(part or "").strip() for part in value.values())
    if empty:
        # Keep the entries; they stop being the default (see the module's docstring).
        items = []
        for line in dict.fromkeys(x for x in (current.billing_line, current.shipping_line) if x):
            item: dict[str, Any] = {"id": int(line)}
            if line == current.billing_line:
                item["defaultBilling"] = False
            if line == current.shipping_line:
                item["defaultShipping"] = False
            items.append(item)
        return {"items": items} if items else None
    address = address_parts(value)
    if current.line is not None:
        return {"items": [{"id": int(current.line), "addressBookAddress": {**current.kept, **address}}]}
    # No default line: a new one, default for billing and (the record having none) for shipping.
    return {"items": [{"defaultBilling": True, "defaultShipping": True, "addressBookAddress": address}]}


def _line_id(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    return ql.integer(raw)


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()
