"""Reading the values rules store, and the record values they are compared with.

Rules are stored as JSON, so an operand arrives as ``{"id", "name"}``, text,
a number, ``"YYYY-MM-DD"``, or already typed. The parsers here turn it into
the typed form and raise :class:`ValueProblem` (whose text is meant for ops
staff) when it does not fit. The ``to_*`` coercers read record values and
are lenient: a provider that left a value as a string still compares right,
and a value that cannot be read counts as missing.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from connections.providers.fields import FieldOption, FieldSpec, FieldType

TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT, FieldType.EMAIL, FieldType.PHONE, FieldType.URL})
OPTION_TYPES = frozenset({FieldType.SELECT, FieldType.REFERENCE})
OPTION_LIST_TYPES = frozenset({FieldType.MULTI_SELECT, FieldType.GROUPS})
NUMBER_TYPES = frozenset({FieldType.INTEGER, FieldType.DECIMAL})
DATE_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})
ADDRESS_KEYS = ("street", "city", "region", "postal_code", "country")

DATE_HINT = "use YYYY-MM-DD"
# Deliberately simple: it refuses obvious typos in an action value, the provider has the final word.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE_STRINGS = frozenset({"true", "t", "yes", "1"})
_FALSE_STRINGS = frozenset({"false", "f", "no", "0"})


class ValueProblem(ValueError):
    """A value that does not fit its field or operator; ``str()`` is a message for ops staff."""


class OperandKind(StrEnum):
    """The shape of the value an operator compares with."""

    NONE = "none"  # is empty, is true, already exists in the other app...
    OPTION = "option"  # one {"id", "name"}
    OPTIONS = "options"  # a non-empty list of {"id", "name"}
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DAYS = "days"  # a positive whole number


def _shown(raw: Any) -> str:
    """A value the user gave, quoted back in a message."""
    if isinstance(raw, dict):
        raw = raw.get("name") or raw.get("id") or ""
    elif isinstance(raw, FieldOption):
        raw = raw.name
    return f"«{raw}»"


# --- options ---------------------------------------------------------------


def options_named(field: FieldSpec, name: str) -> list[FieldOption]:
    """The options of ``field`` whose name is ``name`` (case-insensitive, trimmed)."""
    wanted = name.strip().casefold()
    return [o for o in field.options if o.name.strip().casefold() == wanted]


def resolve_option(field: FieldSpec, name_or_id: Any) -> FieldOption | None:
    """The option of ``field`` that ``name_or_id`` designates, or ``None``.

    Accepts a name, an id, a ``{"id", "name"}`` dict or a :class:`FieldOption`.
    A string is looked up by name first (people pick options by name, never
    by id), then by id; a name shared by several options (two employees
    called "John Smith") resolves to ``None`` rather than to a guess. A dict
    is looked up by its id (what the provider stores), or by its name when
    it has no id. On a field of open options (:attr:`FieldSpec.open_options`)
    a name no option has is a value all the same, the name as its id.
    """
    if isinstance(name_or_id, FieldOption):
        name_or_id = {"id": name_or_id.id, "name": name_or_id.name}
    if isinstance(name_or_id, dict):
        option_id = name_or_id.get("id")
        if option_id not in (None, ""):
            # The id is authoritative: a stale id does not silently become another option of the same name.
            found = next((o for o in field.options if o.id == str(option_id)), None)
            return found or _open_option(field, str(option_id))
        name = name_or_id.get("name")
        if isinstance(name, str) and name.strip():
            named = options_named(field, name)
            return named[0] if len(named) == 1 else None if named else _open_option(field, name)
        return None
    if isinstance(name_or_id, bool) or not isinstance(name_or_id, str | int):
        return None
    text = str(name_or_id).strip()
    if not text:
        return None
    named = options_named(field, text)
    if len(named) == 1:
        return named[0]
    if named:
        return None
    return next((o for o in field.options if o.id == text), None) or _open_option(field, text)


def _open_option(field: FieldSpec, name: str) -> FieldOption | None:
    """The value ``name`` of a field of open options (its id is its name); None on any other field."""
    name = name.strip()
    return FieldOption(name, name) if field.open_options and name else None


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def option_not_found_message(field: FieldSpec, raw: Any, app: str) -> str:
    """The message for a select/reference/group value that is not one of the field's options."""
    shown = _shown(raw)
    if isinstance(raw, str) and len(options_named(field, raw)) > 1:
        return (
            f"{field.label} {shown} matches {len(options_named(field, raw))} entries in this {app} account; "
            "pick the one you mean from the list"
        )
    if field.type == FieldType.GROUPS:
        return f"{shown} is not a contact group in this {app} account"
    if field.type == FieldType.MULTI_SELECT:  # labels of multi selects are plural ("Interests")
        return f"{shown} is not one of the {field.label} choices in this {app} account"
    noun = field.label.lower()
    return f"{field.label} {shown} is not {_article(noun)} {noun} in this {app} account"


