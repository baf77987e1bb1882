"""``POST /crm/v3/objects/{type}/batch/upsert`` (reference B.2).

Inputs ``{"id": "<unique value>", "idProperty": "<unique property>", "properties": {...}}``: the
record holding that value is updated, or one is created with it; results carry ``new``.
UNCERTAIN choices (stricter): ``idProperty`` must be a custom property with ``hasUniqueValue``
(``email`` is refused for contacts, and so is ``hs_object_id``); ``properties`` naming the
``idProperty`` with another value is refused; the same value twice in one batch is refused;
any refusal refuses the whole batch, and nothing is written.
"""

from __future__ import annotations

from sandbox.common.http import Response

from .objects_api import _batch_body, _inputs, _now_iso
from .portal import Portal, require
from .store import DEFAULT_READ

INPUT_KEYS = {"id", "idProperty", "properties", "objectWriteTraceId"}


def batch_upsert(portal: Portal, object_type: str, body) -> Response:
    started = _now_iso()
    inputs = _inputs(body)
    store = portal.store(object_type)
    planned, seen = [], set()
    for item in inputs:
        require(isinstance(item, dict), "Each input must be an object")
        unknown = set(item) - INPUT_KEYS
        require(not unknown, f"Unknown input fields: {sorted(unknown)}")
        value, id_property = item.get("id"), item.get("idProperty")
        require(isinstance(value, str) and value != "", "Each input needs id: the unique value")
        prop = store.definitions.get(id_property) if isinstance(id_property, str) else None
        require(
            prop is not None and prop.has_unique_value and not prop.archived,
            f"idProperty {id_property!r} is not a unique-value property of {object_type}",
        )
        values = portal.checked_properties(object_type, item.get("properties", {}))
        require(
            values.get(id_property, value) == value,
            f"properties.{id_property} differs from the input's id {value!r}",
        )
        require((id_property, value) not in seen, f"Duplicate id {value!r} for {id_property} in batch inputs")
        seen.add((id_property, value))
        record = store.unique_holder(id_property, value)
        planned.append((record, {**values, id_property: value}))
    creates = [values for record, values in planned if record is None]
    updates = [(values, record) for record, values in planned if record is not None]
    if object_type == "contacts":
        portal.check_new_emails(creates)
        for values, record in updates:
            portal.check_email_free(values, record)
    portal.check_unique(object_type, [(values, None) for values in creates] + updates)
    results = []
    now = portal.now_ms()
    for record, values in planned:
        names = list(dict.fromkeys([*DEFAULT_READ[object_type], *values]))
        if record is None:
            created = portal.create(object_type, values)
            results.append({**created.render(names), "new": True})
        else:
            store.update(record, values, now)
            results.append({**record.render(names), "new": False})
    return _batch_body(results, [], started, 200)
