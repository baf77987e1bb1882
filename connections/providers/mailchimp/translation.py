"""A member as Mailchimp answers it ⇄ our :class:`~..base.Record` (reference C.2, C.5).

Values are typed for the engine: merge values under their catalog ids (``merge.FNAME``), an address merge
value ``{addr1, addr2, city, state, zip, country}`` as our address parts, tags as ``{"id", "name"}`` items
(the id is the tag's name), the status as ``{"id", "name"}``. An archived member reads as deleted. Writing
goes the other way: only what the request's fields name, and never the status (the subscription policy writes
it) nor the tags (rule actions, :mod:`.tag_writes`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..base import Record
from ..fields import FieldType
from .catalog import EMAIL, MERGE_PREFIX, STATUS, TAGS

# Our address parts -> Mailchimp's address keys (UNCERTAIN in the reference: C.5).
ADDRESS_KEYS = {"street": "addr1", "city": "city", "region": "state", "postal_code": "zip", "country": "country"}


def parse_time(value: Any) -> datetime | None:
    """``last_changed`` (ISO 8601, with an offset) as an aware UTC datetime; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _typed(value: Any, field_type: FieldType | None) -> Any:
    """A merge value as the engine types it (a select as ``{"id", "name"}``, a number, a date)."""
    if value is None or field_type is None:
        return value
    if field_type == FieldType.SELECT:
        return {"id": str(value), "name": str(value)}
    if field_type == FieldType.DECIMAL and isinstance(value, int | float | str):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    if field_type == FieldType.DATE and isinstance(value, str):
        try:  # the audience's date format may be another (UNCERTAIN, reference C.5): kept as text then
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _merge_value(value: Any) -> Any:
    if isinstance(value, dict):  # an address
        parts = {ours: str(value.get(theirs) or "").strip() for ours, theirs in ADDRESS_KEYS.items()}
        extra = str(value.get("addr2") or "").strip()
        if extra:
            parts["street"] = f"{parts['street']}\n{extra}".strip()
        return parts if any(parts.values()) else None
    if value == "":
        return None
    return value


def _tags(tags: Any) -> list[dict[str, str]]:
    """A member's tags as ``{"id", "name"}`` items whose id is the tag's name: the tags endpoint addresses a
    tag by its name (:mod:`.tag_writes`), and a rule's tag may be one no member has yet."""
    names = (str(t.get("name") or "").strip() for t in tags or () if isinstance(t, dict))
    return [{"id": name, "name": name} for name in names if name]


def record_of(member: dict[str, Any], types: dict[str, FieldType] | None = None) -> Record:
    """Our record of one member (``GET /lists/{id}/members`` item); ``types``: the catalog's field types by
    id, which type the merge values (without it they stay as Mailchimp sends them)."""
    status = str(member.get("status") or "")
    values: dict[str, Any] = {
        EMAIL: str(member.get("email_address") or "").strip() or None,
        STATUS: {"id": status, "name": status.capitalize()} if status else None,
        "language": member.get("language") or None,
        "vip": bool(member.get("vip")),
        TAGS: _tags(member.get("tags")),
    }
    for tag, value in (member.get("merge_fields") or {}).items():
        field_id = f"{MERGE_PREFIX}{tag}"
        values[field_id] = _typed(_merge_value(value), (types or {}).get(field_id))
    return Record(
        id=str(member.get("id") or ""),
        modified_at=parse_time(member.get("last_changed")),
        deleted=status == "archived",
        values=values,
    )


def _merge_out(value: Any) -> Any:
    if isinstance(value, dict) and "name" in value and "id" in value:  # a select's choice
        return value["name"]
    if isinstance(value, dict):  # our address -> Mailchimp's
        street = str(value.get("street") or "")
        first, _, rest = street.partition("\n")
        out = {theirs: str(value.get(ours) or "") for ours, theirs in ADDRESS_KEYS.items()}
        out["addr1"], out["addr2"] = first, rest
        return out
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return "" if value is None else value


def member_body(values: dict[str, Any], fields: list[str] | None = None) -> dict[str, Any]:
    """The member JSON that writes ``values`` (only ``fields`` when given): email, language, VIP and merge
    values. The status and the tags are never part of it (see the module docstring)."""
    wanted = values if fields is None else {f: values.get(f) for f in fields}
    body: dict[str, Any] = {}
    merge: dict[str, Any] = {}
    for field_id, value in wanted.items():
        if field_id.startswith(MERGE_PREFIX):
            merge[field_id[len(MERGE_PREFIX) :]] = _merge_out(value)
        elif field_id == EMAIL and value:
            body["email_address"] = str(value).strip()
        elif field_id == "language":
            body["language"] = value or ""
        elif field_id == "vip":
            body["vip"] = bool(value)
    if merge:
        body["merge_fields"] = merge
    return body
