"""The ``q`` filter of a record collection GET, translated to a SQLite WHERE clause.

Syntax (reference 2.5): ``field OPERATOR value`` conditions joined with AND/OR
and grouped with parentheses; values are bare words or ``"quoted text"``; list
operators take comma-separated values. Operators depend on the field's type:

- any field: EMPTY, EMPTY_NOT (no value);
- check box: IS, IS_NOT (true/false);
- numbers and ids: EQUAL, GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL, ANY_OF, BETWEEN (and _NOT);
- references: ANY_OF, EQUAL (and _NOT), by internal id;
- text: IS, CONTAIN, START_WITH, END_WITH / ENDWITH (and _NOT), case-insensitive;
- dates and datetimes: AFTER, BEFORE, ON, ON_OR_AFTER, ON_OR_BEFORE (and _NOT).

Date values are ISO datetimes with a zone (``2026-03-15T00:00:00Z``), exact, or a
date in the user's date format, read as that whole day in the account time zone
(which is how date-only filters lose records for clients that assume UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from .datetimes import FormatError, day_bounds, epoch_to_wall, parse_iso_datetime, parse_user_date
from .errors import NetSuiteError, invalid_parameter
from .fields import TEXT_KINDS, FieldDef, Kind
from .store import Store, q

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|"(?P<quoted>[^"]*)"|(?P<word>[^\s(),"]+))')
_NUMBER_OPS = {"EQUAL", "GREATER", "GREATER_OR_EQUAL", "LESS", "LESS_OR_EQUAL", "ANY_OF", "BETWEEN"}
_TEXT_OPS = {"IS", "CONTAIN", "START_WITH", "END_WITH", "ENDWITH"}
_DATE_OPS = {"AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE"}
_REF_OPS = {"ANY_OF", "EQUAL"}
_COMPARE = {"EQUAL": "=", "GREATER": ">", "GREATER_OR_EQUAL": ">=", "LESS": "<", "LESS_OR_EQUAL": "<="}


@dataclass
class _Tok:
    kind: str
    text: str


def _tokenize(text: str) -> list[_Tok]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise invalid_parameter(f"Invalid query parameter q: unexpected text at {text[pos:]!r}.", "q")
        kind = match.lastgroup
        tokens.append(_Tok(kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, store: Store, record_type: str, text: str, date_format: str, zone: ZoneInfo):
        self.store = store
        self.record_type = record_type
        self.tokens = _tokenize(text)
        self.pos = 0
        self.date_format = date_format
        self.zone = zone
        self.params: list = []

    def _peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> _Tok:
        token = self._peek()
        if token is None:
            raise invalid_parameter("Invalid query parameter q: the condition is incomplete.", "q")
        self.pos += 1
        return token

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token and token.kind == "word" and token.text.upper() in words:
            self.pos += 1
            return token.text.upper()
        return None

    def parse(self) -> str:
        sql = self._or()
        if self._peek() is not None:
            raise invalid_parameter(f"Invalid query parameter q: unexpected {self._peek().text!r}.", "q")
        return sql

    def _or(self) -> str:
        parts = [self._and()]
        while self._keyword("OR"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def _and(self) -> str:
        parts = [self._factor()]
        while self._keyword("AND"):
            parts.append(self._factor())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _factor(self) -> str:
        token = self._next()
        if token.kind == "lp":
            inner = self._or()
            if self._next().kind != "rp":
                raise invalid_parameter("Invalid query parameter q: missing ')'.", "q")
            return inner
        if token.kind != "word":
            raise invalid_parameter(f"Invalid query parameter q: expected a field name, got {token.text!r}.", "q")
        f = self.store.field(self.record_type, token.text)
        if f is None or f.kind == Kind.ADDRESS_BOOK:
            raise NetSuiteError(
                400, "NONEXISTENT_FIELD", f"Invalid search query. The field '{token.text}' does not exist.", "q"
            )
        op_token = self._next()
        operator = op_token.text.upper()
        negate = operator.endswith("_NOT")
        base = operator[: -len("_NOT")] if negate else operator
        if base == "EMPTY":
            column = q(f.column)
            empty = f"({column} IS NULL" + (f" OR {column} = 'F')" if f.kind == Kind.BOOL else ")")
            return f"NOT {empty}" if negate else empty
        values = self._values()
        condition = self._condition(f, base, values)
        if negate:
            return f"({q(f.column)} IS NULL OR NOT {condition})"
        return condition

    def _values(self) -> list[str]:
        token = self._next()
        if token.kind not in ("word", "quoted"):
            raise invalid_parameter("Invalid query parameter q: a value is missing.", "q")
        values = [token.text]
        while self._peek() is not None and self._peek().kind == "comma":
            self.pos += 1
            token = self._next()
            if token.kind not in ("word", "quoted"):
                raise invalid_parameter("Invalid query parameter q: a value is missing.", "q")
            values.append(token.text)
        return values

    def _wrong_operator(self, f: FieldDef, operator: str) -> NetSuiteError:
        return invalid_parameter(
            f"Invalid query parameter q: the operator {operator} cannot be used with the field {f.name}.", "q"
        )

    def _single(self, f: FieldDef, operator: str, values: list[str]) -> str:
        if len(values) != 1:
            raise invalid_parameter(f"Invalid query parameter q: {operator} takes one value.", "q")
        return values[0]

    def _condition(self, f: FieldDef, operator: str, values: list[str]) -> str:
        column = q(f.column)
        if f.kind == Kind.BOOL:
            if operator != "IS":
                raise self._wrong_operator(f, operator)
            value = self._single(f, operator, values).lower()
            if value not in ("true", "false", "t", "f"):
                raise invalid_parameter(f"Invalid query parameter q: {value!r} is not a boolean.", "q")
            return f"{column} = '{'T' if value in ('true', 't') else 'F'}'"
        if f.kind in TEXT_KINDS:
            if operator not in _TEXT_OPS:
                raise self._wrong_operator(f, operator)
            value = self._single(f, operator, values).lower()
            if operator == "IS":
                self.params.append(value)
                return f"LOWER({column}) = ?"
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = {"CONTAIN": f"%{escaped}%", "START_WITH": f"{escaped}%"}.get(operator, f"%{escaped}")
            self.params.append(pattern)
            return f"LOWER({column}) LIKE ? ESCAPE '\\'"
        if f.kind in (Kind.ID, Kind.INTEGER, Kind.DECIMAL, Kind.REF):
            allowed = _REF_OPS if f.kind == Kind.REF else _NUMBER_OPS
            if operator not in allowed:
                raise self._wrong_operator(f, operator)
            numbers = [self._number(v) for v in values]
            if operator == "ANY_OF":
                self.params.extend(numbers)
                return f"{column} IN ({', '.join('?' * len(numbers))})"
            if operator == "BETWEEN":
                if len(numbers) != 2:
                    raise invalid_parameter("Invalid query parameter q: BETWEEN takes two values.", "q")
                self.params.extend(numbers)
                return f"{column} BETWEEN ? AND ?"
            self.params.append(self._single(f, operator, numbers))
            return f"{column} {_COMPARE[operator]} ?"
        if f.kind in (Kind.DATETIME, Kind.DATE):
            if operator not in _DATE_OPS:
                raise self._wrong_operator(f, operator)
            return self._date_condition(f, operator, self._single(f, operator, values))
        raise self._wrong_operator(f, operator)

    @staticmethod
    def _number(text: str) -> float | int:
        try:
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        except ValueError:
            raise invalid_parameter(f"Invalid query parameter q: {text!r} is not a number.", "q")

    def _date_condition(self, f: FieldDef, operator: str, text: str) -> str:
        column = q(f.column)
        exact: int | None = None
        day: date | None = None
        try:
            exact = parse_iso_datetime(text)
        except FormatError:
            try:
                day = parse_user_date(text, self.date_format)
            except FormatError:
                raise invalid_parameter(f'Unparseable date: "{text}"', "q")
        if f.kind == Kind.DATE:
            # A date field holds no time: compare calendar days.
            day = day or epoch_to_wall(exact, self.zone).date()
            self.params.append(day.isoformat())
            sql_op = {"AFTER": ">", "BEFORE": "<", "ON": "=", "ON_OR_AFTER": ">=", "ON_OR_BEFORE": "<="}[operator]
            return f"{column} {sql_op} ?"
        if exact is not None and operator != "ON":
            self.params.append(exact)
            sql_op = {"AFTER": ">", "BEFORE": "<", "ON_OR_AFTER": ">=", "ON_OR_BEFORE": "<="}[operator]
            return f"{column} {sql_op} ?"
        day = day or epoch_to_wall(exact, self.zone).date()
        start, end = day_bounds(day, self.zone)
        if operator == "ON":
            self.params.extend([start, end])
            return f"({column} >= ? AND {column} < ?)"
        bound, sql_op = {
            "AFTER": (end, ">="),
            "BEFORE": (start, "<"),
            "ON_OR_AFTER": (start, ">="),
            "ON_OR_BEFORE": (end, "<"),
        }[operator]
        self.params.append(bound)
        return f"{column} {sql_op} ?"


def translate_q(store: Store, record_type: str, text: str, date_format: str, zone: ZoneInfo) -> tuple[str, list]:
    """The WHERE clause (without ``WHERE``) and its parameters for a ``q`` expression."""
    parser = _Parser(store, record_type, text, date_format, zone)
    return parser.parse(), parser.params
