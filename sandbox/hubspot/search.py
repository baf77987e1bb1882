"""``POST /crm/v3/objects/{type}/search`` (reference B.3).

Filters inside a group are AND-ed, groups OR-ed; archived records never match.
Limits of the current docs: 5 groups, 6 filters a group, 18 in all; ``query`` up
to 3,000 characters; ``limit`` up to 200; 10,000 results per query, paging
beyond them is a 400. ``after`` is an offset into the sorted matches.
UNCERTAIN choices (stricter): sorts must be objects ``{propertyName, direction}``
(the string form is refused); unknown keys in the body are refused; a filter on an
unknown property is refused (400) rather than matching nothing.
"""

from __future__ import annotations

from functools import lru_cache

from sandbox.common.http import Response, json_response

from .errors import validation
from .objects_api import read_names
from .portal import Portal, require
from .properties import PropertyDef, parse_datetime_ms
from .store import Record

OPERATORS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
}
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18
MAX_LIMIT, MAX_RESULTS, MAX_QUERY = 200, 10_000, 3000
BODY_KEYS = {"filterGroups", "sorts", "query", "properties", "limit", "after"}
# The text properties a free-text ``query`` looks in.
QUERY_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email", "phone", "company"),
    "companies": ("name", "domain", "website", "phone"),
}


def _key(prop: PropertyDef, raw: str | None):
    """A comparable form of a stored or filter value, by the property's type."""
    if raw is None or raw == "":
        return None
    return _typed_key(prop.type, raw)


@lru_cache(maxsize=1 << 18)
def _typed_key(type_: str, raw: str):
    # Cached: a search over 100,000 records would parse every stored datetime on every call.
    if type_ in ("datetime", "date"):
        if type_ == "date" and len(raw) == 10:
            raw = raw + "T00:00:00Z"
        return parse_datetime_ms(raw)
    if type_ == "number":
        try:
            return float(raw)
        except ValueError:
            return None
    return raw.lower()  # string comparisons are case-insensitive (emails above all)


class Filter:
    """One checked filter, ready to test records."""

    def __init__(self, portal: Portal, object_type: str, spec):
        require(isinstance(spec, dict), "Each filter must be an object")
        unknown = set(spec) - {"propertyName", "operator", "value", "values", "highValue"}
        require(not unknown, f"Unknown filter fields: {sorted(unknown)}")
        name, op = spec.get("propertyName"), spec.get("operator")
        prop = portal.store(object_type).definitions.get(name) if isinstance(name, str) else None
        if prop is None:
            raise validation(f"There was a problem with the request. Property {name!r} does not exist")
        if op not in OPERATORS:
            raise validation(f"Unknown operator {op!r}; expected one of {sorted(OPERATORS)}")
        self.name, self.op, self.prop = name, op, prop
        if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
            return
        if op in ("IN", "NOT_IN"):
            values = spec.get("values")
            require(isinstance(values, list) and values, f"{op} needs a non-empty values list")
            self.values = {self._value(v) for v in values}
            return
        self.value = self._value(spec.get("value"))
        if op == "BETWEEN":
            self.high = self._value(spec.get("highValue"))

    def _value(self, raw):
        require(isinstance(raw, str | int | float) and not isinstance(raw, bool), f"{self.op} needs a value")
        key = _key(self.prop, str(raw))
        if key is None:
            raise validation(f"Invalid value {raw!r} for property {self.name} of type {self.prop.type}")
        return key

    def matches(self, record: Record) -> bool:
        raw = record.properties.get(self.name)
        op = self.op
        if op == "HAS_PROPERTY":
            return bool(raw)
        if op == "NOT_HAS_PROPERTY":
            return not raw
        have = _key(self.prop, raw)
        if op == "NEQ":
            return have != self.value
        if op == "NOT_IN":
            return have not in self.values
        if op == "NOT_CONTAINS_TOKEN":
            return have is None or str(self.value) not in str(have)
        if have is None:
            return False
        if op == "EQ":
            return have == self.value
        if op == "IN":
            return have in self.values
        if op == "CONTAINS_TOKEN":
            token = str(self.value).strip("*")
            return token in str(have)
        try:
            if op == "LT":
                return have < self.value
            if op == "LTE":
                return have <= self.value
            if op == "GT":
                return have > self.value
            if op == "GTE":
                return have >= self.value
            if op == "BETWEEN":
                return self.value <= have <= self.high
        except TypeError:
            return False
        return False


