"""A real, deliberately small SuiteQL: parsed, checked, translated to SQLite, run.

Supported (everything else gets NetSuite's 400 "Invalid search query" body,
never a silently different answer):

    SELECT [*|item, ...] FROM <table> [alias]
        [[INNER] JOIN | LEFT [OUTER] JOIN <table> [alias] ON <condition>] ...
        [WHERE <condition>] [ORDER BY <key> [ASC|DESC] [NULLS FIRST|LAST], ...]

- items: columns (``c.email`` or ``email``); or aggregates alone (no GROUP BY):
  ``COUNT(*)``, ``SUM(number)``; string/number literals, ``TO_NUMBER(text)``,
  ``LOWER``/``UPPER(x)``, ``BUILTIN.DF(ref)``, ``SYS_EXTRACT_UTC(datetime)``,
  ``TO_CHAR(datetime, 'YYYY-MM-DD"T"HH24:MI:SS')``, each optionally ``[AS] alias``;
- conditions: ``=``, ``<>``/``!=``, ``<``, ``<=``, ``>``, ``>=``, ``[NOT] IN (literals, at
  most 1000)``, ``IS [NOT] NULL``, ``[NOT] LIKE``, ``BETWEEN x AND y``, ``NOT``,
  ``AND``/``OR``, parentheses;
- date literals: ``TO_DATE``/``TO_TIMESTAMP('text', 'format')``, ``SYSDATE [- days]``;
- joins: ``[INNER] JOIN`` and ``LEFT [OUTER] JOIN`` with an ``ON`` condition (e.g. an address
  book and its addresses: ``customerAddressbook b JOIN customerAddressbookEntityAddress a ON
  b.addressbookaddress = a.nkey``); a column name found in two joined tables must be qualified
  (ORA-00918); ``SELECT *`` over a join needs distinct column names (``alias.*`` always works).

Oracle/NetSuite semantics kept on purpose: string comparison and LIKE are
case-sensitive; ``''`` is NULL; NULLs sort last ascending; datetime columns are
wall-clock times in the account time zone, so a ``TO_DATE`` literal is read in
that zone (``SYS_EXTRACT_UTC(col)`` compares and formats in UTC instead);
selected datetimes come back as dates in the user's format without the time;
values come back as strings, booleans as ``'T'``/``'F'``, NULL columns omitted.
Without a unique ORDER BY (one that includes ``id``) the order of rows is
arbitrary and changes from page to page, as Oracle warns, so offset paging over
an unordered query loses and repeats rows.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .datetimes import FormatError, epoch_to_wall, oracle_format, oracle_parse, parse_user_date, wall_to_epoch
from .errors import search_error
from .fields import RECORD_TYPES, Kind
from .store import Column, Store, q

_AGGREGATES = ("count", "sum")
MAX_ROWS = 100_000  # SuiteQL's hard cap without SuiteAnalytics Connect
MAX_IN_LIST = 1000  # ORA-01795

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<string>'(?:[^']|'')*')"
    r"|(?P<number>\d+(?:\.\d+)?)"
    r'|(?P<qident>"[^"]+")'
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_$#]*)"
    r"|(?P<op><=|>=|<>|!=|\|\||[=<>(),.*+\-/;])"
    r")"
)
_RESERVED = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "ORDER", "BY",
    "ASC", "DESC", "AS", "NULLS", "FIRST", "LAST", "GROUP", "HAVING", "UNION", "JOIN", "LEFT", "RIGHT",
    "INNER", "OUTER", "ON", "DISTINCT", "FETCH", "ROWNUM", "WITH", "CASE", "EXISTS", "INTERSECT", "MINUS",
    "CROSS", "FULL",
}  # fmt: skip


# --- syntax tree ---------------------------------------------------------------
@dataclass
class Ident:
    qualifier: str | None
    name: str


@dataclass
class Lit:
    value: str | int | float | None


@dataclass
class DateLit:
    wall: datetime


@dataclass
class Sysdate:
    days: float = 0.0


@dataclass
class Call:
    name: str
    args: list


@dataclass
class Star:
    qualifier: str | None = None


@dataclass
class Cmp:
    op: str
    left: object
    right: object


@dataclass
class InList:
    expr: object
    values: list
    negate: bool


@dataclass
class IsNull:
    expr: object
    negate: bool


@dataclass
class Like:
    expr: object
    pattern: object
    negate: bool


@dataclass
class Between:
    expr: object
    low: object
    high: object


@dataclass
class Bool:
    op: str  # AND, OR, NOT
    parts: list


@dataclass
class SelectItem:
    expr: object
    alias: str | None


@dataclass
class OrderItem:
    expr: object
    descending: bool
    nulls_first: bool | None


@dataclass
class Join:
    left_outer: bool
    table: str
    alias: str | None
    on: object


@dataclass
class Query:
    items: list[SelectItem]
    table: str
    alias: str | None
    where: object | None
    order: list[OrderItem] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)


# --- parser --------------------------------------------------------------------
def _unsupported(what: str):
    return search_error(f"Invalid or unsupported search: {what}.")


class _Parser:
    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise _unsupported(f"unexpected character {text[pos : pos + 10]!r}")
            kind = match.lastgroup
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _unsupported("the query ends too early")
        self.pos += 1
        return token

    def is_word(self, *words: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token[0] == "ident" and token[1].upper() in words

    def accept_word(self, *words: str) -> str | None:
        if self.is_word(*words):
            return self.next()[1].upper()
        return None

    def expect_word(self, word: str) -> None:
        if not self.accept_word(word):
            token = self.peek()
            raise _unsupported(f"expected {word}" + (f" near {token[1]!r}" if token else ""))

    def accept_op(self, *ops: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ops:
            self.pos += 1
            return token[1]
        return None

    def expect_op(self, op: str) -> None:
        if not self.accept_op(op):
            token = self.peek()
            raise _unsupported(f"expected {op!r}" + (f" near {token[1]!r}" if token else ""))

    # query
    def query(self) -> Query:
        self.expect_word("SELECT")
        if self.is_word("DISTINCT", "UNIQUE", "ALL", "TOP"):
            raise _unsupported(f"{self.peek()[1].upper()} is not supported by the sandbox")
        items = [self.select_item()]
        while self.accept_op(","):
            items.append(self.select_item())
        self.expect_word("FROM")
        table, alias = self.table_ref("FROM")
        if self.accept_op(","):
            raise _unsupported("comma joins are not supported by the sandbox (use JOIN ... ON)")
        joins: list[Join] = []
        while True:
            if self.is_word("RIGHT", "FULL", "CROSS", "NATURAL"):
                raise _unsupported(f"{self.peek()[1].upper()} joins are not supported by the sandbox")
            if self.accept_word("LEFT"):
                self.accept_word("OUTER")
                self.expect_word("JOIN")
                left_outer = True
            elif self.accept_word("INNER"):
                self.expect_word("JOIN")
                left_outer = False
            elif self.accept_word("JOIN"):
                left_outer = False
            else:
                break
            join_table, join_alias = self.table_ref("JOIN")
            if self.is_word("USING"):
                raise _unsupported("JOIN ... USING is not supported by the sandbox (use ON)")
            self.expect_word("ON")
            joins.append(Join(left_outer, join_table, join_alias, self.condition()))
        where = None
        if self.accept_word("WHERE"):
            where = self.condition()
        order: list[OrderItem] = []
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            order.append(self.order_item())
            while self.accept_op(","):
                order.append(self.order_item())
        token = self.peek()
        if token is not None:
            raise _unsupported(f"unexpected {token[1]!r} (GROUP BY, UNION, FETCH and ';' are not supported)")
        return Query(items, table, alias, where, order, joins)

    def table_ref(self, after: str) -> tuple[str, str | None]:
        """``table [alias]`` after FROM or JOIN."""
        table_token = self.next()
        if table_token[0] not in ("ident", "qident"):
            raise _unsupported(f"a table name must follow {after}")
        if self.peek() == ("op", "("):
            raise _unsupported("subqueries are not supported by the sandbox")
        table = table_token[1].strip('"').lower()
        alias = None
        token = self.peek()
        if token is not None and token[0] == "ident" and token[1].upper() not in _RESERVED | {"USING"}:
            alias = self.next()[1].lower()
        return table, alias

    def select_item(self) -> SelectItem:
        if self.accept_op("*"):
            return SelectItem(Star(), None)
        token, after = self.peek(), self.peek(1)
        if token and token[0] == "ident" and after == ("op", ".") and self.peek(2) == ("op", "*"):
            self.pos += 3
            return SelectItem(Star(token[1].lower()), None)
        expr = self.value()
        alias = None
        if self.accept_word("AS"):
            alias_token = self.next()
            if alias_token[0] not in ("ident", "qident"):
                raise _unsupported("an alias must follow AS")
            alias = alias_token[1].strip('"').lower()
        else:
            token = self.peek()
            if token is not None and token[0] in ("ident", "qident") and token[1].upper() not in _RESERVED:
                alias = self.next()[1].strip('"').lower()
        return SelectItem(expr, alias)

    def order_item(self) -> OrderItem:
        expr = self.value()
        descending = self.accept_word("ASC", "DESC") == "DESC"
        nulls_first = None
        if self.accept_word("NULLS"):
            nulls_first = self.accept_word("FIRST", "LAST") == "FIRST"
        return OrderItem(expr, descending, nulls_first)

    # conditions
    def condition(self):
        parts = [self.conjunction()]
        while self.accept_word("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Bool("OR", parts)

    def conjunction(self):
        parts = [self.negation()]
        while self.accept_word("AND"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else Bool("AND", parts)

    def negation(self):
        if self.accept_word("NOT"):
            return Bool("NOT", [self.negation()])
        if self.peek() == ("op", "(") and self._parenthesized_condition():
            self.next()
            inner = self.condition()
            self.expect_op(")")
            return inner
        return self.predicate()

    def _parenthesized_condition(self) -> bool:
        # "(" starts a nested condition unless it wraps a value, e.g. "(a) = 1".
        depth = 0
        for index in range(self.pos, len(self.tokens)):
            kind, text = self.tokens[index]
            if text == "(" and kind == "op":
                depth += 1
            elif text == ")" and kind == "op":
                depth -= 1
                if depth == 0:
                    return False  # it closed around a value, e.g. "(LOWER(email)) = 'x'"
            elif depth == 1 and kind == "ident" and text.upper() in ("AND", "OR", "NOT", "IN", "IS", "LIKE"):
                return True
            elif depth == 1 and kind == "op" and text in ("=", "<>", "!=", "<", "<=", ">", ">="):
                return True
        return True

    def predicate(self):
        left = self.value()
        if self.accept_word("IS"):
            negate = bool(self.accept_word("NOT"))
            self.expect_word("NULL")
            return IsNull(left, negate)
        negate = bool(self.accept_word("NOT"))
        if self.accept_word("IN"):
            self.expect_op("(")
            if self.is_word("SELECT"):
                raise _unsupported("subqueries are not supported by the sandbox")
            values = [self.value()]
            while self.accept_op(","):
                values.append(self.value())
            self.expect_op(")")
            return InList(left, values, negate)
        if self.accept_word("LIKE"):
            pattern = self.value()
            if self.is_word("ESCAPE"):
                raise _unsupported("LIKE ... ESCAPE is not supported by the sandbox")
            return Like(left, pattern, negate)
        if self.accept_word("BETWEEN"):
            low = self.value()
            self.expect_word("AND")
            high = self.value()
            node = Between(left, low, high)
            return Bool("NOT", [node]) if negate else node
        if negate:
            raise _unsupported("NOT must be followed by IN, LIKE or BETWEEN here")
        op = self.accept_op("=", "<>", "!=", "<", "<=", ">", ">=")
        if op is None:
            token = self.peek()
            raise _unsupported("expected a comparison" + (f" near {token[1]!r}" if token else ""))
        return Cmp("<>" if op == "!=" else op, left, self.value())

    # values
    def value(self):
        node = self.primary()
        if isinstance(node, Sysdate):
            while True:
                sign = self.accept_op("+", "-")
                if sign is None:
                    break
                amount = self.primary()
                if not isinstance(amount, Lit) or not isinstance(amount.value, int | float):
                    raise _unsupported("only SYSDATE plus or minus a number of days is supported")
                node = Sysdate(node.days + (amount.value if sign == "+" else -amount.value))
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ("+", "-", "/", "*", "||"):
            raise _unsupported(f"the operator {token[1]!r} is not supported by the sandbox")
        return node

    def primary(self):
        kind, text = self.next()
        if kind == "string":
            return Lit(text[1:-1].replace("''", "'") or None)  # Oracle: '' is NULL
        if kind == "number":
            return Lit(float(text) if "." in text else int(text))
        if kind == "op" and text == "-":
            inner = self.primary()
            if isinstance(inner, Lit) and isinstance(inner.value, int | float):
                return Lit(-inner.value)
            raise _unsupported("unary minus applies to numbers only")
        if kind == "op" and text == "(":
            inner = self.value()
            self.expect_op(")")
            return inner
        if kind == "qident":
            return Ident(None, text.strip('"').lower())
        if kind != "ident":
            raise _unsupported(f"unexpected {text!r}")
        upper = text.upper()
        if upper == "NULL":
            return Lit(None)
        if upper in ("SYSDATE", "CURRENT_DATE", "CURRENT_TIMESTAMP", "SYSTIMESTAMP"):
            return Sysdate()
        if upper in _RESERVED:
            raise _unsupported(f"unexpected keyword {upper}")
        if self.accept_op("."):
            member = self.next()
            if member[0] not in ("ident", "qident"):
                raise _unsupported(f"unexpected {member[1]!r} after {text}.")
            if upper == "BUILTIN" and self.peek() == ("op", "("):
                return self.call(f"BUILTIN.{member[1].upper()}")
            return Ident(text.lower(), member[1].strip('"').lower())
        if self.peek() == ("op", "("):
            return self.call(upper)
        return Ident(None, text.lower())

    def call(self, name: str):
        self.expect_op("(")
        if name == "COUNT" and self.accept_op("*"):
            self.expect_op(")")
            return Call("COUNT", [])
        args = []
        if not self.accept_op(")"):
            args.append(self.value())
            while self.accept_op(","):
                args.append(self.value())
            self.expect_op(")")
        if name in ("TO_DATE", "TO_TIMESTAMP"):
            return self._date_literal(name, args)
        return Call(name, args)

    def _date_literal(self, name: str, args: list):
        if not args or len(args) > 2 or not all(isinstance(a, Lit) and isinstance(a.value, str) for a in args):
            raise _unsupported(f"{name} takes a text literal and a format literal")
        try:
            if len(args) == 1:
                # No format: NetSuite applies the user's date preference (checked later).
                return Call("TO_DATE_USER", [args[0]])
            return DateLit(oracle_parse(args[0].value, args[1].value))
        except FormatError as exc:
            raise search_error(f"{name}: {exc}.") from exc


def parse(text: str) -> Query:
    """Parse a SuiteQL query; raises the 400 NetSuiteError when outside the supported subset."""
    if not isinstance(text, str) or not text.strip():
        raise search_error("Invalid or unsupported search: the query is empty.")
    return _Parser(text).query()


# --- translation -----------------------------------------------------------------
@dataclass
class Sql:
    """A translated expression: SQL text, its parameters, and what kind of value it yields."""

    text: str
    params: list
    kind: str  # text, number, bool, datetime, date, multi, dtlit, sysdate, null, count
    zone: str | None = None  # datetime: the zone its wall-clock value is in
    column: Column | None = None
    value: object = None  # literals
    source: str | None = None  # columns: the name (alias or table) of the table they come from


@dataclass
class Source:
    """A table of the FROM clause: how the query names it, its columns, its SQL alias."""

    name: str  # the alias, or the table name when it has none
    table: str
    columns: dict[str, Column]
    sql_alias: str
    left_outer: bool = False
    aliased: bool = False


class _Translator:
    def __init__(self, store: Store, query: Query, zone: str, now: float, *, allow_sum: bool = True):
        self.allow_sum = allow_sum
        self.store = store
        self.query = query
        self.zone = zone
        self.now = now
        tables = store.suiteql_tables()
        self.joined = bool(query.joins)
        self.sources: list[Source] = []
        for index, (table, alias, left_outer) in enumerate(
            [(query.table, query.alias, False)] + [(j.table, j.alias, j.left_outer) for j in query.joins]
        ):
            if table not in tables:
                raise search_error(f"Record '{table}' was not found.")
            name = alias or table
            if any(s.name == name for s in self.sources):
                raise search_error(f"Invalid or unsupported search: the table name or alias '{name}' is used twice.")
            self.sources.append(Source(name, table, tables[table], f"s{index}", left_outer, alias is not None))
        self.columns = tables[query.table]
        self.table = query.table

    # expressions
    def expr(self, node) -> Sql:
        if isinstance(node, Ident):
            source = self._source_of(node)
            return self._column(source.columns[node.name], source)
        if isinstance(node, Lit):
            if node.value is None:
                return Sql("NULL", [], "null")
            kind = "text" if isinstance(node.value, str) else "number"
            return Sql("?", [node.value], kind, value=node.value)
        if isinstance(node, DateLit):
            return Sql("?", [], "dtlit", value=node.wall)
        if isinstance(node, Sysdate):
            return Sql("?", [], "sysdate", value=node.days)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Star):
            raise _unsupported("'*' is only allowed alone in the select list")
        raise _unsupported("this expression")

    def _named_source(self, qualifier: str) -> Source:
        for source in self.sources:
            # A single table may be named by its alias or its name (as before joins existed);
            # in a join an aliased table answers to its alias only, as in Oracle.
            if source.name == qualifier or (source.table == qualifier and not (self.joined and source.aliased)):
                return source
        raise search_error(f"Invalid or unsupported search: unknown table alias '{qualifier}'.")

    def _source_of(self, node: Ident) -> Source:
        """The table a column reference belongs to (ORA-00918 when unqualified and in two tables)."""
        if node.qualifier is not None:
            source = self._named_source(node.qualifier)
            if node.name not in source.columns:
                raise search_error(f"Field '{node.name}' for record '{source.table}' was not found.")
            return source
        found = [source for source in self.sources if node.name in source.columns]
        if not found:
            raise search_error(f"Field '{node.name}' for record '{self.table}' was not found.")
        if len(found) > 1:
            raise search_error(f"ORA-00918: column ambiguously defined: {node.name}.")
        return found[0]

    def _source(self, name: str | None) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)

    def key_of(self, source: Source) -> str:
        return self.store.table_key(source.table)

    def from_clause(self) -> tuple[str, list]:
        """``FROM t_x [AS s0] [JOIN t_y AS s1 ON ...]`` and its parameters."""
        base = self.sources[0]
        if not self.joined:
            return f"FROM t_{base.table}", []
        text, params = f"FROM t_{base.table} AS {base.sql_alias}", []
        for source, join in zip(self.sources[1:], self.query.joins, strict=True):
            condition, condition_params = self.condition(join.on)
            text += f" {'LEFT ' if join.left_outer else ''}JOIN t_{source.table} AS {source.sql_alias} ON {condition}"
            params += condition_params
        return text, params

    def required_keys(self) -> list[Source]:
        """The tables whose keys make a row unique: all but those joined on their own key.

        A table whose key equals a column of another table in an ON condition (``a.nkey =
        b.addressbookaddress``, ``c.id = b.entity``) adds at most one row per row of the other
        table, so the other table's key already identifies the row.
        """
        determined: set[str] = set()
        for join in self.query.joins:
            parts = join.on.parts if isinstance(join.on, Bool) and join.on.op == "AND" else [join.on]
            for part in parts:
                if not (isinstance(part, Cmp) and part.op == "=" and isinstance(part.left, Ident)):
                    continue
                if not isinstance(part.right, Ident):
                    continue
                left, right = self._source_of(part.left), self._source_of(part.right)
                if left is right:
                    continue
                if part.left.name == self.key_of(left):
                    determined.add(left.name)
                if part.right.name == self.key_of(right):
                    determined.add(right.name)
        required = [s for s in self.sources if s.name not in determined]
        return required or self.sources[:1]

    def _column(self, column: Column, source: Source | None = None) -> Sql:
        source = source or self.sources[0]
        ident = q(column.name) if not self.joined else f"{source.sql_alias}.{q(column.name)}"
        kind = {
            Kind.ID: "number",
            Kind.INTEGER: "number",
            Kind.DECIMAL: "number",
            Kind.REF: "number",
            Kind.BOOL: "bool",
            Kind.DATETIME: "datetime",
            Kind.DATE: "date",
            Kind.MULTI: "multi",
        }.get(column.kind, "text")
        return Sql(ident, [], kind, zone=self.zone if kind == "datetime" else None, column=column, source=source.name)

    def _call(self, node: Call) -> Sql:
        name, args = node.name, node.args
        if name == "COUNT":
            return Sql("COUNT(*)", [], "count")
        if name == "SUM":
            if not self.allow_sum:
                raise _unsupported("SUM")
            self._arity(name, args, 1)
            inner = self.expr(args[0])
            if inner.kind != "number":
                raise search_error("ORA-01722: invalid number.")
            return Sql(f"SUM({inner.text})", inner.params, "sum")
        if name == "TO_NUMBER":
            self._arity(name, args, 1)
            inner = self.expr(args[0])
            if inner.kind not in ("text", "number"):
                raise _unsupported("TO_NUMBER applies to text")
            return Sql(f"ns_to_number({inner.text})", inner.params, "number")
        if name in ("LOWER", "UPPER"):
            self._arity(name, args, 1)
            inner = self.expr(args[0])
            if inner.kind not in ("text", "bool", "multi", "null"):
                raise _unsupported(f"{name} applies to text")
            return Sql(f"{name}({inner.text})", inner.params, "text")
        if name == "SYS_EXTRACT_UTC":
            self._arity(name, args, 1)
            inner = self.expr(args[0])
            if inner.kind != "datetime":
                raise _unsupported("SYS_EXTRACT_UTC applies to a datetime column")
            return Sql(inner.text, inner.params, "datetime", zone="UTC", column=inner.column)
        if name == "TO_CHAR":
            if len(args) == 1:
                inner = self.expr(args[0])
                if inner.kind != "number":
                    raise _unsupported("TO_CHAR without a format applies to numbers")
                return Sql(f"CAST({inner.text} AS TEXT)", inner.params, "text")
            self._arity(name, args, 2)
            if not (isinstance(args[1], Lit) and isinstance(args[1].value, str)):
                raise _unsupported("the TO_CHAR format must be a text literal")
            model = args[1].value
            try:
                oracle_format(model)
            except FormatError as exc:
                raise search_error(f"TO_CHAR: {exc}.") from exc
            inner = self.expr(args[0])
            if inner.kind == "datetime":
                return Sql(f"ns_to_char({inner.text}, ?, ?)", [*inner.params, inner.zone, model], "text")
            if inner.kind == "date":
                epoch = f"CAST(strftime('%s', {inner.text}) AS INTEGER)"
                return Sql(f"ns_to_char({epoch}, 'UTC', ?)", [*inner.params, model], "text")
            raise _unsupported("TO_CHAR with a format applies to dates")
        if name == "TO_DATE_USER":
            try:
                day = parse_user_date(args[0].value, self.store.date_format)
            except FormatError as exc:
                raise search_error(f"TO_DATE: {args[0].value!r} does not match the date format.") from exc
            return Sql("?", [], "dtlit", value=datetime(day.year, day.month, day.day))
        if name == "BUILTIN.DF":
            self._arity(name, args, 1)
            inner = self.expr(args[0])
            column = inner.column
            if column is not None and column.kind == Kind.REF and column.target:
                target = column.target
                if target in RECORD_TYPES:
                    name_column = q(RECORD_TYPES[target].name_column)
                    sql = f"(SELECT {name_column} FROM t_{target} WHERE id = {inner.text})"  # noqa: S608
                else:
                    sql = f"(SELECT name FROM t_{target} WHERE id = {inner.text})"  # noqa: S608
                return Sql(sql, inner.params, "text")
            if column is not None and column.kind == Kind.MULTI and column.target:
                return Sql(f"ns_list_names({inner.text}, ?)", [*inner.params, column.target], "text")
            if inner.kind in ("text", "number"):
                return inner
            if inner.kind == "datetime":
                return Sql(f"ns_date({inner.text}, ?)", [*inner.params, inner.zone], "text")
            if inner.kind == "bool":
                return Sql(f"CASE {inner.text} WHEN 'T' THEN 'Yes' ELSE 'No' END", inner.params, "text")
            raise _unsupported("BUILTIN.DF applies to a field")
        raise _unsupported(f"the function {name} is not supported by the sandbox")

    @staticmethod
    def _arity(name: str, args: list, count: int) -> None:
        if len(args) != count:
            raise _unsupported(f"{name} takes {count} argument(s)")

    # select list
    def select_list(self) -> tuple[list[str], list[str], list, bool]:
        keys, texts, params = [], [], []
        aggregate = False
        aggregates = 0
        unnamed = 0
        for item in self.query.items:
            if isinstance(item.expr, Star):
                qualifier = item.expr.qualifier
                sources = self.sources if qualifier is None else [self._named_source(qualifier)]
                for source, column in ((s, c) for s in sources for c in s.columns.values()):
                    if self.joined and column.name in keys:
                        raise search_error(f"ORA-00918: column ambiguously defined: {column.name} (select alias.*).")
                    sql = self._column(column, source)
                    keys.append(column.name)
                    texts.append(self._rendered(sql))
                    params.extend(sql.params)
                continue
            sql = self.expr(item.expr)
            if sql.kind in _AGGREGATES:
                aggregate = True
                aggregates += 1
            if sql.kind in ("dtlit", "sysdate"):
                raise _unsupported("date literals cannot be selected")
            if item.alias:
                key = item.alias
            elif isinstance(item.expr, Ident):
                key = item.expr.name
            else:
                unnamed += 1
                key = f"expr{unnamed}"
            keys.append(key)
            texts.append(self._rendered(sql))
            params.extend(sql.params)
        if aggregate and aggregates != len(texts):
            # Aggregates next to plain columns need a GROUP BY, which this SuiteQL does not have.
            raise search_error("Invalid or unsupported search: not a single-group group function.")
        return keys, texts, params, aggregate

    def _rendered(self, sql: Sql) -> str:
        """How a selected value is shown: datetimes as user-format dates, dates likewise."""
        if sql.kind == "datetime":
            sql.params.append(sql.zone)
            return f"ns_date({sql.text}, ?)"
        if sql.kind == "date":
            return f"ns_iso_date({sql.text})"
        return sql.text

    # conditions
    def condition(self, node) -> tuple[str, list]:
        if isinstance(node, Bool):
            if node.op == "NOT":
                text, params = self.condition(node.parts[0])
                return f"NOT ({text})", params
            parts = [self.condition(p) for p in node.parts]
            return "(" + f" {node.op} ".join(p[0] for p in parts) + ")", [x for p in parts for x in p[1]]
        if isinstance(node, Cmp):
            left, right = self.expr(node.left), self.expr(node.right)
            left, right = self._coerce_pair(left, right)
            return f"{left.text} {node.op} {right.text}", left.params + right.params
        if isinstance(node, IsNull):
            inner = self.expr(node.expr)
            self._not_literal_date(inner)
            return f"{inner.text} IS {'NOT ' if node.negate else ''}NULL", inner.params
        if isinstance(node, InList):
            if len(node.values) > MAX_IN_LIST:
                raise search_error("ORA-01795: maximum number of expressions in a list is 1000.")
            left = self.expr(node.expr)
            texts, params = [], list(left.params)
            for value in node.values:
                item = self.expr(value)
                if item.kind in ("text", "number", "null", "dtlit", "sysdate") and item.column is None:
                    _, item = self._coerce_pair(left, item)
                    texts.append(item.text)
                    params.extend(item.params)
                else:
                    raise _unsupported("IN takes a list of literals")
            return f"{left.text} {'NOT ' if node.negate else ''}IN ({', '.join(texts)})", params
        if isinstance(node, Like):
            left, pattern = self.expr(node.expr), self.expr(node.pattern)
            if left.kind not in ("text", "bool", "multi") or pattern.kind not in ("text", "null"):
                raise _unsupported("LIKE compares text with a text pattern")
            # Oracle LIKE has no escape character unless ESCAPE is given.
            return (
                f"{left.text} {'NOT ' if node.negate else ''}LIKE {pattern.text} ESCAPE '\x01'",
                left.params + pattern.params,
            )
        if isinstance(node, Between):
            value = self.expr(node.expr)
            low_value, low = self._coerce_pair(value, self.expr(node.low))
            _, high = self._coerce_pair(value, self.expr(node.high))
            return f"{low_value.text} BETWEEN {low.text} AND {high.text}", low_value.params + low.params + high.params
        raise _unsupported("this condition")

    def _not_literal_date(self, sql: Sql) -> None:
        if sql.kind in ("dtlit", "sysdate"):
            raise _unsupported("a date literal cannot stand alone here")

    def _coerce_pair(self, left: Sql, right: Sql) -> tuple[Sql, Sql]:
        """Make both sides of a comparison comparable, or refuse as Oracle would."""
        if right.kind in ("datetime", "date") and left.kind not in ("datetime", "date"):
            right, left = self._coerce_pair(right, left)
            return left, right
        if left.kind == "count" or right.kind == "count":
            raise _unsupported("aggregates in WHERE (use HAVING, which the sandbox does not support)")
        if left.kind == "datetime":
            return left, self._as_datetime(right, left.zone)
        if left.kind == "date":
            return left, self._as_date(right)
        if left.kind in ("dtlit", "sysdate") or right.kind in ("dtlit", "sysdate"):
            raise search_error("ORA-00932: inconsistent datatypes: a date is compared with a non-date.")
        textual = ("text", "bool", "multi")
        if left.kind == "number" and right.kind in textual or right.kind == "number" and left.kind in textual:
            # Oracle converts the text side to a number: fine for a literal like '5',
            # ORA-01722 for any text that is not a number (so refused for columns).
            text_side = right if left.kind == "number" else left
            if text_side.column is not None or text_side.value is None or text_side.text != "?":
                raise search_error("ORA-01722: invalid number.")
            number = Sql("?", [self._number(text_side.value)], "number")
            return (left, number) if left.kind == "number" else (number, right)
        return left, right

    @staticmethod
    def _number(text: str) -> int | float:
        try:
            return int(text) if re.fullmatch(r"\s*-?\d+\s*", text) else float(text)
        except ValueError:
            raise search_error("ORA-01722: invalid number.")

    def _as_datetime(self, other: Sql, zone: str) -> Sql:
        if other.kind == "datetime":
            return other
        if other.kind == "dtlit":
            # The literal is a wall-clock time in the zone of the column it meets:
            # the account time zone for a plain datetime column, UTC under SYS_EXTRACT_UTC.
            return Sql("?", [wall_to_epoch(other.value, ZoneInfo(zone))], "datetime")
        if other.kind == "sysdate":
            return Sql("?", [int(self.now + other.value * 86400)], "datetime")
        if other.kind == "null":
            return other
        raise search_error("ORA-01861: literal does not match format string (use TO_DATE or TO_TIMESTAMP).")

    def _as_date(self, other: Sql) -> Sql:
        if other.kind == "date":
            return other
        if other.kind == "dtlit":
            wall = other.value
            text = wall.date().isoformat() if wall.time() == datetime.min.time() else wall.isoformat(" ")
            return Sql("?", [text], "date")
        if other.kind == "sysdate":
            wall = epoch_to_wall(int(self.now + other.value * 86400), ZoneInfo(self.zone))
            return Sql("?", [wall.isoformat(" ", "seconds")], "date")
        if other.kind == "null":
            return other
        raise search_error("ORA-01861: literal does not match format string (use TO_DATE).")

    def order_by(self) -> tuple[list[str], list, bool]:
        """ORDER BY terms (Oracle null ordering) and whether they make the order unique."""
        terms, params = [], []
        keyed: set[str] = set()
        for order in self.query.order:
            expr = order.expr
            if isinstance(expr, Lit) and isinstance(expr.value, int):
                if not 1 <= expr.value <= len(self.query.items) or isinstance(self.query.items[0].expr, Star):
                    raise search_error("ORA-01785: ORDER BY item must be the number of a SELECT-list expression.")
                expr = self.query.items[expr.value - 1].expr
            elif (
                isinstance(expr, Ident)
                and expr.qualifier is None
                and not any(expr.name in source.columns for source in self.sources)
            ):
                aliased = next((i.expr for i in self.query.items if i.alias == expr.name), None)
                if aliased is not None:
                    expr = aliased
            sql = self.expr(expr)
            if sql.kind in ("dtlit", "sysdate", "null", "count"):
                raise _unsupported("ORDER BY a constant")
            source = self._source(sql.source)
            if sql.column is not None and source is not None and sql.column.name == self.key_of(source):
                keyed.add(source.name)
            nulls_first = order.nulls_first if order.nulls_first is not None else order.descending
            if sql.column is None or sql.column.kind not in (Kind.ID, Kind.BOOL) or (source and source.left_outer):
                # Oracle puts NULLs last ascending (first descending); SQLite does the opposite.
                terms.append(f"({sql.text} IS NULL) {'DESC' if nulls_first else 'ASC'}")
                params.extend(sql.params)
            terms.append(f"{sql.text} {'DESC' if order.descending else 'ASC'}")
            params.extend(sql.params)
        unique = all(source.name in keyed for source in self.required_keys())
        return terms, params, unique


@dataclass
class Page:
    """One page of a SuiteQL result."""

    items: list[dict]
    total: int
    offset: int
    has_more: bool


def run(
    store: Store, text: str, limit: int, offset: int, zone: str, now: float | None = None, *, allow_sum: bool = True
) -> Page:
    """Parse, check, translate and run ``text``; one page of rows as NetSuite returns them."""
    query = parse(text)
    translator = _Translator(store, query, zone, time.time() if now is None else now, allow_sum=allow_sum)
    keys, selects, select_params, aggregate = translator.select_list()
    from_sql, from_params = translator.from_clause()
    where_sql, where_params = ("", [])
    if query.where is not None:
        condition, where_params = translator.condition(query.where)
        where_sql = f" WHERE {condition}"
    source = f"{from_sql}{where_sql}"
    where_params = from_params + where_params  # the JOIN ... ON parameters come first
    if aggregate:
        if query.order:
            raise _unsupported("ORDER BY with an aggregate")
        try:
            row = store.db.execute(f"SELECT {', '.join(selects)} {source}", select_params + where_params).fetchone()
        except sqlite3.OperationalError as exc:  # TO_NUMBER of text that is not a number
            raise search_error("ORA-01722: invalid number.") from exc
        item = {"links": []}
        for key, value in zip(keys, row, strict=True):
            if value is not None:  # SUM over no row is NULL: omitted, as NULL columns are
                item[key] = str(int(value) if isinstance(value, float) and value.is_integer() else value)
        items = [] if offset else [item]
        return Page(items, 1, offset, False)
    if offset >= MAX_ROWS:
        raise search_error(
            f"The offset {offset} is beyond the {MAX_ROWS} rows a query can return; page with WHERE id > last id."
        )
    total = store.db.execute(f"SELECT COUNT(*) {source}", where_params).fetchone()[0]
    order_terms, order_params, unique = translator.order_by()
    if not unique:
        # Ties (or no ORDER BY at all) come back in an order that changes per page.
        for required in translator.required_keys():
            rowid = "rowid" if required.table == "deletedrecord" else q(translator.key_of(required))
            if translator.joined:
                rowid = f"{required.sql_alias}.{rowid}"
            order_terms.append(f"(({rowid} * 2654435761 + ?) % 4294967296)")
            # A per-page rotation of a multiplicative hash: a different arbitrary order for each offset.
            order_params.append((offset * 2654435761 + 0x9E3779B9) % 4294967296)
    order_sql = f" ORDER BY {', '.join(order_terms)}"
    count = max(0, min(limit, MAX_ROWS - offset))
    try:
        cursor = store.db.execute(
            f"SELECT {', '.join(selects)} {source}{order_sql} LIMIT ? OFFSET ?",
            select_params + where_params + order_params + [count, offset],
        ).fetchall()
    except sqlite3.OperationalError as exc:  # TO_NUMBER of text that is not a number
        raise search_error("ORA-01722: invalid number.") from exc
    items = []
    for row in cursor:
        item: dict = {"links": []}
        for key, value in zip(keys, row, strict=True):
            if value is None:
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            item[key] = str(value)
        items.append(item)
    has_more = offset + len(items) < min(total, MAX_ROWS)
    return Page(items, total, offset, has_more)
