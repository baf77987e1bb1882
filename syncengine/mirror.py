"""Store what was read from an API into the mirror, a page at a time (bulk)."""

from __future__ import annotations

from connections.providers.base import Record
from mappings.converters import normalize_email

from . import codec
from .models import MirrorRecord

# The idempotency key each provider carries for records we created.
SYNC_KEY_META = ("externalId", "sync_key", "client_data_key")


def email_key(values: dict) -> str:
    """The match key of a record: its email, trimmed and lower-cased ('' when none)."""
    return normalize_email(values.get("email")) or ""


def sync_key_of(record: Record) -> str:
    """Our key on a record we created (NetSuite externalId, Google clientData), or ''."""
    meta = record.meta or {}
    client_data = meta.get("client_data") or {}
    key = client_data.get("contactsync_key") if isinstance(client_data, dict) else None
    return str(key or meta.get("externalId") or "")


def store_page(connection_id: int, side: str, records: list[Record]) -> int:
    """Upsert one page of records as pending changes; returns how many were stored.

    Deleted records only flag rows we know (a deletion of a record we never
    saw concerns no link).
    """
    live = [r for r in records if not r.deleted]
    deleted_ids = [r.id for r in records if r.deleted]
    if live:
        rows = [
            MirrorRecord(
                connection_id=connection_id,
                side=side,
                record_id=r.id,
                email_key=email_key(r.values)[:320],
                modified_at=r.modified_at,
                deleted=False,
                values=codec.encode_values(r.values),
                meta=codec.encode_values(r.meta or {}),
                sync_key=sync_key_of(r)[:64],
                pending=True,
            )
            for r in live
        ]
        MirrorRecord.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["connection", "side", "record_id"],
            update_fields=["email_key", "modified_at", "deleted", "values", "meta", "sync_key", "pending", "read_at"],
        )
    if deleted_ids:
        for start in range(0, len(deleted_ids), 500):
            MirrorRecord.objects.filter(
                connection_id=connection_id, side=side, record_id__in=deleted_ids[start : start + 500]
            ).update(deleted=True, pending=True)
    return len(records)
