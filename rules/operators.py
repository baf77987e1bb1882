"""Which operator fits which field type, what operand it takes, and how it compares.

Comparisons follow a few rules, so a condition reads the way ops staff expect:

- selects, references and groups compare by option id (a renamed option still matches);
- text compares case-insensitively; "is" / "is not" also ignore surrounding spaces;
- every negative operator (is not, is none of, contains none of, does not
  contain, does not equal) is exactly the opposite of its positive one, so an
  empty value "is not" Ann Rep and "does not contain" @example.com;
- greater / less / before / after / within the last N days never match an empty value;
- "before" / "after" a date are strict and compare calendar days (UTC), also
  for date-time fields; an operand with a time compares the moment;
- "within the last N days" runs from N days before ``now`` up to ``now`` (today for date fields);
- a check box without a value counts as unchecked (NetSuite has no third state), so it "is false".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connections.providers.fields import FieldOption, FieldType

from .choices import Operator
from .values import (
    DATE_TYPES,
    NUMBER_TYPES,
    OPTION_LIST_TYPES,
    OPTION_TYPES,
    TEXT_TYPES,
    OperandKind,
    as_utc,
    is_empty,
    option_id,
    option_ids,
    to_bool,
    to_date_or_datetime,
    to_number,
)

# A timestamp a few minutes in our future still counts as "within the last N days":
# the provider's clock may run slightly ahead of ours, and a record modified just now must not drop out.
CLOCK_SKEW = timedelta(minutes=5)

SPECIAL_OPERATORS = frozenset({Operator.EXISTS_IN_OTHER_APP, Operator.NOT_EXISTS_IN_OTHER_APP})
"""Operators of the condition without a field: "already exists in the app you sync with"."""

_EMPTINESS = (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY)
_OPTION_OPERATORS = (Operator.IS, Operator.IS_NOT, Operator.IS_ANY_OF, Operator.IS_NONE_OF, *_EMPTINESS)
_OPTION_LIST_OPERATORS = (Operator.CONTAINS_ANY, Operator.CONTAINS_NONE, *_EMPTINESS)
# "is" / "is not" on text are beyond the list, added because "Title is CEO" is the first thing people write.
_TEXT_OPERATORS = (
    Operator.CONTAINS,
    Operator.NOT_CONTAINS,
    Operator.STARTS_WITH,
    Operator.IS,
    Operator.IS_NOT,
    *_EMPTINESS,
)
_NUMBER_OPERATORS = (Operator.EQUALS, Operator.NOT_EQUALS, Operator.GREATER, Operator.LESS, *_EMPTINESS)
_DATE_OPERATORS = (Operator.BEFORE, Operator.AFTER, Operator.WITHIN_LAST_DAYS, *_EMPTINESS)

OPERATORS_BY_TYPE: dict[FieldType, tuple[Operator, ...]] = {
    **{t: _TEXT_OPERATORS for t in TEXT_TYPES},
    **{t: _OPTION_OPERATORS for t in OPTION_TYPES},
    **{t: _OPTION_LIST_OPERATORS for t in OPTION_LIST_TYPES},
    **{t: _NUMBER_OPERATORS for t in NUMBER_TYPES},
    **{t: _DATE_OPERATORS for t in DATE_TYPES},
    FieldType.BOOLEAN: (Operator.IS_TRUE, Operator.IS_FALSE, *_EMPTINESS),
    FieldType.ADDRESS: _EMPTINESS,
}
"""The operators a condition may use on each field type, in the order an editor offers them."""

# Negative operators are evaluated as "not" their positive twin.
_NEGATIONS = {
    Operator.IS_NOT: Operator.IS,
    Operator.IS_NONE_OF: Operator.IS_ANY_OF,
    Operator.CONTAINS_NONE: Operator.CONTAINS_ANY,
    Operator.NOT_CONTAINS: Operator.CONTAINS,
    Operator.NOT_EQUALS: Operator.EQUALS,
    Operator.IS_NOT_EMPTY: Operator.IS_EMPTY,
}


def operator_label(operator: str) -> str:
    """The human label of an operator ("does not contain"), or the raw string if it is unknown."""
    try:
        return str(Operator(operator).label)
    except ValueError:
        return str(operator)


def operators_for(field_type: FieldType) -> tuple[Operator, ...]:
    """The operators valid on ``field_type`` (none for an unknown type)."""
    return OPERATORS_BY_TYPE.get(field_type, ())


def operand_kind(operator: str, field_type: FieldType) -> OperandKind:
    """The shape of the value ``operator`` compares with on a field of ``field_type``."""
    if operator in (Operator.IS, Operator.IS_NOT):
        return OperandKind.TEXT if field_type in TEXT_TYPES else OperandKind.OPTION
    if operator in (Operator.IS_ANY_OF, Operator.IS_NONE_OF, Operator.CONTAINS_ANY, Operator.CONTAINS_NONE):
        return OperandKind.OPTIONS
    if operator in (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH):
        return OperandKind.TEXT
    if operator in (Operator.EQUALS, Operator.NOT_EQUALS, Operator.GREATER, Operator.LESS):
        return OperandKind.NUMBER
    if operator in (Operator.BEFORE, Operator.AFTER):
        return OperandKind.DATE
    if operator == Operator.WITHIN_LAST_DAYS:
        return OperandKind.DAYS
    return OperandKind.NONE


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _compare_dates(value: date | datetime, operand: date | datetime) -> int:
    """-1, 0 or 1 as ``value`` is before, on or after ``operand``.

    A date operand compares calendar days (a date-time value by its UTC
    date); a date-time operand compares moments. ``value`` comes from
    :func:`to_date_or_datetime`, so a datetime is already aware UTC.
    """
    if isinstance(operand, datetime):
        left = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, tzinfo=UTC)
        right: date | datetime = as_utc(operand)
    else:
        left = value.date() if isinstance(value, datetime) else value
        right = operand
    return (left > right) - (left < right)


def _within_last_days(value: date | datetime, days: int, now: datetime) -> bool:
    now = as_utc(now)
    if isinstance(value, datetime):
        return now - timedelta(days=days) <= value <= now + CLOCK_SKEW
    today = now.date()
    return today - timedelta(days=days) <= value <= today


def apply_operator(operator: str, field_type: FieldType, value: Any, operand: Any, *, now: datetime) -> bool:
    """Whether a record's ``value`` of a ``field_type`` field satisfies ``operator`` with the typed ``operand``.

    ``operand`` is what :func:`rules.values.parse_operand` returned; ``now``
    (aware) anchors "within the last N days", so the result depends on the
    arguments only. An operator outside :data:`OPERATORS_BY_TYPE` for the
    type raises ``ValueError``: callers check first and report it.
    """
    if operator not in operators_for(field_type):
        raise ValueError(f"{operator!r} does not apply to {field_type} fields")
    if operator in _NEGATIONS:
        return not apply_operator(_NEGATIONS[operator], field_type, value, operand, now=now)
    if operator == Operator.IS_EMPTY:
        return is_empty(value)

    if field_type in OPTION_TYPES:
        if operator == Operator.IS:
            return option_id(value) == operand.id
        return option_id(value) in {o.id for o in _as_options(operand)}  # IS_ANY_OF
    if field_type in OPTION_LIST_TYPES:
        return bool(option_ids(value) & {o.id for o in _as_options(operand)})  # CONTAINS_ANY
    if field_type in TEXT_TYPES:
        text = _text(value)
        if text is None:
            return False
        if operator == Operator.IS:
            return text.strip().casefold() == operand.strip().casefold()
        if operator == Operator.STARTS_WITH:
            return text.lstrip().casefold().startswith(operand.casefold())
        return operand.casefold() in text.casefold()  # CONTAINS
    if field_type in NUMBER_TYPES:
        number = to_number(value)
        if number is None:
            return False
        target = Decimal(operand)
        if operator == Operator.EQUALS:
            return number == target
        return number > target if operator == Operator.GREATER else number < target
    if field_type in DATE_TYPES:
        moment = to_date_or_datetime(value, field_type)
        if moment is None:
            return False
        if operator == Operator.WITHIN_LAST_DAYS:
            return _within_last_days(moment, operand, now)
        order = _compare_dates(moment, operand)
        return order < 0 if operator == Operator.BEFORE else order > 0
    if field_type == FieldType.BOOLEAN:
        checked = to_bool(value)
        return checked is True if operator == Operator.IS_TRUE else checked is not True
    raise ValueError(f"{operator!r} is not implemented for {field_type} fields")  # a table/code mismatch


def _as_options(operand: Any) -> tuple[FieldOption, ...]:
    return operand if isinstance(operand, tuple | list) else (operand,)
