"""Store what was read from an API into the mirror, a page at a time (bulk)."""

from __future__ import annotations

from django.db import connection as db_connection
from django.db import models, transaction
from django.utils import timezone

from connections.providers import registry
from connections.providers.base import Record

from . import codec
from .bulk import is_plain, slices
from .match_keys import PEOPLE, KeyMaker
from .models import MirrorRecord, RecordLink


def sync_key_of(record: Record) -> str:
    """Our key on a record we created, wherever its app keeps it (each app registers where), or ''."""
    return registry.sync_key_of(record)


# The columns a page of live records writes; the unique key comes first.
_KEY = ("connection", "side", "record_id")
_VALUES = ("email_key", "name_key", "modified_at", "deleted", "values", "meta", "sync_key", "pending", "read_at")


def store_page(connection_id: int, side: str, records: list[Record], keys: KeyMaker = PEOPLE) -> int:
    """Upsert one page of records as pending changes, with their match keys (``keys``: the side's, see
    :mod:`.match_keys`); returns how many were stored.

    Deleted records flag rows we know; a deletion of a record we never saw
    concerns no link, unless a link holds it: a record the sync created is
    not in the mirror until a later read brings it back, and its deletion
    before that read must still reach the policy (a row is added for it).
    """
    live = [r for r in records if not r.deleted]
    deleted_ids = [r.id for r in records if r.deleted]
    if live:
        read_at = timezone.now()
        rows = []
        for r in live:
            email_or_domain, name = keys.keys(r.values)
            rows.append(
                (
                    connection_id,
                    side,
                    r.id,
                    email_or_domain[:320],
                    name[:320],
                    r.modified_at,
                    False,
                    codec.dumps_values(r.values),
                    codec.dumps_values(r.meta or {}),
                    sync_key_of(r)[:64],
                    True,
                    read_at,
                )
            )
        _upsert(rows)
    if deleted_ids:
        deleted = {r.id: r for r in records if r.deleted}
        for ids in slices(deleted_ids):
            known = MirrorRecord.objects.filter(connection_id=connection_id, side=side, record_id__in=ids)
            if known.update(deleted=True, pending=True) < len(ids):
                _add_linked_deletions(
                    connection_id, side, [deleted[i] for i in ids], set(known.values_list("record_id", flat=True))
                )
    return len(records)


def _add_linked_deletions(connection_id: int, side: str, records: list[Record], known: set[str]) -> None:
    """Mirror rows for deleted ``records`` the mirror never held but a link of the connection does (a record
    the sync created, deleted before any read brought it back): pending deletions, like any other."""
    unknown = [r.id for r in records if r.id not in known]
    held = set(
        RecordLink.objects.filter(connection_id=connection_id, **{f"{side}_id__in": unknown}).values_list(
            f"{side}_id", flat=True
        )
    )
    rows = [
        MirrorRecord(
            connection_id=connection_id,
            side=side,
            record_id=r.id,
            modified_at=r.modified_at,
            deleted=True,
            values=codec.encode_values(r.values),
            pending=True,
        )
        for r in records
        if r.id in held
    ]
    MirrorRecord.objects.bulk_create(rows, ignore_conflicts=True)


def _prep_by(field: models.Field):
    """``field``'s preparation of a value, remembered for the call (a page's rows share their ``read_at``,
    and often their ``modified_at``: one preparation each, not one per row)."""
    prepared: dict = {}

    def prep(value):
        if value not in prepared:
            prepared[value] = field.get_db_prep_save(value, db_connection)
        return prepared[value]

    return prep


def _json_text_param(text: str):
    """A parameter for a JSON column holding ``text``, already JSON."""
    if db_connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(text, dumps=_as_is)  # jsonb: psycopg sends the text as it is
    return text  # SQLite stores JSON as text


def _as_is(text: str) -> str:
    return text


def _upsert(rows: list[tuple]) -> None:
    """``INSERT ... ON CONFLICT DO UPDATE`` of mirror rows (columns :data:`_KEY` + :data:`_VALUES`),
    sent with ``executemany``.

    What ``bulk_create(update_conflicts=True)`` does, without building a model
    instance and preparing each of a page's ~40,000 values through it: a
    third of an initial sync's CPU went there. The JSON columns arrive as JSON
    text (:func:`codec.dumps_values`); the other values are prepared by the
    model's fields, so they are stored exactly as the ORM would store them.
    SQLite and PostgreSQL share the syntax.
    """
    meta = MirrorRecord._meta
    fields = [meta.get_field(name) for name in (*_KEY, *_VALUES)]
    quote = db_connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    key = ", ".join(quote(meta.get_field(name).column) for name in _KEY)
    updates = ", ".join(
        f"{quote(meta.get_field(name).column)} = EXCLUDED.{quote(meta.get_field(name).column)}" for name in _VALUES
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - identifiers are ours
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    # Only the JSON and the date columns need preparing: the others are ints, strings and booleans already,
    # which the driver takes as they are (preparing them cost 0.6 s of a 10,000-record initial sync).
    prepare = [
        _json_text_param if isinstance(f, models.JSONField) else None if is_plain(f) else _prep_by(f) for f in fields
    ]
    prepared = [
        [value if prep is None else prep(value) for prep, value in zip(prepare, row, strict=True)] for row in rows
    ]
    # One transaction: in autocommit, SQLite would commit (and sync to disk) every row.
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
