"""Building SuiteQL text safely: literals, IN lists, dates, and keyset-paged SELECTs.

SuiteQL has no bind parameters over REST, so every value that reaches a
query goes through :func:`text`, :func:`integer` or :func:`in_list`. Paging is
by keyset (``id > last ORDER BY id``), never by offset alone: offsets stop at
100,000 rows and skip or repeat rows when records change between pages
(reference, 3.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cursor import ChangeCursor

# SuiteQL renders datetimes in the user's date format without the time
# (reference, 3.2), so exact timestamps are selected through TO_CHAR, in UTC.
UTC_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
DATE_FORMAT = "YYYY-MM-DD"
STAMP_FORMAT = "YYYYMMDDHH24MISS"  # a timestamp as a number, to sum (fingerprint_sql)
_LITERAL_DATETIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"

# Oracle refuses more than 1000 expressions in one IN list; stay well below.
MAX_IN_LIST = 500
MAX_PAGE_SIZE = 1000


def text(value: str) -> str:
    """A SuiteQL string literal: single quotes doubled, so a value cannot end the literal."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    if "\x00" in value:
        raise ValueError("a SuiteQL literal cannot contain a NUL character")
    return "'" + value.replace("'", "''") + "'"


def integer(value: int | str) -> str:
    """An integer literal (internal ids); anything that is not a plain integer is refused."""
    number = int(str(value).strip())  # ValueError on "1 OR 1=1"
    return str(number)


def in_list(values: Iterable[str], *, numeric: bool = False) -> str:
    """``(v1, v2, ...)`` for an IN condition; the caller keeps lists under :data:`MAX_IN_LIST`."""
    items = [integer(v) if numeric else text(v) for v in values]
    if not items:
        raise ValueError("an IN list needs at least one value")
    return "(" + ", ".join(items) + ")"


def to_date(moment: datetime) -> str:
    """A ``TO_DATE`` literal for ``moment``'s UTC wall-clock time.

    NetSuite reads such a literal in the account's time zone, not in UTC:
    callers that compare a plain column against it must widen their window
    by a day; under ``SYS_EXTRACT_UTC(column)`` it is exact.
    """
    wall = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f"TO_DATE({text(wall)}, {text(_LITERAL_DATETIME_FORMAT)})"


def changed_since(column: str, cursor: ChangeCursor) -> list[str]:
    """The WHERE conditions for "``column`` (a datetime) at or after the cursor's window"."""
    return at_or_after(column, cursor.window_start)


def at_or_after(column: str, moment: datetime) -> list[str]:
    """The WHERE conditions for "``column`` (a datetime) at or after ``moment``", exactly.

    Two conditions, as PostHog's NetSuite source does (reference, 3.3): the
    first compares the column itself with a literal pushed back a day and a
    few minutes (:data:`.cursor.TIME_ZONE_MARGIN`), which NetSuite reads in
    the account's time zone (so it can use the column's index whatever that
    zone is); the second is exact, in UTC (``SYS_EXTRACT_UTC``), so only the
    rows asked for come back, not every change of the last day.
    """
    from .cursor import TIME_ZONE_MARGIN

    return [
        f"{column} >= {to_date(moment - TIME_ZONE_MARGIN)}",
        f"SYS_EXTRACT_UTC({column}) >= {to_date(moment)}",
    ]


def before(column: str, moment: datetime) -> str:
    """The WHERE condition "``column`` (a datetime) strictly before ``moment``", exactly (UTC)."""
    return f"SYS_EXTRACT_UTC({column}) < {to_date(moment)}"


def fingerprint_sql(table: str, where: list[str], column: str = "lastmodifieddate") -> str:
    """One aggregate row over ``where``: how many rows (``n``), the sum of their ids
    (``ids``) and of their ``column`` timestamps as ``YYYYMMDDHHMISS`` numbers (``stamps``).

    What :class:`.cursor.Fingerprint` computes from records we hold, so that
    comparing the two tells, in one request, whether the rows changed.
    Aggregates over no row are NULL, and NetSuite leaves NULL columns out.
    """
    stamp = f"TO_NUMBER(TO_CHAR(SYS_EXTRACT_UTC({column}), {text(STAMP_FORMAT)}))"
    sql = f"SELECT COUNT(*) AS n, SUM(id) AS ids, SUM({stamp}) AS stamps FROM {table}"  # noqa: S608 - ours
    conditions = [f"({c})" if " OR " in c.upper() else c for c in where]
    return sql + (" WHERE " + " AND ".join(conditions) if conditions else "")


def utc_text(column: str) -> str:
    """An expression giving ``column`` (a datetime) as exact ISO UTC text, e.g. ``2024-05-01T10:00:00Z``."""
    return f"TO_CHAR(SYS_EXTRACT_UTC({column}), {text(UTC_FORMAT)})"


def date_text(column: str) -> str:
    """An expression giving ``column`` (a date) as ``YYYY-MM-DD``, whatever the user's date format."""
    return f"TO_CHAR({column}, {text(DATE_FORMAT)})"


def chunks(values: list, size: int = MAX_IN_LIST) -> Iterable[list]:
    """``values`` cut into lists of at most ``size`` items."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Select:
    """A SELECT over one table, paged by keyset on ``key`` (an integer column).

    ``columns`` are select-list expressions (with their aliases), ``where``
    conditions joined with AND. :meth:`page_sql` adds ``key > last`` and the
    ORDER BY that makes the keyset stable.
    """

    table: str
    columns: list[str]
    where: list[str] = field(default_factory=list)
    key: str = "id"

    def page_sql(self, after: int | None = None) -> str:
        # Parentheses only where an OR needs them: the plain form is the one
        # every SuiteQL example uses.
        conditions = [f"({c})" if " OR " in c.upper() else c for c in self.where]
        if after is not None:
            conditions.append(f"{self.key} > {integer(after)}")
        # Identifiers are ours; every value went through text()/integer()/in_list().
        sql = f"SELECT {', '.join(self.columns)} FROM {self.table}"  # noqa: S608
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        return sql + f" ORDER BY {self.key}"