def _option_from_raw(field: FieldSpec, raw: Any) -> FieldOption:
    """One option from a stored value, without requiring it to be in the cached list.

    An id that is no longer in the list still compares (the list may be stale,
    or the field has no list at all); a bare name must resolve, since a name
    is never what the provider stores.
    """
    if isinstance(raw, FieldOption):
        return raw
    if isinstance(raw, dict):
        option_id = raw.get("id")
        if option_id in (None, "") or isinstance(option_id, bool):
            raise ValueProblem(f"Pick a value for {field.label}")
        return FieldOption(str(option_id), str(raw.get("name") or option_id))
    if isinstance(raw, str | int) and not isinstance(raw, bool) and str(raw).strip():
        found = resolve_option(field, raw)
        if found is not None:
            return found
        if not field.options:  # no list to resolve against: the value can only be an id
            return FieldOption(str(raw).strip(), str(raw).strip())
        raise ValueProblem(f"{_shown(raw)} is not one of the values of {field.label}")
    raise ValueProblem(f"Pick a value for {field.label}")


def _options_from_raw(field: FieldSpec, raw: Any) -> tuple[FieldOption, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw] if raw not in (None, "") else []
    if not items:
        raise ValueProblem(f"Pick at least one value of {field.label}")
    return tuple(_option_from_raw(field, item) for item in items)


def option_id(value: Any) -> str | None:
    """The option id of a record's select/reference value (``{"id", "name"}``, or a bare id)."""
    if isinstance(value, dict):
        value = value.get("id")
    elif isinstance(value, FieldOption):
        value = value.id
    if value is None or isinstance(value, bool) or str(value) == "":
        return None
    return str(value)


def option_ids(value: Any) -> set[str]:
    """The option ids of a record's multi select or groups value."""
    if value is None:
        return set()
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return {i for i in (option_id(item) for item in items) if i is not None}


# --- text, numbers, dates ----------------------------------------------------


