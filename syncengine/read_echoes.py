"""Echoes recognised while reading: a record read back exactly as the link last recorded it (our own write,
or a change already synced) leaves the queue before any chunk is loaded, decoded and planned.

The planner recognises echoes too (:mod:`syncengine.pipeline.echo`), but only after loading the record and
its counterpart from the mirror and decoding both: most of what reading back our own writes cost. Here the
check runs on the values the provider just delivered, against the hashes of the page's links (one query per
page), and the rows are taken out of the queue once both sides are read, with the planner's rule: a pair is
an echo when every pending side of it is one. A record whose counterpart is pending with a real change stays
queued, and the planner decides the pair as before. Links planned with another configuration (a changed
mapping or rule) are never taken: their pairs are planned again.
"""

from __future__ import annotations

from connections.models import Connection
from connections.providers.base import Record
from mappings.addresses import AddressPart, parts_in, with_part_values

from .bulk import slices
from .choices import LinkState, Side, other_side
from .models import MirrorRecord, RecordLink, SyncRun
from .pipeline.echo import EchoCheck, is_echo
from .sync_config import SyncConfig


class ReadEchoes:
    """The echoes among the pages a run reads; :meth:`settle` takes them out of the queue."""

    def __init__(
        self,
        connection: Connection,
        fingerprint: str,
        field_ids: dict[str, tuple[str, ...]],
        parts: dict[str, tuple[AddressPart, ...]] | None = None,
    ):
        self.connection = connection
        self.fingerprint = fingerprint
        self.field_ids = field_ids
        # Per side: the mapped address parts, read off their address as the planner reads them (hashed too).
        self.parts = parts or {side.value: () for side in Side}
        # Per side: record id -> the linked record's id on the other side ("" when it has none yet).
        self.candidates: dict[str, dict[str, str]] = {side.value: {} for side in Side}

    @classmethod
    def for_run(cls, run: SyncRun, config: SyncConfig, fingerprint: str) -> ReadEchoes | None:
        """The echoes of an ordinary run; None for a dry run (it leaves the queue as it found it), a full
        resync (every pair is planned again) and a retry (it plans its own records)."""
        if run.dry_run or run.full or run.limited:
            return None
        field_ids = {side.value: config.mapped_field_ids(side.value) for side in Side}
        catalogs = {Side.NETSUITE.value: config.netsuite_catalog, Side.APP.value: config.app_catalog}
        parts = {
            side: tuple(part for part in parts_in(catalog) if part.field_id in field_ids[side])
            for side, catalog in catalogs.items()
        }
        return cls(run.connection, fingerprint, field_ids, parts)

    def note(self, side: str, records: list[Record]) -> None:
        """Note which live records of a stored page are echoes (a later delivery of one record decides)."""
        live = {record.id: record.values for record in records if not record.deleted}
        candidates = self.candidates[side]
        for record_id in live:
            candidates.pop(record_id, None)
        across = other_side(side)
        for ids in slices(list(live)):
            links = RecordLink.objects.filter(
                connection=self.connection,
                state=LinkState.LINKED,
                config_fingerprint=self.fingerprint,
                **{f"{side}_id__in": ids},
            ).values_list(f"{side}_id", f"{side}_hash", f"{across}_id")
            for record_id, stored_hash, other_id in links:
                if not stored_hash:
                    continue
                # The mapped parts are read off their address only for linked records: unlinked ones
                # (every record of an initial sync) cannot be echoes.
                values = with_part_values(live[record_id], self.parts[side])
                if is_echo(EchoCheck(values, self.field_ids[side], stored_hash)):
                    candidates[record_id] = other_id or ""

    def settle(self, counters) -> None:
        """Take the echoes out of the queue (their counterpart is not pending, or is an echo too) and count
        them as the planner would (``counters["echo"][side]``)."""
        for side in (Side.NETSUITE.value, Side.APP.value):
            candidates, across = self.candidates[side], other_side(side)
            if not candidates:
                continue
            others = sorted({other for other in candidates.values() if other})
            pending_others: set[str] = set()
            for ids in slices(others):
                pending_others.update(
                    MirrorRecord.objects.filter(
                        connection=self.connection, side=across, record_id__in=ids, pending=True
                    ).values_list("record_id", flat=True)
                )
            # A pending counterpart that is an echo too does not hold the pair back (both are taken).
            blocking = pending_others - set(self.candidates[across])
            echoes = sorted(record_id for record_id, other in candidates.items() if other not in blocking)
            for ids in slices(echoes):
                counters["echo"][side] += MirrorRecord.objects.filter(
                    connection=self.connection, side=side, record_id__in=ids, pending=True, deleted=False
                ).update(pending=False)
