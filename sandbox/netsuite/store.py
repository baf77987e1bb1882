"""The account's data: one in-memory SQLite database, the single source of truth.

Each record type is a table ``t_<type>`` whose columns are the lower-case field
names (SuiteQL's names), so a validated SuiteQL query can run on it directly.
Values are stored the way SuiteQL sees them: booleans ``'T'``/``'F'``,
references as integer ids, multiple selects as ``"1, 3"``, dates as
``YYYY-MM-DD`` and datetimes as epoch seconds (UTC). Empty strings are stored
as NULL, as Oracle does. The store does no validation; callers do.

Not thread-safe on its own: the app serialises access with one lock.

SQL text is assembled from our own table and column names only (record types,
validated custom field and list ids); every value is a bound parameter, hence
the ``noqa: S608`` markers.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from .datetimes import epoch_to_wall, oracle_to_char, user_date
from .fields import (
    ADDRESS_BOOK_COLUMNS,
    ADDRESS_BOOK_OWNERS,
    ADDRESS_FIELDS,
    ENTITY_ADDRESS_COLUMNS,
    RECORD_TYPES,
    CustomFieldDef,
    FieldDef,
    Kind,
    RecordType,
    SelectList,
    address_book_table,
    address_text,
    demo_custom_fields,
    entity_address_table,
    standard_lists,
)

_SQL_TYPES = {
    Kind.ID: "INTEGER PRIMARY KEY",
    Kind.BOOL: "TEXT NOT NULL DEFAULT 'F'",
    Kind.INTEGER: "INTEGER",
    Kind.DECIMAL: "REAL",
    Kind.DATETIME: "INTEGER",
    Kind.REF: "INTEGER",
}
DELETED_TABLE = "deletedrecord"
# DeletedRecord columns (reference 3.4): record type in both ``type`` and ``recordtypeid``.
DELETED_COLUMNS = {
    "recordid": Kind.INTEGER,
    "type": Kind.TEXT,
    "recordtypeid": Kind.TEXT,
    "name": Kind.TEXT,
    "deleteddate": Kind.DATETIME,
    "deletedby": Kind.INTEGER,
    "context": Kind.TEXT,
    "iscustomlist": Kind.BOOL,
    "iscustomrecord": Kind.BOOL,
}
_INDEXED = {
    "customer": ("externalid", "lastmodifieddate", "subsidiary", "email", "isperson"),
    "contact": ("externalid", "lastmodifieddate", "subsidiary", "email", "company"),
    "employee": ("externalid",),
    "partner": ("externalid",),
    "campaign": ("externalid",),
    "subsidiary": ("externalid",),
}


def q(identifier: str) -> str:
    """A quoted SQL identifier (column names like ``name`` or ``type`` are keywords elsewhere)."""
    return '"' + identifier.replace('"', '""') + '"'


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class Column:
    """A SuiteQL-visible column: its kind and, for references, the table it points at."""

    name: str
    kind: Kind
    target: str | None = None


class Store:
    """Tables, id sequences, lookups and writes of one simulated account."""

    def __init__(self, date_format: str, time_zone: str):
        self.date_format = date_format
        self.time_zone = time_zone
        self.db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        # Oracle's LIKE is case-sensitive; SQLite's is not unless told.
        self.db.execute("PRAGMA case_sensitive_like = ON")
        self._register_functions()
        self.lists: dict[str, SelectList] = standard_lists()
        self.custom_fields: dict[str, CustomFieldDef] = {}
        self._sequences: dict[str, int] = {}
        for record_type in RECORD_TYPES.values():
            self._create_record_table(record_type)
        for select_list in self.lists.values():
            self._create_list_table(select_list)
        for owner in ADDRESS_BOOK_OWNERS:
            self._create_address_tables(owner)
        columns = ", ".join(f"{q(name)} {_SQL_TYPES.get(kind, 'TEXT')}" for name, kind in DELETED_COLUMNS.items())
        self.db.execute(f"CREATE TABLE t_{DELETED_TABLE} ({columns})")
        self.db.execute(f"CREATE INDEX ix_deleted_date ON t_{DELETED_TABLE} (deleteddate)")
        fields, lists = demo_custom_fields()
        for select_list in lists.values():
            self.add_list(select_list)
        for custom in fields:
            self.add_custom_field(custom)

    # --- schema ----------------------------------------------------------------
    def _register_functions(self) -> None:
        date_format = self.date_format

        def ns_date(epoch, zone):
            if epoch is None:
                return None
            return user_date(epoch_to_wall(int(epoch), _zone(zone)).date(), date_format)

        def ns_to_char(epoch, zone, model):
            if epoch is None:
                return None
            return oracle_to_char(epoch_to_wall(int(epoch), _zone(zone)), model)

        def ns_iso_date(value):
            return None if value is None else user_date(date.fromisoformat(value), date_format)

        def ns_list_names(ids, list_name):
            if ids is None:
                return None
            options = self.lists[list_name].options if list_name in self.lists else {}
            return ", ".join(options.get(int(x), x) for x in ids.split(", "))

        def ns_to_number(text):
            # Oracle's TO_NUMBER: ORA-01722 for text that is not a number (SQLite's CAST would give 0).
            if text is None:
                return None
            try:
                return int(text)
            except ValueError:
                number = float(text)  # raises ValueError in turn: the query fails with ORA-01722
                return int(number) if number.is_integer() else number

        self.db.create_function("ns_date", 2, ns_date, deterministic=True)
        self.db.create_function("ns_to_number", 1, ns_to_number, deterministic=True)
        self.db.create_function("ns_to_char", 3, ns_to_char, deterministic=True)
        self.db.create_function("ns_iso_date", 1, ns_iso_date, deterministic=True)
        self.db.create_function("ns_list_names", 2, ns_list_names)

    def _create_record_table(self, record_type: RecordType) -> None:
        # The addressBook sublist lives in its own tables (``_create_address_tables``).
        columns = ", ".join(
            f"{q(f.column)} {_SQL_TYPES.get(f.kind, 'TEXT')}" for f in record_type.fields if f.kind != Kind.ADDRESS_BOOK
        )
        self.db.execute(f"CREATE TABLE t_{record_type.name} ({columns})")
        for column in _INDEXED.get(record_type.name, ()):
            self.db.execute(f"CREATE INDEX ix_{record_type.name}_{column} ON t_{record_type.name} ({q(column)})")
        self._sequences[self._sequence_name(record_type.name)] = 1 if not record_type.entity else 100

    def _create_address_tables(self, owner: str) -> None:
        book, address = address_book_table(owner), entity_address_table(owner)
        columns = ", ".join(f"{q(name)} {_SQL_TYPES.get(kind, 'TEXT')}" for name, kind in ADDRESS_BOOK_COLUMNS.items())
        self.db.execute(f"CREATE TABLE t_{book} ({columns})")
        self.db.execute(f"CREATE INDEX ix_{book}_entity ON t_{book} (entity)")
        self.db.execute(f"CREATE INDEX ix_{book}_address ON t_{book} (addressbookaddress)")
        columns = ", ".join(
            f"{q(name)} {_SQL_TYPES.get(kind, 'TEXT')}" for name, kind in ENTITY_ADDRESS_COLUMNS.items()
        )
        self.db.execute(f"CREATE TABLE t_{address} ({columns})")
        # Line internal ids and address keys are account-wide sequences (not per record); they start
        # apart so that a client mixing up ``internalid`` and ``nkey`` gets caught.
        self._sequences.setdefault("addressbook", 1)
        self._sequences.setdefault("address", 5001)

    def _create_list_table(self, select_list: SelectList) -> None:
        extra = "".join(f", {q(name)} TEXT" for name in select_list.extra_columns)
        self.db.execute(
            f"CREATE TABLE t_{select_list.name} (id INTEGER PRIMARY KEY, name TEXT, isinactive TEXT{extra})"
        )
        for option_id, label in select_list.options.items():
            values = [option_id, label, "F"] + [
                select_list.extra_columns[c].get(option_id) for c in select_list.extra_columns
            ]
            self.db.execute(f"INSERT INTO t_{select_list.name} VALUES ({', '.join('?' * len(values))})", values)  # noqa: S608

    def add_list(self, select_list: SelectList) -> None:
        """Define a custom list (``customlist_*``), queryable in SuiteQL as a table."""
        if not re.fullmatch(r"customlist_[a-z0-9_]+", select_list.name):
            raise ValueError(f"custom list ids look like customlist_name, not {select_list.name!r}")
        if select_list.name in self.lists:
            raise ValueError(f"list {select_list.name} already exists")
        self.lists[select_list.name] = select_list
        self._create_list_table(select_list)

    def add_custom_field(self, custom: CustomFieldDef) -> None:
        """Define a custom entity field: a new column on each record type it applies to."""
        if custom.script_id in self.custom_fields:
            raise ValueError(f"custom field {custom.script_id} already exists")
        if not re.fullmatch(r"custentity_[a-z0-9_]+", custom.script_id):
            raise ValueError(f"custom entity field ids look like custentity_name, not {custom.script_id!r}")
        if custom.list_name and custom.list_name not in self.lists:
            raise ValueError(f"unknown list {custom.list_name}")
        if custom.record_type and custom.record_type not in RECORD_TYPES:
            raise ValueError(f"unknown record type {custom.record_type}")
        if custom.kind == Kind.REF and not (custom.list_name or custom.record_type):
            raise ValueError("a list/record field needs a list or a record type")
        if custom.kind == Kind.MULTI and not custom.list_name:
            raise ValueError("a multiple select field needs a list")
        if custom.kind in (Kind.ID, Kind.DATETIME, Kind.ADDRESS_BOOK):
            raise ValueError(f"custom fields cannot be of type {custom.kind.value}")
        if not custom.applies_to or any(
            name not in RECORD_TYPES or not RECORD_TYPES[name].takes_custom_fields for name in custom.applies_to
        ):
            raise ValueError("custom entity fields apply to customer and/or contact")
        for name in custom.applies_to:
            column_type = _SQL_TYPES.get(custom.kind, "TEXT").replace(" NOT NULL DEFAULT 'F'", " DEFAULT 'F'")
            self.db.execute(f"ALTER TABLE t_{name} ADD COLUMN {q(custom.script_id)} {column_type}")
        self.custom_fields[custom.script_id] = custom

    def fields(self, record_type: str) -> list[FieldDef]:
        """Standard and custom fields of a record type, in catalog order."""
        result = list(RECORD_TYPES[record_type].fields)
        result += [c.as_field() for c in self.custom_fields.values() if record_type in c.applies_to]
        return result

    def field(self, record_type: str, name: str) -> FieldDef | None:
        """A field by REST name or SuiteQL column, case-insensitively."""
        wanted = name.lower()
        for candidate in self.fields(record_type):
            if candidate.column == wanted:
                return candidate
        return None

    def suiteql_tables(self) -> dict[str, dict[str, Column]]:
        """Every SuiteQL table the account exposes, with its columns."""
        tables: dict[str, dict[str, Column]] = {}
        for name in RECORD_TYPES:
            tables[name] = {f.column: Column(f.column, f.kind, f.target) for f in self.fields(name) if f.in_suiteql}
        for select_list in self.lists.values():
            columns = {"id": Column("id", Kind.ID), "name": Column("name", Kind.TEXT)}
            columns["isinactive"] = Column("isinactive", Kind.BOOL)
            columns.update({c: Column(c, Kind.TEXT) for c in select_list.extra_columns})
            tables[select_list.name] = columns
        tables[DELETED_TABLE] = {name: Column(name, kind) for name, kind in DELETED_COLUMNS.items()}
        for owner in ADDRESS_BOOK_OWNERS:
            tables[address_book_table(owner)] = {
                name: Column(name, kind, owner if name == "entity" else None)
                for name, kind in ADDRESS_BOOK_COLUMNS.items()
            }
            tables[entity_address_table(owner)] = {
                name: Column(name, kind) for name, kind in ENTITY_ADDRESS_COLUMNS.items()
            }
        return tables

    @staticmethod
    def table_key(table: str) -> str:
        """The column that identifies a row of a SuiteQL table (``id`` unless an address table)."""
        if table.endswith("addressbookentityaddress"):
            return "nkey"
        if table.endswith("addressbook") and table[: -len("addressbook")] in ADDRESS_BOOK_OWNERS:
            return "internalid"
        return "id"

    # --- ids -------------------------------------------------------------------
    @staticmethod
    def _sequence_name(record_type: str) -> str:
        # Entities (customer, contact, employee, partner) share one internal-id sequence.
        return "entity" if RECORD_TYPES[record_type].entity else record_type

    def next_id(self, record_type: str) -> int:
        sequence = self._sequence_name(record_type)
        value = self._sequences[sequence]
        self._sequences[sequence] = value + 1
        return value

    def reserve_id(self, record_type: str, record_id: int) -> None:
        """Make sure the sequence continues after an explicitly chosen id."""
        sequence = self._sequence_name(record_type)
        self._sequences[sequence] = max(self._sequences[sequence], record_id + 1)

    def id_taken(self, record_type: str, record_id: int) -> bool:
        sequence = self._sequence_name(record_type)
        for name in RECORD_TYPES:
            if self._sequence_name(name) == sequence and self.row(name, record_id) is not None:
                return True
        return False

    # --- reads -----------------------------------------------------------------
    def row(self, record_type: str, record_id: int) -> dict | None:
        cursor = self.db.execute(f"SELECT * FROM t_{record_type} WHERE id = ?", (record_id,))  # noqa: S608
        values = cursor.fetchone()
        if values is None:
            return None
        return dict(zip((d[0] for d in cursor.description), values, strict=True))

    def id_by_external_id(self, record_type: str, external_id: str) -> int | None:
        found = self.db.execute(f"SELECT id FROM t_{record_type} WHERE externalid = ?", (external_id,)).fetchone()  # noqa: S608
        return found[0] if found else None

    def is_list(self, target: str) -> bool:
        return target in self.lists

    def target_row(self, target: str, target_id: int) -> dict | None:
        """The referenced record or list entry, or None."""
        if target in RECORD_TYPES:
            return self.row(target, target_id)
        if target in self.lists:
            label = self.lists[target].options.get(target_id)
            return None if label is None else {"id": target_id, "name": label, "isinactive": "F"}
        return None

    def ref_name(self, target: str, target_id: int) -> str | None:
        """The refName NetSuite shows for a reference."""
        if target in self.lists:
            return self.lists[target].options.get(target_id)
        column = RECORD_TYPES[target].name_column
        found = self.db.execute(f"SELECT {q(column)} FROM t_{target} WHERE id = ?", (target_id,)).fetchone()  # noqa: S608
        return found[0] if found else None

    def count(self, record_type: str) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM t_{record_type}").fetchone()[0]  # noqa: S608

    def referrers(self, record_type: str, record_id: int) -> int:
        """How many live records reference this one (dependent records block a delete)."""
        total = 0
        for name in RECORD_TYPES:
            for f in self.fields(name):
                if f.kind == Kind.REF and f.target == record_type:
                    sql = f"SELECT COUNT(*) FROM t_{name} WHERE {q(f.column)} = ?"  # noqa: S608
                    params: list = [record_id]
                    if name == record_type:
                        sql += " AND id <> ?"
                        params.append(record_id)
                    total += self.db.execute(sql, params).fetchone()[0]
        return total

    # --- writes ----------------------------------------------------------------
    def insert(self, record_type: str, values: dict) -> None:
        columns = list(values)
        sql = (
            f"INSERT INTO t_{record_type} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        )
        self.db.execute(sql, [values[c] for c in columns])

    def insert_many(self, record_type: str, columns: list[str], rows: Iterable[tuple]) -> None:
        """Bulk insert (seeding): one transaction, no per-row statement parsing."""
        sql = (
            f"INSERT INTO t_{record_type} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        )
        # Indexes are rebuilt once afterwards: much faster than updating them row by row.
        indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (f"t_{record_type}",),
        ).fetchall()
        self.db.execute("BEGIN")
        try:
            for name, _ in indexes:
                self.db.execute(f"DROP INDEX {q(name)}")
            self.db.executemany(sql, rows)
            for _, create in indexes:
                self.db.execute(create)
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def update(self, record_type: str, record_id: int, values: dict) -> None:
        if not values:
            return
        assignments = ", ".join(f"{q(c)} = ?" for c in values)
        self.db.execute(f"UPDATE t_{record_type} SET {assignments} WHERE id = ?", [*values.values(), record_id])  # noqa: S608

    def delete(self, record_type: str, record_id: int, when: int, context: str, deleted_by: int | None) -> None:
        """Remove a record (with its address book) and write its DeletedRecord row."""
        name = self.ref_name(record_type, record_id)
        if record_type in ADDRESS_BOOK_OWNERS:
            self.write_address_lines(record_type, record_id, [])
        self.db.execute(f"DELETE FROM t_{record_type} WHERE id = ?", (record_id,))  # noqa: S608
        self.db.execute(
            f"INSERT INTO t_{DELETED_TABLE} (recordid, type, recordtypeid, name, deleteddate, deletedby, context,"  # noqa: S608
            " iscustomlist, iscustomrecord) VALUES (?, ?, ?, ?, ?, ?, ?, 'F', 'F')",
            (record_id, record_type, record_type, name, when, deleted_by, context),
        )

    # --- address books ---------------------------------------------------------
    def next_address_ids(self) -> tuple[int, int]:
        """A new (line internal id, address nkey) pair."""
        line_id, nkey = self._sequences["addressbook"], self._sequences["address"]
        self._sequences["addressbook"] = line_id + 1
        self._sequences["address"] = nkey + 1
        return line_id, nkey

    def address_lines(self, owner: str, entity_id: int) -> list[dict]:
        """The addressBook lines of a customer or contact, by line id: ``{id, nkey, label,
        defaultBilling, defaultShipping, address: {REST name: value}}`` (empty values left out)."""
        book, table = address_book_table(owner), entity_address_table(owner)
        names = list(ADDRESS_FIELDS.items())
        cursor = self.db.execute(
            f"SELECT b.internalid, b.addressbookaddress, b.label, b.defaultbilling, b.defaultshipping, "  # noqa: S608
            f"{', '.join('a.' + q(column) for _, column in names)} FROM t_{book} b "
            f"LEFT JOIN t_{table} a ON a.nkey = b.addressbookaddress WHERE b.entity = ? ORDER BY b.internalid",
            (entity_id,),
        )
        lines = []
        for row in cursor:
            address = {name: value for (name, _), value in zip(names, row[5:], strict=True) if value is not None}
            lines.append(
                {
                    "id": row[0],
                    "nkey": row[1],
                    "label": row[2],
                    "defaultBilling": row[3] == "T",
                    "defaultShipping": row[4] == "T",
                    "address": address,
                }
            )
        return lines

    def write_address_lines(self, owner: str, entity_id: int, lines: list[dict]) -> None:
        """Replace the stored lines of a record by ``lines`` (ids and nkeys kept, new ones numbered)."""
        book, table = address_book_table(owner), entity_address_table(owner)
        self.db.execute(
            f"DELETE FROM t_{table} WHERE nkey IN (SELECT addressbookaddress FROM t_{book} WHERE entity = ?)",  # noqa: S608
            (entity_id,),
        )
        self.db.execute(f"DELETE FROM t_{book} WHERE entity = ?", (entity_id,))  # noqa: S608
        for line in lines:
            if line.get("id") is None or line.get("nkey") is None:
                line["id"], line["nkey"] = self.next_address_ids()
            self.insert(book, address_book_row(entity_id, line))
            self.insert(table, entity_address_row(line))


def address_book_row(entity_id: int, line: dict) -> dict:
    """The ``<owner>addressbook`` row of one line."""
    return {
        "internalid": line["id"],
        "entity": entity_id,
        "label": line.get("label") or None,
        "defaultbilling": "T" if line.get("defaultBilling") else "F",
        "defaultshipping": "T" if line.get("defaultShipping") else "F",
        "addressbookaddress": line["nkey"],
    }


def entity_address_row(line: dict) -> dict:
    """The ``<owner>addressbookentityaddress`` row of one line's address subrecord."""
    address = line.get("address") or {}
    row = {"nkey": line["nkey"]}
    row.update({column: address.get(name) or None for name, column in ADDRESS_FIELDS.items()})
    row["addrtext"] = address_text(address) or None
    return row