def _text(field: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueProblem(f"Enter the text to compare {field.label} with")
    return raw


def to_number(value: Any) -> Decimal | None:
    """A record's number as a ``Decimal``, or ``None`` when it has none or it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def parse_number(field: FieldSpec, raw: Any) -> int | Decimal:
    """A number for ``field``: ``int`` for whole-number fields, ``Decimal`` otherwise."""
    number = to_number(raw)
    if number is None:
        raise ValueProblem(f"{_shown(raw)} is not a number")
    if field.type == FieldType.INTEGER:
        if number != number.to_integral_value():
            raise ValueProblem(f"{_shown(raw)} is not a whole number")
        return int(number)
    return number


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC (the project's time zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_date_or_datetime(value: Any, field_type: FieldType) -> date | datetime | None:
    """A record's date (for DATE) or aware UTC datetime (for DATETIME), or ``None``."""
    if isinstance(value, str):  # a provider that left it as ISO text
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        return as_utc(value) if field_type == FieldType.DATETIME else as_utc(value).date()
    if isinstance(value, date):
        if field_type == FieldType.DATETIME:  # a date-only value in a date-time field: midnight UTC
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        return value
    return None


def parse_date(field: FieldSpec, raw: Any) -> date | datetime:
    """A date operand: a ``date`` (compared by calendar day), or for DATETIME fields also an aware datetime."""
    if isinstance(raw, datetime):
        return as_utc(raw) if field.type == FieldType.DATETIME else as_utc(raw).date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        elif field.type == FieldType.DATETIME and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", text):
            try:
                return as_utc(datetime.fromisoformat(text))
            except ValueError:
                pass
    if raw in (None, ""):
        raise ValueProblem(f"Enter a date for {field.label} ({DATE_HINT})")
    raise ValueProblem(f"{_shown(raw)} is not a date ({DATE_HINT})")


def parse_days(raw: Any) -> int:
    """The N of "within the last N days": a positive whole number."""
    days: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        days = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        days = int(raw.strip())
    if days is None or days <= 0:
        shown = "nothing" if raw in (None, "") else _shown(raw)
        raise ValueProblem(f"“within the last N days” needs a positive whole number of days, not {shown}")
    return days


def to_bool(value: Any) -> bool | None:
    """A record's check box as ``bool``, or ``None`` when it has no value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_STRINGS:
            return True
        if text in _FALSE_STRINGS:
            return False
    return None


def is_empty(value: Any) -> bool:
    """Whether a record value counts as empty: ``None``, blank text, an empty list,
    or a dict (option, address) whose every part is blank. ``False`` and ``0`` are values."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return all(is_empty(item) for item in value)
    if isinstance(value, dict):
        return all(is_empty(item) for item in value.values())
    return False


# --- operands and action values ----------------------------------------------


def parse_operand(kind: OperandKind, field: FieldSpec, raw: Any) -> Any:
    """The typed operand of a condition on ``field`` whose operator takes ``kind``.

    Options are not checked against the cached list here (the evaluator
    compares ids, and validation checks membership with a better message).
    """
    if kind == OperandKind.NONE:
        return None
    if kind == OperandKind.OPTION:
        if isinstance(raw, list | tuple):
            if len(raw) != 1:
                raise ValueProblem(f"Pick exactly one value of {field.label}, or use “is any of”")
            raw = raw[0]
        return _option_from_raw(field, raw)
    if kind == OperandKind.OPTIONS:
        return _options_from_raw(field, raw)
    if kind == OperandKind.TEXT:
        return _text(field, raw)
    if kind == OperandKind.NUMBER:
        return parse_number(field, raw)
    if kind == OperandKind.DATE:
        return parse_date(field, raw)
    if kind == OperandKind.DAYS:
        return parse_days(raw)
    raise ValueError(f"unknown operand kind {kind!r}")  # a programming error, not a user's


def _known_option(field: FieldSpec, raw: Any, app: str) -> FieldOption:
    """An option that must be in the field's cached list (when the field has one)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueProblem(f"Pick a value for {field.label}")
    if not field.options:
        return _option_from_raw(field, raw)  # references without a cached list: only the shape is checked
    found = resolve_option(field, raw)
    if found is None:
        raise ValueProblem(option_not_found_message(field, raw, app))
    return found


def check_known_options(field: FieldSpec, raw: Any, app: str) -> list[str]:
    """Messages for each value of ``raw`` (one or a list) that is not an option of ``field``."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    problems = []
    for item in items:
        try:
            _known_option(field, item, app)
        except ValueProblem as problem:
            problems.append(str(problem))
    return problems


def _option_dict(option: FieldOption) -> dict[str, str]:
    return {"id": option.id, "name": option.name}


def parse_action_value(field: FieldSpec, raw: Any, *, app: str = "the target app") -> Any:
    """The typed value an action sets on ``field`` (the form providers write), or :class:`ValueProblem`.

    Empty values are refused: an action sets a value, and an empty one in
    the admin is far more often a forgotten entry than a wish to clear the field.
    """
    if field.type == FieldType.BOOLEAN:
        value = raw if isinstance(raw, bool) else to_bool(raw) if isinstance(raw, str) else None
        if value is None:
            raise ValueProblem(f"Choose true or false for {field.label}")
        return value
    if is_empty(raw):
        raise ValueProblem(f"Enter the value to set for {field.label}")
    if field.type in TEXT_TYPES:
        if not isinstance(raw, str):
            raise ValueProblem(f"{_shown(raw)} is not text")
        text = raw.strip()
        if field.type == FieldType.EMAIL and not _EMAIL_RE.match(text):
            raise ValueProblem(f"{_shown(raw)} is not an email address")
        if field.max_length is not None and len(text) > field.max_length:
            raise ValueProblem(
                f"The value for {field.label} has {len(text)} characters; {app} accepts at most {field.max_length}"
            )
        return text
    if field.type in NUMBER_TYPES:
        return parse_number(field, raw)
    if field.type == FieldType.DATE:
        value = parse_date(field, raw)
        return value if not isinstance(value, datetime) else value.date()
    if field.type == FieldType.DATETIME:
        value = parse_date(field, raw)
        return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, tzinfo=UTC)
    if field.type in OPTION_TYPES:
        if isinstance(raw, list | tuple):
            raise ValueProblem(f"{field.label} takes one value")
        return _option_dict(_known_option(field, raw, app))
    if field.type in OPTION_LIST_TYPES:
        items = raw if isinstance(raw, list | tuple) else [raw]
        problems = check_known_options(field, items, app)
        if problems:
            raise ValueProblem("; ".join(problems))
        return [_option_dict(_known_option(field, item, app)) for item in items]
    if field.type == FieldType.ADDRESS:
        if not isinstance(raw, dict):
            raise ValueProblem(f"An address for {field.label} needs street, city, region, postal code or country")
        unknown = sorted(set(raw) - set(ADDRESS_KEYS))
        if unknown:
            raise ValueProblem(f"An address has no part called {', '.join(unknown)}")
        if any(v is not None and not isinstance(v, str) for v in raw.values()):
            raise ValueProblem("Each part of an address is text")
        return {k: v.strip() for k, v in raw.items() if isinstance(v, str) and v.strip()}
    raise ValueProblem(f"{field.label} cannot be set by a rule")