def _groups(portal: Portal, object_type: str, body: dict) -> list[list[Filter]]:
    groups = body.get("filterGroups", [])
    require(isinstance(groups, list), "filterGroups must be a list")
    if len(groups) > MAX_GROUPS:
        raise validation(f"Too many filter groups: {len(groups)}, at most {MAX_GROUPS}")
    total = 0
    parsed = []
    for group in groups:
        require(isinstance(group, dict) and isinstance(group.get("filters"), list), "Each group needs filters")
        filters = group["filters"]
        if len(filters) > MAX_FILTERS_PER_GROUP:
            raise validation(f"Too many filters in a group: {len(filters)}, at most {MAX_FILTERS_PER_GROUP}")
        total += len(filters)
        parsed.append([Filter(portal, object_type, f) for f in filters])
    if total > MAX_FILTERS:
        raise validation(f"Too many filters: {total}, at most {MAX_FILTERS} across all groups")
    return parsed


def _sorts(portal: Portal, object_type: str, body: dict) -> list[tuple[PropertyDef, bool]]:
    sorts = body.get("sorts", [])
    require(isinstance(sorts, list), "sorts must be a list")
    parsed = []
    for sort in sorts:
        if not isinstance(sort, dict):
            raise validation('sorts must be objects like {"propertyName": "...", "direction": "ASCENDING"}')
        prop = portal.store(object_type).definitions.get(sort.get("propertyName"))
        require(prop is not None, f"Unknown sort property {sort.get('propertyName')!r}")
        direction = sort.get("direction", "ASCENDING")
        require(direction in ("ASCENDING", "DESCENDING"), f"Unknown sort direction {direction!r}")
        parsed.append((prop, direction == "DESCENDING"))
    return parsed


def search(portal: Portal, object_type: str, body) -> Response:
    require(isinstance(body, dict), "Invalid input JSON")
    unknown = set(body) - BODY_KEYS
    require(not unknown, f"Unknown fields in the search request: {sorted(unknown)}")
    groups = _groups(portal, object_type, body)
    sorts = _sorts(portal, object_type, body)
    query = body.get("query")
    require(query is None or isinstance(query, str), "query must be a string")
    if query and len(query) > MAX_QUERY:
        raise validation(f"query is too long: {len(query)} characters, at most {MAX_QUERY}")
    limit = body.get("limit", 10)
    require(isinstance(limit, int) and not isinstance(limit, bool), "limit must be an integer")
    if not 1 <= limit <= MAX_LIMIT:
        raise validation(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    after = body.get("after", "0")
    # UNCERTAIN: the spec types after as a string; a JSON number is refused (the stricter choice).
    require(isinstance(after, str), "after must be a string (the paging.next.after of the previous page)")
    after = after or "0"
    try:
        offset = int(str(after))
    except ValueError:
        raise validation(f"Invalid after: {after!r}")
    require(offset >= 0, "after must not be negative")
    if offset >= MAX_RESULTS:
        raise validation(
            f"Search results are limited to {MAX_RESULTS} per query; after={offset} pages beyond them. "
            "Narrow the filters to page further."
        )
    props = body.get("properties")
    require(props is None or isinstance(props, list), "properties must be a list of names")
    names = read_names(portal, object_type, props)

    matches = []
    needle = query.lower().strip() if query else None
    text_props = QUERY_PROPERTIES[object_type]
    for record in portal.store(object_type).search_view(int(portal.clock() * 1000)):
        if record.archived:
            continue  # archived records never appear in search
        if groups and not any(all(f.matches(record) for f in group) for group in groups):
            continue
        if needle and not any(needle in (record.properties.get(p) or "").lower() for p in text_props):
            continue
        matches.append(record)
    # Sort by id first, then by each sort key from the last (a stable multi-key sort); empty values last.
    matches.sort(key=lambda r: r.id)
    for prop, descending in reversed(sorts):
        keyed = [(_key(prop, r.properties.get(prop.name)), r) for r in matches]
        present = [pair for pair in keyed if pair[0] is not None]
        present.sort(key=lambda pair: pair[0], reverse=descending)
        matches = [r for _, r in present] + [r for key, r in keyed if key is None]
    total = len(matches)
    end = min(offset + limit, total, MAX_RESULTS)
    page = matches[offset:end]
    result: dict = {"total": total, "results": [r.render(names) for r in page]}
    if end < total:
        result["paging"] = {"next": {"after": str(end), "link": f"?after={end}"}}
    return json_response(result)
