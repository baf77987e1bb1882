"""Fast bulk writes of many rows: updates by primary key, and inserts.

Django's ``bulk_update`` builds one ``CASE WHEN`` expression per field and
row, which costs seconds per thousand rows; the sync engine updates thousands
of links per run. One parameterised ``UPDATE ... WHERE id = %s`` sent with
``executemany`` does the same on SQLite and PostgreSQL (psycopg pipelines it)
in a fraction of the time. Values are prepared by the model fields themselves,
so JSON, dates and the like are stored exactly as ``save()`` would store them.

:func:`insert_rows` is ``bulk_create`` for rows whose new ids nobody needs (the
audit log's outcomes, one per record and run): one ``INSERT`` sent with
``executemany``, only the columns that need it prepared by their field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, models


def slices(values: Iterable, size: int = 500) -> Iterator[list]:
    """``values`` a slice at a time: ``IN (...)`` lookups stay under SQLite's variable limit."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Columns whose Python values go to the driver as they are: preparing them through their field (a call
# chain per value) changes nothing but the time it takes.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.ForeignKey)


def is_plain(field: models.Field) -> bool:
    """Whether ``field``'s values need no preparation for the database (strings, numbers, booleans, ids)."""
    return isinstance(field, _PLAIN_FIELDS)


def insert_rows(objs: Iterable[models.Model]) -> int:
    """Insert every object of ``objs`` (new rows of one model; their ``pk`` stays None); the row count.

    What ``bulk_create`` stores, without building its multi-row SQL and preparing every value through
    its field: ``auto_now_add`` dates are set as ``save()`` sets them, and only the columns that need
    it (dates, JSON) are prepared.
    """
    objs = list(objs)
    if not objs:
        return 0
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    stamped = [f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
    prepare = [None if is_plain(f) else f for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = []
    for obj in objs:
        for f in stamped:
            setattr(obj, f.attname, f.pre_save(obj, add=True))
        rows.append(
            [
                getattr(obj, f.attname) if prep is None else prep.get_db_prep_save(getattr(obj, f.attname), connection)
                for f, prep in zip(fields, prepare, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def update_rows(objs: Iterable[models.Model], field_names: Sequence[str]) -> int:
    """Write ``field_names`` of every object in ``objs`` (by primary key); returns the row count."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = []
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False):
                setattr(obj, f.attname, f.pre_save(obj, add=False))
        rows.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
