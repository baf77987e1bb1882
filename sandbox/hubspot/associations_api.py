"""Associations v4 between contacts and companies (reference B.5).

- ``PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}``: the unlabelled association;
- ``PUT /crm/v4/objects/{from}/{id}/associations/{to}/{toId}`` with ``[{associationCategory, associationTypeId}]``;
- ``DELETE /crm/v4/objects/{from}/{id}/associations/{to}/{toId}``: every association of the pair, 204;
- ``GET /crm/v4/objects/{from}/{id}/associations/{to}?after=&limit=`` (limit up to 500);
- ``POST /crm/v4/associations/{from}/{to}/batch/{read,create,archive,labels/archive,associate/default}``.

UNCERTAIN choices: batch limits are 100 inputs for every batch endpoint (the
reference's 1,000/2,000/100 come from one project; 100 is the stricter); an input
naming a record that does not exist refuses the whole batch (400) except in
``read``, where it is a 207 error; answers' shapes follow the v4 spec names
(``toObjectId``, ``associationTypes``, ``LabelsBetweenObjectPair``).
"""

from __future__ import annotations

from sandbox.common.http import Response, json_response

from .associations import LABELS, UNLABELED, other, render_types
from .errors import not_found, standard_error, validation
from .objects_api import _batch_body, _now_iso, parse_limit
from .portal import Portal, require
from .store import OBJECT_TYPES, TYPE_IDS

MAX_BATCH = 100
LIST_MAX = 500


def _types(from_type: str, to_type: str) -> None:
    if from_type not in OBJECT_TYPES or to_type != other(from_type):
        raise validation(f"Associations from {from_type} to {to_type} are not simulated")


def _record(portal: Portal, object_type: str, record_id) -> int:
    record = portal.store(object_type).get(str(record_id))
    if record is None:
        raise not_found(f"No {object_type} with id {record_id}", [str(record_id)])
    return record.id


def _labels(portal: Portal, from_type: str, from_id: int, to_id: int) -> dict:
    to_type = other(from_type)
    types = dict(portal.associations.targets(from_type, from_id)).get(to_id, set())
    rendered = render_types(from_type, types)
    return {
        "fromObjectTypeId": TYPE_IDS[from_type],
        "fromObjectId": from_id,
        "toObjectTypeId": TYPE_IDS[to_type],
        "toObjectId": to_id,
        "labels": [t["label"] for t in rendered if t["label"]],
    }


def put_default(portal: Portal, from_type: str, from_id: str, to_type: str, to_id: str) -> Response:
    _types(from_type, to_type)
    a, b = _record(portal, from_type, from_id), _record(portal, to_type, to_id)
    portal.associations.add(from_type, a, b, {UNLABELED})
    spec = render_types(from_type, {UNLABELED})[0]
    result = {
        "from": {"id": str(a)},
        "to": {"id": str(b)},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": spec["typeId"]},
    }
    return _batch_body([result], [], _now_iso(), 200)


def put_labelled(portal: Portal, from_type: str, from_id: str, to_type: str, to_id: str, body) -> Response:
    _types(from_type, to_type)
    a, b = _record(portal, from_type, from_id), _record(portal, to_type, to_id)
    types = portal.associations.contact_side_types(from_type, to_type, body)
    changed, _ = portal.associations.add(from_type, a, b, types)
    portal.after_primary_change(changed)
    # 201 as the v4 spec has it (the official client reads no body from a 200 here).
    labels = [LABELS[t] for t in sorted(types) if LABELS[t]]
    return json_response(_labels(portal, from_type, a, b) | {"labels": labels}, 201)


def delete_pair(portal: Portal, from_type: str, from_id: str, to_type: str, to_id: str) -> Response:
    _types(from_type, to_type)
    a, b = _record(portal, from_type, from_id), _record(portal, to_type, to_id)
    had_primary = portal.associations.primary_company(a if from_type == "contacts" else b)
    portal.associations.remove(from_type, a, b)
    contact = a if from_type == "contacts" else b
    if had_primary is not None and portal.associations.primary_company(contact) is None:
        portal.after_primary_change(contact)
    return Response(status=204)


