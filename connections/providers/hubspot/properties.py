"""HubSpot properties as our fields: the type mapping, and values to and from HubSpot's strings.

Every property value crosses the API as a string (reference B.2): numbers ``"17"``, booleans ``"true"``,
dates epoch milliseconds or ISO, multiple checkboxes ``"a;b"``. :func:`field_spec` maps a property's
``type``/``fieldType`` onto our :class:`~..fields.FieldType`; :func:`from_hubspot` and :func:`to_hubspot`
convert one value each way. Pure: no HTTP.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from ..fields import FieldOption, FieldSpec, FieldType

T = FieldType

# Properties whose meaning says more than their type (``email`` is a plain string property).
_KNOWN_TYPES = {"email": T.EMAIL, "website": T.URL, "hs_linkedin_url": T.URL}
_TEXT_HINTS = {"email": T.EMAIL, "phone_number": T.PHONE, "multi_line": T.LONG_TEXT}


def _field_type(prop: dict[str, Any]) -> FieldType:
    kind = str(prop.get("type") or "string")
    field_type = str(prop.get("fieldType") or "")
    if prop.get("name") in _KNOWN_TYPES:
        return _KNOWN_TYPES[prop["name"]]
    if kind == "bool" or field_type == "booleancheckbox":
        return T.BOOLEAN
    if kind == "enumeration":
        if prop.get("externalOptions") or prop.get("referencedObjectType"):
            return T.REFERENCE  # an owner and the like: its options are records
        return T.MULTI_SELECT if field_type == "checkbox" else T.SELECT
    if kind == "number":
        # HubSpot numbers may carry decimals; an integer type would refuse them (the stricter choice).
        return T.DECIMAL
    if kind == "date":
        return T.DATE
    if kind == "datetime":
        return T.DATETIME
    if kind == "phone_number" or field_type == "phonenumber":
        return T.PHONE
    if field_type in ("textarea", "html"):
        return T.LONG_TEXT
    return _TEXT_HINTS.get(str(prop.get("textDisplayHint") or ""), T.TEXT)


def _writable(prop: dict[str, Any]) -> bool:
    meta = prop.get("modificationMetadata") or {}
    return not (
        meta.get("readOnlyValue") or prop.get("calculated") or prop.get("fieldType") in ("calculation_equation", "file")
    )


def field_spec(prop: dict[str, Any]) -> FieldSpec:
    """Our field for one property of the properties API (custom when HubSpot did not define it)."""
    options = tuple(
        FieldOption(str(o.get("value")), str(o.get("label") or o.get("value")))
        for o in prop.get("options") or []
        if isinstance(o, dict) and o.get("value") is not None and not o.get("hidden")
    )
    field_type = _field_type(prop)
    return FieldSpec(
        id=str(prop["name"]),
        label=str(prop.get("label") or prop["name"]),
        type=field_type,
        writable=_writable(prop),
        custom=not prop.get("hubspotDefined", False),
        options=options if field_type in (T.SELECT, T.MULTI_SELECT, T.REFERENCE) else (),
        help=str(prop.get("description") or ""),
    )


# --- values from HubSpot ------------------------------------------------------------------------------
def _epoch_ms(text: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def parse_datetime(value: Any) -> datetime | None:
    """Epoch milliseconds or ISO 8601 (``Z`` or an offset; naive means UTC) as an aware UTC datetime."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return _epoch_ms(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_date(value: Any) -> date | None:
    """A date property: midnight-UTC epoch milliseconds, or ``YYYY-MM-DD`` (or a full ISO datetime)."""
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    moment = parse_datetime(text)
    return moment.date() if moment else None


def _option(value: str, spec: FieldSpec) -> dict[str, str]:
    names = {o.id: o.name for o in spec.options}
    return {"id": value, "name": names.get(value, value)}


def from_hubspot(value: Any, spec: FieldSpec) -> Any:
    """A property's string as our typed value (None for empty or absent). A value that does not parse as
    its type is kept as the text it is, rather than lost."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if text == "":
        return None
    kind = spec.type
    if kind == T.BOOLEAN:
        lowered = text.strip().lower()
        return True if lowered == "true" else False if lowered == "false" else text
    if kind in (T.DECIMAL, T.INTEGER):
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            return text
    if kind == T.DATE:
        return parse_date(text) or text
    if kind == T.DATETIME:
        return parse_datetime(text) or text
    if kind in (T.SELECT, T.REFERENCE):
        return _option(text, spec)
    if kind == T.MULTI_SELECT:
        return [_option(part, spec) for part in text.split(";") if part != ""]
    return text


# --- values to HubSpot --------------------------------------------------------------------------------
def _ms(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return str(int(moment.timestamp() * 1000))


def _option_id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or value.get("name") or "")
    return str(value)


def to_hubspot(value: Any, spec: FieldSpec | None) -> str:
    """Our value as the string HubSpot takes; None becomes ``""``, which clears the property (B.2)."""
    if value is None:
        return ""
    kind = spec.type if spec is not None else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _ms(value)
    if isinstance(value, date):
        # Date properties are midnight UTC in epoch milliseconds (the spec's examples).
        return _ms(datetime.combine(value, time(0), tzinfo=UTC))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) or kind == T.MULTI_SELECT:
        items = value if isinstance(value, list) else [value]
        return ";".join(_option_id(item) for item in items if _option_id(item))
    if isinstance(value, dict):
        return _option_id(value)
    return str(value)
