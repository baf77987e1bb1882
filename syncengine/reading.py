"""The reading of a run: each side's changes since its cursor into the mirror, or a retry's records again by
id, and binding the records we created before a crash (our key on them) to their journaled links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connections.models import Connection
from connections.providers.errors import AuthenticationError

from . import lease
from .choices import LinkState, Side, other_side
from .mirror import store_page
from .models import MirrorRecord, RecordLink
from .pipeline.exclusions import natural
from .writer import Target

NS, APP = Side.NETSUITE.value, Side.APP.value


def slices(values, size: int = 500):
    """``values`` a slice at a time (a retry's ids in ``IN (...)`` lookups stay under SQLite's variable limit)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Reader:
    """Reads both sides of ``connection`` into its mirror for one run, renewing the run's lease as it goes."""

    def __init__(
        self,
        *,
        connection: Connection,
        holder: str,
        targets: dict[str, Target],
        counters: dict[str, Any],
        progress: Callable[[str, int, int | None], None],
    ):
        self.connection = connection
        self.holder = holder
        self.targets = targets
        self.counters = counters
        self.progress = progress

    def _account(self, side: str):
        return self.connection.netsuite_account if side == NS else self.connection.app_account

    def changes(self, side: str, cursor: str | None) -> str | None:
        """Read ``side``'s changes since ``cursor`` (everything when None) into the mirror, as pending
        records; return the new cursor (None when the provider gave none)."""
        target = self.targets[side]
        new_cursor, count = None, 0
        try:
            for page in target.client.read_changes(target.object_type, cursor, **target.scope):
                count += store_page(self.connection.pk, side, page.records)
                if page.cursor:
                    new_cursor = page.cursor
                self.counters["read"][side] += len(page.records)
                self.progress(f"reading {side}", count, None)
                lease.renew(self.connection.pk, self.holder)
        except AuthenticationError as exc:
            exc.account = self._account(side)
            raise
        return new_cursor

    def scope(self, scope: dict[str, list[str]]) -> tuple[dict[str, list[int]], int]:
        """A retry's reading: its records and their linked counterparts, again by id (``get_many``).

        What is read is stored in the mirror as pending changes, like any read, so the pairs are planned
        with both sides' current values. Returns the mirror rows to process per side (the scope's records,
        except live ones the API no longer returns: deleted since, or out of the connection's scope, which
        stay pending for the next ordinary run to settle), and how many of those there were. A provider
        without ``get_many`` is retried from the mirror's values.
        """
        wanted = {NS: set(scope.get(NS) or []), APP: set(scope.get(APP) or [])}
        to_read = {NS: set(wanted[NS]), APP: set(wanted[APP])}
        for side in (NS, APP):
            for ids in slices(wanted[side]):
                links = RecordLink.objects.filter(connection=self.connection, **{f"{side}_id__in": ids})
                to_read[other_side(side)].update(i for i in links.values_list(f"{other_side(side)}_id", flat=True) if i)
        missing = {NS: set(), APP: set()}
        for side in (NS, APP):
            ids = sorted(to_read[side], key=natural)
            if not ids:
                continue
            target = self.targets[side]
            try:
                records = target.client.get_many(target.object_type, ids, **target.scope)
            except NotImplementedError:
                continue
            except AuthenticationError as exc:
                exc.account = self._account(side)
                raise
            store_page(self.connection.pk, side, records)
            missing[side] = wanted[side] - {record.id for record in records}
            self.counters["read"][side] += len(records)
            self.progress(f"reading {side}", len(records), len(ids))
            lease.renew(self.connection.pk, self.holder)
        only = {NS: [], APP: []}
        for side in (NS, APP):
            for ids in slices(wanted[side]):
                rows = MirrorRecord.objects.filter(connection=self.connection, side=side, record_id__in=ids)
                only[side] += (
                    pk
                    for pk, record_id, deleted in rows.values_list("id", "record_id", "deleted")
                    if deleted or record_id not in missing[side]
                )
            only[side].sort()
        return only, sum(len(ids) for ids in missing.values())

    def bind_by_key(self) -> None:
        """Records we created (our key on them) whose create was never recorded: bind them."""
        creating = {
            link.key: link for link in RecordLink.objects.filter(connection=self.connection, state=LinkState.CREATING)
        }
        if not creating:
            return
        rows = MirrorRecord.objects.filter(connection=self.connection, sync_key__in=list(creating), deleted=False)
        for row in rows:
            link = creating[row.sync_key]
            if row.side == NS and not link.netsuite_id:
                link.netsuite_id = row.record_id
            elif row.side == APP and not link.app_id:
                link.app_id = row.record_id
            else:
                continue
            if link.netsuite_id and link.app_id:
                link.state = LinkState.LINKED
            link.save(update_fields=["netsuite_id", "app_id", "state", "updated_at"])