def list_pair(portal: Portal, request, from_type: str, from_id: str, to_type: str) -> Response:
    _types(from_type, to_type)
    a = _record(portal, from_type, from_id)
    limit = parse_limit(request.arg("limit"), LIST_MAX, LIST_MAX)
    after = request.arg("after") or "0"
    try:
        offset = int(after)
    except ValueError:
        raise validation(f"Invalid after: {after!r}")
    rows = _live_targets(portal, from_type, a)
    page = rows[offset : offset + limit]
    body: dict = {"results": page}
    if offset + limit < len(rows):
        body["paging"] = {"next": {"after": str(offset + limit), "link": f"?after={offset + limit}"}}
    return json_response(body)


def _live_targets(portal: Portal, from_type: str, from_id: int) -> list[dict]:
    to_store = portal.store(other(from_type))
    return [
        {"toObjectId": to_id, "associationTypes": render_types(from_type, types)}
        for to_id, types in portal.associations.targets(from_type, from_id)
        if to_store.get(to_id) is not None
    ]


def _inputs(body) -> list:
    require(
        isinstance(body, dict) and isinstance(body.get("inputs"), list), "Invalid input JSON: inputs must be a list"
    )
    if len(body["inputs"]) > MAX_BATCH:
        raise validation(f"Batch input limit exceeded: {len(body['inputs'])} inputs, at most {MAX_BATCH} per request")
    return body["inputs"]


def _id_of(item, key: str):
    require(
        isinstance(item, dict) and isinstance(item.get(key), dict) and "id" in item[key], f"Each input needs {key}.id"
    )
    return str(item[key]["id"])


def batch(portal: Portal, from_type: str, to_type: str, action: str, body) -> Response:
    """The v4 batch endpoints."""
    _types(from_type, to_type)
    started = _now_iso()
    inputs = _inputs(body)
    from_store, to_store = portal.store(from_type), portal.store(to_type)
    if action == "read":
        results, missing = [], []
        for item in inputs:
            require(isinstance(item, dict) and "id" in item, "Each input needs id")
            record = from_store.get(str(item["id"]))
            if record is None:
                missing.append(str(item["id"]))
                continue
            results.append({"from": {"id": str(record.id)}, "to": _live_targets(portal, from_type, record.id)})
        errors = []
        if missing:
            errors.append(standard_error("OBJECT_NOT_FOUND", f"No {from_type} with these ids", {"ids": missing}))
        return _batch_body(results, errors, started, 200)
    if action in ("create", "associate/default"):
        planned = []
        for item in inputs:
            a, b = _id_of(item, "from"), _id_of(item, "to")
            if from_store.get(a) is None or to_store.get(b) is None:
                raise validation(f"Cannot associate {from_type} {a} with {to_type} {b}: one of them does not exist")
            types = (
                {UNLABELED}
                if action == "associate/default"
                else portal.associations.contact_side_types(from_type, to_type, item.get("types"))
            )
            planned.append((int(a), int(b), types))
        results = []
        for a, b, types in planned:
            changed, _ = portal.associations.add(from_type, a, b, types)
            portal.after_primary_change(changed)
            if action == "create":
                results.append(_labels(portal, from_type, a, b))
            else:
                spec = render_types(from_type, {UNLABELED})[0]
                results.append(
                    {
                        "from": {"id": str(a)},
                        "to": {"id": str(b)},
                        "associationSpec": {
                            "associationCategory": "HUBSPOT_DEFINED",
                            "associationTypeId": spec["typeId"],
                        },
                    }
                )
        return _batch_body(results, [], started, 201 if action == "create" else 200)
    if action in ("archive", "labels/archive"):
        planned = []
        for item in inputs:
            a = _id_of(item, "from")
            if action == "archive":
                require(isinstance(item.get("to"), list), "archive inputs are {from: {id}, to: [{id}]}")
                targets = [(str(t.get("id")), None) for t in item["to"] if isinstance(t, dict)]
            else:
                b = _id_of(item, "to")
                types = portal.associations.contact_side_types(from_type, to_type, item.get("types"))
                targets = [(b, types)]
            planned.append((a, targets))
        for a, targets in planned:
            for b, types in targets:
                if from_store.get(a) is None or to_store.get(b) is None:
                    continue  # UNCERTAIN: as the objects' batch archive, missing records are skipped
                contact = int(a) if from_type == "contacts" else int(b)
                before = portal.associations.primary_company(contact)
                portal.associations.remove(from_type, int(a), int(b), types)
                if before is not None and portal.associations.primary_company(contact) is None:
                    portal.after_primary_change(contact)
        return Response(status=204)
    raise not_found(f"Unknown association batch action {action}")
