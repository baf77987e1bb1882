"""``/crm/v3/objects/{contacts,companies}``: list, read, create, update, archive,
and the batch endpoints (reference B.2, B.6, B.7)."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime

from sandbox.common.http import Request, Response, json_response

from .associations import V3_NAMES, other
from .errors import ApiError, not_found, standard_error, validation
from .portal import Portal, require
from .store import DEFAULT_READ, TYPE_NAMES, Record

MAX_BATCH = 100  # "Object API batch endpoints are limited to 100 inputs per request"
LIST_MAX = 100


def parse_limit(raw: str | None, default: int, maximum: int) -> int:
    """``limit`` as sent; UNCERTAIN: over the maximum or below 1 is refused (400), the stricter choice
    over clamping."""
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise validation(f"Unable to parse limit: {raw!r} is not an integer")
    if not 1 <= limit <= maximum:
        raise validation(f"limit must be between 1 and {maximum}, got {limit}")
    return limit


def parse_bool(raw: str | None, name: str) -> bool:
    if raw is None or raw == "":
        return False
    if raw not in ("true", "false"):
        raise validation(f"Unable to parse {name}: {raw!r} is not true or false")
    return raw == "true"


def csv(request: Request, name: str) -> list[str] | None:
    """A CSV query parameter (also accepted repeated); None when absent."""
    values = request.args(name)
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def read_names(portal: Portal, object_type: str, requested: list[str] | None) -> list[str]:
    """The properties to render: the type's defaults, or the requested names that exist.
    Requested names that do not exist are left out of the answer (not an error)."""
    if not requested:
        return list(DEFAULT_READ[object_type])
    definitions = portal.store(object_type).definitions
    return [name for name in dict.fromkeys(requested) if name in definitions]


def render(portal: Portal, object_type: str, record: Record, names: list[str], associations: list[str] | None):
    body = record.render(names)
    if associations:
        found = {}
        for to_type in associations:
            if to_type != other(object_type):
                continue
            results = [
                {"id": str(to_id), "type": V3_NAMES[(object_type, t)]}
                for to_id, types in portal.associations.targets(object_type, record.id)
                if portal.store(to_type).get(to_id) is not None
                for t in sorted(types)
            ]
            if results:
                found[to_type] = {"results": results}
        if found:
            body["associations"] = found
    return body


def list_objects(portal: Portal, request: Request, object_type: str) -> Response:
    limit = parse_limit(request.arg("limit"), 10, LIST_MAX)
    archived = parse_bool(request.arg("archived"), "archived")
    after_raw = request.arg("after")
    after = 0
    if after_raw:
        try:
            after = int(after_raw)
        except ValueError:
            raise validation(f"Unable to parse after: {after_raw!r} is not a valid paging cursor")
    store = portal.store(object_type)
    names = read_names(portal, object_type, csv(request, "properties"))
    associations = csv(request, "associations")
    ids = list(store.records)  # ids only grow, so insertion order is id order
    page: list[Record] = []
    index = bisect.bisect_left(ids, after)
    next_after = None
    while index < len(ids):
        record = store.records[ids[index]]
        index += 1
        if record.archived != archived:
            continue
        if len(page) == limit:
            next_after = record.id  # the cursor names the first record of the next page
            break
        page.append(record)
    body: dict = {"results": [render(portal, object_type, r, names, associations) for r in page]}
    if next_after is not None:
        body["paging"] = {"next": {"after": str(next_after), "link": f"?after={next_after}"}}
    return json_response(body)


def _lookup(portal: Portal, object_type: str, record_id: str, id_property: str | None, archived: bool):
    store = portal.store(object_type)
    if not id_property or id_property == "hs_object_id":
        return store.get(record_id, archived)
    prop = store.definitions.get(id_property)
    if prop is None or not (prop.has_unique_value or (object_type == "contacts" and id_property == "email")):
        raise validation(f"{id_property} is not a unique identifier property of {object_type}")
    return store.by_unique(id_property, record_id, archived)


def get_object(portal: Portal, request: Request, object_type: str, record_id: str) -> Response:
    archived = parse_bool(request.arg("archived"), "archived")
    record = _lookup(portal, object_type, record_id, request.arg("idProperty"), archived)
    if record is None:
        # UNCERTAIN: archived ids read without archived=true answer 404 (reference B.7, "typical").
        raise not_found("Object not found.  objectId are usually numeric.", [record_id])
    names = read_names(portal, object_type, csv(request, "properties"))
    return json_response(render(portal, object_type, record, names, csv(request, "associations")))


def _inputs(body, key: str = "inputs") -> list:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise validation(f"Invalid input JSON: {key} must be a list")
    inputs = body[key]
    if len(inputs) > MAX_BATCH:
        # UNCERTAIN (reference B.2): 400 rather than silent truncation, the stricter choice.
        raise validation(f"Batch input limit exceeded: {len(inputs)} inputs, at most {MAX_BATCH} per request")
    return inputs


def _associate_on_create(portal: Portal, object_type: str, record: Record, specs) -> None:
    to_type = other(object_type)
    for spec in specs or []:
        if not isinstance(spec, dict) or not isinstance(spec.get("to"), dict):
            raise validation("Invalid association: expected {to: {id}, types: [...]}")
        target = portal.store(to_type).get(spec["to"].get("id"))
        if target is None:
            raise validation(f"Association target {to_type} {spec['to'].get('id')} does not exist")
        types = portal.associations.contact_side_types(object_type, to_type, spec.get("types"))
        changed, _ = portal.associations.add(object_type, record.id, target.id, types)
        portal.after_primary_change(changed)


def _check_associations(portal: Portal, object_type: str, specs) -> None:
    """Refuse bad association specs before anything is written."""
    if specs is None:
        return
    require(isinstance(specs, list), "associations must be a list")
    for spec in specs:
        require(isinstance(spec, dict) and isinstance(spec.get("to"), dict), "Invalid association spec")
        if portal.store(other(object_type)).get(spec["to"].get("id")) is None:
            raise validation(f"Association target {other(object_type)} {spec['to'].get('id')} does not exist")
        portal.associations.contact_side_types(object_type, other(object_type), spec.get("types"))


def create(portal: Portal, object_type: str, body) -> Response:
    require(isinstance(body, dict), "Invalid input JSON")
    values = portal.checked_properties(object_type, body.get("properties", {}))
    _check_associations(portal, object_type, body.get("associations"))
    if object_type == "contacts":
        portal.check_new_emails([values])
    portal.check_unique(object_type, [(values, None)])
    record = portal.create(object_type, values)
    _associate_on_create(portal, object_type, record, body.get("associations"))
    names = read_names(portal, object_type, None) + [n for n in values if n not in DEFAULT_READ[object_type]]
    return json_response(record.render(names), 201)


def update(portal: Portal, request: Request, object_type: str, record_id: str, body) -> Response:
    require(isinstance(body, dict), "Invalid input JSON")
    record = _lookup(portal, object_type, record_id, request.arg("idProperty"), False)
    if record is None:
        raise not_found("Object not found.  objectId are usually numeric.", [record_id])
    values = portal.checked_properties(object_type, body.get("properties", {}))
    if object_type == "contacts":
        portal.check_email_free(values, record)
    portal.check_unique(object_type, [(values, record)])
    portal.store(object_type).update(record, values, portal.now_ms())
    names = list(dict.fromkeys([*DEFAULT_READ[object_type], *values]))
    return json_response(record.render(names))


def archive(portal: Portal, object_type: str, record_id: str) -> Response:
    record = portal.store(object_type).get(record_id)
    if record is None:
        # UNCERTAIN: the reference does not say what archiving a missing id answers; 404 is stricter than 204.
        raise not_found("Object not found.  objectId are usually numeric.", [record_id])
    portal.store(object_type).archive(record, portal.now_ms())
    return Response(status=204)


def _batch_body(results: list[dict], errors: list[dict], started: str, ok_status: int) -> Response:
    body: dict = {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": _now_iso()}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = errors
        return json_response(body, 207)
    return json_response(body, ok_status)


def _now_iso() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def batch_read(portal: Portal, request: Request, object_type: str, body) -> Response:
    started = _now_iso()
    inputs = _inputs(body)
    archived = parse_bool(request.arg("archived"), "archived")
    if body.get("propertiesWithHistory"):
        raise ApiError(501, "NOT_IMPLEMENTED", "The sandbox does not simulate propertiesWithHistory")
    props = body.get("properties")
    require(props is None or isinstance(props, list), "properties must be a list of names")
    names = read_names(portal, object_type, props)
    id_property = body.get("idProperty")
    results, missing = [], []
    for item in inputs:
        require(isinstance(item, dict) and isinstance(item.get("id"), str), "Each input must be {id: string}")
        record = _lookup(portal, object_type, item["id"], id_property, archived)
        if record is None:
            missing.append(item["id"])
        else:
            results.append(record.render(names))
    errors = []
    if missing:
        errors.append(
            standard_error(
                "OBJECT_NOT_FOUND",
                f"Could not get some {TYPE_NAMES[object_type]} objects, they may be deleted or not exist. "
                "Check that ids are valid.",
                {"ids": missing},
            )
        )
    return _batch_body(results, errors, started, 200)


def batch_create(portal: Portal, object_type: str, body) -> Response:
    """All or nothing: a bad value or an existing email refuses the whole batch (reference B.6)."""
    started = _now_iso()
    inputs = _inputs(body)
    value_sets = []
    for item in inputs:
        require(isinstance(item, dict), "Each input must be an object")
        value_sets.append(portal.checked_properties(object_type, item.get("properties", {})))
        _check_associations(portal, object_type, item.get("associations"))
    if object_type == "contacts":
        portal.check_new_emails(value_sets)
    portal.check_unique(object_type, [(values, None) for values in value_sets])
    results = []
    for item, values in zip(inputs, value_sets, strict=True):
        record = portal.create(object_type, values)
        _associate_on_create(portal, object_type, record, item.get("associations"))
        names = list(dict.fromkeys([*DEFAULT_READ[object_type], *values]))
        results.append(record.render(names))
    return _batch_body(results, [], started, 201)


def batch_update(portal: Portal, object_type: str, body) -> Response:
    """Bad values refuse the whole batch (400); ids that do not exist are 207 errors, the rest is written."""
    started = _now_iso()
    inputs = _inputs(body)
    planned, missing = [], []
    emails_taken: dict[str, int] = {}
    for item in inputs:
        require(isinstance(item, dict) and isinstance(item.get("id"), str), "Each input must be {id, properties}")
        values = portal.checked_properties(object_type, item.get("properties", {}))
        record = _lookup(portal, object_type, item["id"], item.get("idProperty"), False)
        if record is None:
            missing.append(item["id"])
            continue
        if object_type == "contacts":
            portal.check_email_free(values, record)
            email = values.get("email", "").lower()
            if email and emails_taken.setdefault(email, record.id) != record.id:
                raise validation(f"Duplicate email in batch inputs: {values['email']}")
        planned.append((record, values))
    portal.check_unique(object_type, [(values, record) for record, values in planned])
    ids = [record.id for record, _ in planned]
    if len(ids) != len(set(ids)):
        # UNCERTAIN: the reference says nothing of a record named twice; refused, the stricter choice.
        raise validation("Duplicate IDs found in batch input")
    results = []
    now = portal.now_ms()
    for record, values in planned:
        portal.store(object_type).update(record, values, now)
        results.append(record.render(list(dict.fromkeys([*DEFAULT_READ[object_type], *values]))))
    errors = []
    if missing:
        errors.append(
            standard_error(
                "OBJECT_NOT_FOUND",
                f"Could not update some {TYPE_NAMES[object_type]} objects, they may be deleted or not exist.",
                {"ids": missing},
            )
        )
    return _batch_body(results, errors, started, 200)


def batch_archive(portal: Portal, object_type: str, body) -> Response:
    """204 with no body. UNCERTAIN: ids that do not exist (or are archived already) are skipped silently."""
    inputs = _inputs(body)
    store = portal.store(object_type)
    for item in inputs:
        require(isinstance(item, dict) and isinstance(item.get("id"), str), "Each input must be {id: string}")
    now = portal.now_ms()
    for item in inputs:
        record = store.get(item["id"])
        if record is not None:
            store.archive(record, now)
    return Response(status=204)
