"""Subsidiaries and the option lists rules need (Sales Rep, Partner, Initial Lead Source), via SuiteQL.

Each list is one keyset-paged SuiteQL query (pages of up to 1000 rows); each
row becomes a :class:`SubsidiaryInfo` or a :class:`FieldOption`. Option lists
hold active entries only: they are what a rule action may assign.

The metadata catalog cannot be trusted for these three fields: a select
over records lists its options only while the record set is small (the
sandbox stops at 200, NetSuite's own limit is UNCERTAIN), and then by id
alone. So their options always come from SuiteQL, read once per client
(:class:`OptionListCache`) however many catalogs the client builds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..fields import FieldOption
from . import suiteql
from .values import parse_boolean


@dataclass(frozen=True)
class SubsidiaryInfo:
    """One subsidiary. Customers and contacts cannot be created in an inactive or elimination subsidiary."""

    id: str
    name: str
    parent_id: str | None
    is_inactive: bool
    is_elimination: bool
    country: str = ""  # ISO 3166-1 alpha-2 ("BE"), "" when NetSuite gives none or something else

    @property
    def can_hold_records(self) -> bool:
        return not (self.is_inactive or self.is_elimination)


# ``country`` is the subsidiary's country (that of its main address), as SuiteQL gives a
# country field: the two-letter code. UNCERTAIN in the reference (it lists the mainaddress
# subrecord, not the column), so anything but two letters is read as "no country".
SUBSIDIARIES = suiteql.Select("subsidiary", ["id", "name", "parent", "isinactive", "iselimination", "country"])


def subsidiary_from_row(row: Mapping[str, Any]) -> SubsidiaryInfo:
    parent = row.get("parent")
    return SubsidiaryInfo(
        id=str(row["id"]),
        name=str(row.get("name") or ""),
        parent_id=str(parent) if parent not in (None, "") else None,
        is_inactive=bool(parse_boolean(row.get("isinactive"))),
        is_elimination=bool(parse_boolean(row.get("iselimination"))),
        country=_country_code(row.get("country")),
    )


def _country_code(value: Any) -> str:
    code = str(value or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else ""


def _person_name(row: Mapping[str, Any]) -> str:
    return " ".join(part for part in (row.get("firstname"), row.get("lastname")) if part)


def _first(*values: Any) -> str:
    return next((str(v) for v in values if v), "")


@dataclass(frozen=True)
class OptionList:
    """The query of one option list and how a row is named."""

    select: suiteql.Select
    name: Callable[[Mapping[str, Any]], str]

    def option(self, row: Mapping[str, Any]) -> FieldOption:
        return FieldOption(str(row["id"]), self.name(row) or str(row["id"]))


_ACTIVE = "isinactive = 'F'"

SALES_REPS = OptionList(
    suiteql.Select("employee", ["id", "entityid", "firstname", "lastname"], ["issalesrep = 'T'", _ACTIVE]),
    lambda row: _first(_person_name(row), row.get("entityid")),
)
PARTNERS = OptionList(
    suiteql.Select("partner", ["id", "entityid", "companyname", "firstname", "lastname"], [_ACTIVE]),
    lambda row: _first(row.get("companyname"), _person_name(row), row.get("entityid")),
)
# Initial Lead Source values are marketing campaigns.
LEAD_SOURCES = OptionList(
    suiteql.Select("campaign", ["id", "title"], [_ACTIVE]),
    lambda row: _first(row.get("title")),
)

# Reference fields whose options come from another record type's list, not from the schema.
OPTION_LISTS_BY_FIELD: dict[str, OptionList] = {
    "salesRep": SALES_REPS,
    "partner": PARTNERS,
    "leadSource": LEAD_SOURCES,
    "contactSource": LEAD_SOURCES,  # a contact's Initial Lead Source: the same campaigns
}


class OptionListCache:
    """The option lists one client has read, by table, so that they are queried once per client.

    Thread-safe; a list is fetched again only when asked to ``refresh``. Two
    threads asking for the same missing list at once may both fetch it: the
    answer is the same, and holding a lock over an HTTP call is worse.
    """

    def __init__(self) -> None:
        self._lists: dict[str, tuple[FieldOption, ...]] = {}
        self._lock = threading.Lock()

    def get(
        self,
        option_list: OptionList,
        fetch: Callable[[OptionList], list[FieldOption]],
        *,
        refresh: bool = False,
    ) -> list[FieldOption]:
        """The options of ``option_list``: cached, or read with ``fetch`` (and cached)."""
        key = option_list.select.table
        with self._lock:
            cached = None if refresh else self._lists.get(key)
        if cached is None:
            cached = tuple(fetch(option_list))
            with self._lock:
                self._lists[key] = cached
        return list(cached)

    def clear(self) -> None:
        with self._lock:
            self._lists.clear()
