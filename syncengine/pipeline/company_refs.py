"""A contact's company as a link between linked records (pure: plain values in, decisions out).

Some apps keep a contact's company as a link to one of their company records (the registry's
``ProviderInfo.company_reference_fields``), where NetSuite keeps a reference to a company customer. Ids mean
nothing across two apps: the company a contact links to is translated through the links of the *company
connection* (NetSuite Company Customers ⇄ the app's companies, same accounts and subsidiary), loaded once per
chunk (:class:`CompanyIds`).

- **In**: the app's value is given in NetSuite's ids before the pair is planned
  (:func:`app_values_in_netsuite_ids`), so the echo check, the merge and the snapshots compare like with
  like. A company the company connection has not linked yet becomes :func:`unlinked_value`, a value of its
  own that equals no NetSuite company.
- **Out**: a write toward the app is translated back to the app's id (:func:`settle_company_writes`, the
  writer sends the translation); a write of a company that is not linked yet, either way, is held back: the
  field is left out of the write, the outcome says so ("Warning: ..."), and the plan names the source
  field as waiting (``DirectionPlan.waiting_fields``): the recorder leaves it out of the source's snapshot
  (so it reads as a change to make) and keeps the source record pending, so a later run, once the company
  is linked, writes it. A company that is never linked keeps its contact waiting, and saying so, each run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..choices import Outcome, SyncDirection

if TYPE_CHECKING:
    from ..planner import DirectionPlan, PairPlan

UNLINKED = "unlinked:"  # the id prefix of an app company not linked yet, in NetSuite's ids


@dataclass(frozen=True)
class CompanyRef:
    """A mapping whose two fields are a contact's company: NetSuite's reference and the app's link."""

    netsuite_field: str
    app_field: str


@dataclass
class CompanyIds:
    """The company connection's links of a chunk's companies: NetSuite id by app id, app id by NetSuite id, and
    the NetSuite company's name (as last synced) by NetSuite id."""

    netsuite_of: dict[str, str] = field(default_factory=dict)
    app_of: dict[str, str] = field(default_factory=dict)
    netsuite_names: dict[str, str] = field(default_factory=dict)


def ref_id(value: Any) -> str | None:
    """The record id a reference value names (None: no company)."""
    if isinstance(value, Mapping):
        return str(value.get("id") or "").strip() or None
    return None


def ids_of(values: Iterable[Mapping[str, Any] | None], fields: Iterable[str]) -> set[str]:
    """The company ids the ``fields`` of these records name."""
    wanted = tuple(fields)
    return {i for v in values if v for f in wanted if (i := ref_id(v.get(f))) and not i.startswith(UNLINKED)}


def unlinked_value(app_id: str) -> dict[str, str]:
    """The app's company ``app_id`` in NetSuite's ids when it is not linked yet: a value that equals no
    NetSuite company (and stays the same from run to run, so it is no change until the link exists)."""
    return {"id": f"{UNLINKED}{app_id}", "name": ""}


def app_values_in_netsuite_ids(
    values: dict[str, Any] | None,
    refs: Iterable[CompanyRef],
    ids: CompanyIds,
    netsuite_values: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """``values`` of an app record with each company link given as NetSuite's company (its name taken from
    the NetSuite record when that names the same company, else from the company's link), and the app company
    ids not linked yet, by field."""
    if not values:
        return values, {}
    out, unlinked = dict(values), {}
    for ref in refs:
        app_id = ref_id(values.get(ref.app_field))
        if app_id is None:
            continue
        netsuite_id = ids.netsuite_of.get(app_id)
        if netsuite_id is None:
            out[ref.app_field] = unlinked_value(app_id)
            unlinked[ref.app_field] = app_id
            continue
        theirs = (netsuite_values or {}).get(ref.netsuite_field)
        name = str(theirs.get("name") or "") if ref_id(theirs) == netsuite_id else ""
        name = name or ids.netsuite_names.get(netsuite_id, "")
        out[ref.app_field] = {"id": netsuite_id, "name": name}
    return out, unlinked


def settle_company_writes(
    pair: PairPlan, refs: Iterable[CompanyRef], ids: CompanyIds, unlinked: Mapping[str, str]
) -> dict[str, Any]:
    """Hold back the company writes of ``pair`` that wait for a company link (see the module docstring), and
    return the app values to send instead of the planned ones (the app's own company ids), by app field."""
    to_app: dict[str, Any] = {}
    for plan in pair.plans:
        for ref in refs:
            if plan.direction == SyncDirection.TO_APP and ref.app_field in plan.writes:
                value = plan.writes[ref.app_field]
                netsuite_id = ref_id(value)
                if netsuite_id is None:
                    to_app[ref.app_field] = None
                elif netsuite_id in ids.app_of:
                    to_app[ref.app_field] = {"id": ids.app_of[netsuite_id], "name": str(value.get("name") or "")}
                else:
                    name = str(value.get("name") or "") or f"internal id {netsuite_id}"
                    _hold(plan, ref.app_field, ref.netsuite_field, f"the company {name} is not linked yet")
            elif plan.direction == SyncDirection.TO_NETSUITE and ref.netsuite_field in plan.writes:
                app_id = unlinked.get(ref.app_field)
                if app_id is not None:
                    _hold(plan, ref.netsuite_field, ref.app_field, f"the app's company {app_id} is not linked yet")
    return to_app


def _hold(plan: DirectionPlan, target_field: str, source_field: str, why: str) -> None:
    plan.writes.pop(target_field, None)
    plan.before.pop(target_field, None)
    plan.waiting_fields.append(source_field)
    warning = f"Warning: {why}; the contact's company is set by a later run, once the company connection links it"
    plan.message = "; ".join(filter(None, [plan.message, warning]))
    if plan.outcome == Outcome.UPDATED and not plan.has_writes:
        plan.outcome = Outcome.UNCHANGED
