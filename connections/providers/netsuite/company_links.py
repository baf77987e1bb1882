"""A contact's company linked by name: the company names a write batch carries, resolved to NetSuite companies.

The other app knows a contact's company by its name only (Google: the organization's name), and NetSuite
has too many customers to list them as options, so the catalog marks ``company`` as linked by name
(:attr:`..fields.FieldSpec.linked_by_name`) and the mappings hand us ``{"id": "", "name": "Acme Ltd"}``.
Before a batch of contacts is written, every distinct name of the batch is looked up in **one** SuiteQL
query (:func:`companies_named`): the active company customers (``isperson = 'F'``) of the connection's
subsidiary with exactly that name. Nothing is cached: a company created or renamed in NetSuite counts at
the next write.

- exactly one company has the name: the contact is linked to it (``{"id": ...}``);
- none (or a company of another subsidiary only, or an inactive one), or several: the contact is
  written without its company, which stays as it is in NetSuite, and its result says why
  (:attr:`..base.WriteResult.warnings`, shown in the record's outcome) and which field was left
  (``unwritten``), so the sync remembers NetSuite's company as it is;
- an empty name on an update: left unchanged too. The issue says "read-only toward NetSuite unless the
  named company exists": a contact is taken off its company in NetSuite, never by an app.

Names are compared exactly (trimmed), as SuiteQL compares strings (case-sensitive, like Oracle): a name
spelled another way is no company, and says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..base import WriteRequest, WriteResult
from ..errors import ProviderError
from . import suiteql as ql
from .companies import COMPANY_FIELD

__all__ = ["COMPANY_FIELD", "CompanyLinks", "companies_named", "link_companies", "names_to_link"]


def _name_to_link(value: Any) -> str | None:
    """The name of a company known only by its name (``{"id": "", "name": ...}``), else None."""
    if not isinstance(value, Mapping) or value.get("id") not in (None, ""):
        return None
    name = str(value.get("name") or "").strip()
    return name or None


def names_to_link(requests: Iterable[WriteRequest]) -> list[str]:
    """The distinct company names the requests ask to link, sorted (the query's IN lists)."""
    return sorted({name for r in requests if (name := _name_to_link(r.values.get(COMPANY_FIELD)))})


def companies_named(names: Sequence[str], subsidiary_id: str) -> ql.Select:
    """The active company customers of ``subsidiary_id`` named one of ``names``: ``id, companyname``.

    IN lists of :data:`.suiteql.MAX_IN_LIST` names are joined by OR (a batch of 1,000 contacts names at
    most 1,000 companies: one request, and one more page only when over 1,000 companies bear those
    names); every name goes through :func:`.suiteql.text`.
    """
    if not names:
        raise ValueError("a company name query needs at least one name")
    in_lists = [f"companyname IN {ql.in_list(chunk)}" for chunk in ql.chunks(list(names))]
    names_condition = in_lists[0] if len(in_lists) == 1 else " OR ".join(in_lists)
    return ql.Select(
        table="customer",
        columns=["id", "companyname"],
        where=["isperson = 'F'", "isinactive = 'F'", f"subsidiary = {ql.integer(subsidiary_id)}", names_condition],
    )


@dataclass
class _Note:
    """What a request's result must carry: the company linked, or the company left and why."""

    resolved: dict[str, Any] = field(default_factory=dict)
    unwritten: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class CompanyLinks:
    """The company links of one write batch.

    ``requests`` are the batch's requests to send: a name replaced by its company's id, or the company
    left out; ``failed`` maps the key of each request that needed a name looked up to the error of a
    lookup that failed (such a request is not sent: it fails, and is tried again by the next run).
    """

    requests: list[WriteRequest]
    notes: dict[str, _Note] = field(default_factory=dict)
    failed: dict[str, ProviderError] = field(default_factory=dict)

    def sendable(self) -> list[WriteRequest]:
        """The requests to send: all but those whose lookup failed."""
        return [r for r in self.requests if r.key not in self.failed]

    def results(self, sent: list[WriteResult]) -> list[WriteResult]:
        """One result per request, in order: the results of the requests sent, with their links told
        (``resolved``, ``unwritten``, ``warnings``), and a failure for each request not sent."""
        by_key = {result.key: result for result in sent}
        results = []
        for request in self.requests:
            error = self.failed.get(request.key)
            if error is not None:
                results.append(WriteResult(key=request.key, record_id=request.record_id, error=error))
                continue
            result = by_key[request.key]
            note = self.notes.get(request.key)
            if note is not None and result.ok:
                result.resolved.update(note.resolved)
                result.unwritten.extend(note.unwritten)
                result.warnings.extend(note.warnings)
            results.append(result)
        return results


def link_companies(
    requests: list[WriteRequest],
    rows: Iterable[Mapping[str, Any]],
    subsidiary_id: str | None,
    *,
    lookup_error: ProviderError | None = None,
) -> CompanyLinks:
    """Settle each request's company from ``rows`` (the answer of :func:`companies_named`; or
    ``lookup_error``, what that query met): linked when exactly one company has the name, else left as
    it is with a warning. A company given by id, and a new contact without one, are written as they are."""
    found: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        found[str(row.get("companyname") or "")].append(row)
    links = CompanyLinks(requests=[])
    for request in requests:
        written = request.fields if request.fields is not None else list(request.values)
        value = request.values.get(COMPANY_FIELD)
        name = _name_to_link(value)
        if COMPANY_FIELD not in written or (name is None and not (_empty(value) and request.record_id)):
            links.requests.append(request)
            continue
        if name is not None and lookup_error is not None:
            links.failed[request.key] = lookup_error
            links.requests.append(request)
            continue
        matches = found.get(name, []) if name is not None else []
        note = _Note()
        if len(matches) == 1:
            company = {"id": str(matches[0]["id"]), "name": str(matches[0].get("companyname") or name)}
            note.resolved[COMPANY_FIELD] = company
            links.requests.append(_with_company(request, {"id": company["id"]}))
        else:
            note.unwritten.append(COMPANY_FIELD)
            note.warnings.append(_why_left(name, matches, subsidiary_id))
            links.requests.append(_with_company(request, None))
        links.notes[request.key] = note
    return links


def _empty(value: Any) -> bool:
    """No company: nothing, or a value with neither an id nor a name."""
    if isinstance(value, Mapping):
        return value.get("id") in (None, "") and not str(value.get("name") or "").strip()
    return value in (None, "")


def _with_company(request: WriteRequest, company: Mapping[str, str] | None) -> WriteRequest:
    """``request`` with its company replaced by ``company``, or left out (None)."""
    values = dict(request.values)
    fields = None if request.fields is None else list(request.fields)
    if company is None:
        values.pop(COMPANY_FIELD, None)
        if fields is not None:
            fields = [f for f in fields if f != COMPANY_FIELD]
    else:
        values[COMPANY_FIELD] = dict(company)
    return replace(request, values=values, fields=fields)


def _why_left(name: str | None, matches: list[Mapping[str, Any]], subsidiary_id: str | None) -> str:
    left = "the contact's company was left unchanged"
    if name is None:
        return f"The company name is empty: a contact is taken off its company in NetSuite only, so {left}."
    where = f"of subsidiary {subsidiary_id}" if subsidiary_id is not None else "of the connection's subsidiary"
    if not matches:
        return f"{name!r} is no active company customer {where} in NetSuite: {left}."
    ids = ", ".join(str(row.get("id")) for row in matches)
    return (
        f"{name!r} names {len(matches)} active company customers {where} in NetSuite (internal ids {ids}): "
        f"cannot tell which one, so {left}."
    )
