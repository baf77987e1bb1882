"""A contact's company: which subsidiary the company belongs to, read in bulk.

A NetSuite contact belongs to a company (``company``, a reference to a customer). A connection syncs one
subsidiary; a contact of that subsidiary whose company is a customer of another one is out of the
connection's scope: syncing it would show, and let Google edit, a person of a company the connection does
not sync. Such a contact is delivered with the reason in ``meta["out_of_scope"]`` (:data:`OUT_OF_SCOPE`),
and the engine excludes it with that reason (``syncengine.chunk_pairing``), like a record without an email.

The companies' subsidiaries cost one SuiteQL query per page of contacts, for the distinct companies of the
page (never one request per record). A company that is no customer (NetSuite lets a contact's company be
a partner or vendor too) or that the query does not return is left alone: nothing says it is elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..base import OUT_OF_SCOPE, Record
from . import suiteql as ql

__all__ = ["OUT_OF_SCOPE", "company_id", "company_subsidiary_sql", "out_of_scope_reason"]

COMPANY_FIELD = "company"


def company_id(record: Record) -> str | None:
    """The internal id of the record's company, when it has one."""
    value = record.values.get(COMPANY_FIELD)
    company = value.get("id") if isinstance(value, Mapping) else None
    return str(company) if company not in (None, "") else None


def company_subsidiary_sql(ids: Iterable[str]) -> str:
    """The SuiteQL giving each customer of ``ids`` with its subsidiary (one row per customer, so the
    companies of a page of up to 1,000 contacts fit one page). IN lists of :data:`.suiteql.MAX_IN_LIST`
    are joined by OR, as in :func:`.addresses.address_book_sql`."""
    wanted = sorted({ql.integer(i) for i in ids}, key=int)
    if not wanted:
        raise ValueError("a company query needs at least one id")
    in_lists = [f"id IN {ql.in_list(chunk, numeric=True)}" for chunk in ql.chunks(wanted)]
    where = in_lists[0] if len(in_lists) == 1 else "(" + " OR ".join(in_lists) + ")"
    # Identifiers are ours; every value went through ql.integer().
    return (
        "SELECT id, subsidiary, BUILTIN.DF(subsidiary) AS subsidiary_name FROM customer "  # noqa: S608
        f"WHERE {where} ORDER BY id"
    )


def out_of_scope_reason(company: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    """Why a contact whose company (``{"id", "name"}``) is the customer ``row`` of another subsidiary is
    not synced."""
    name = company.get("name") or f"customer {company.get('id')}"
    subsidiary = row.get("subsidiary_name") or row.get("subsidiary")
    return (
        f"The contact's company, {name}, belongs to another subsidiary ({subsidiary}) than the connection's, "
        "so the contact is not synced."
    )
