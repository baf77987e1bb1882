"""The reading of a run: each side's changes since its cursor into the mirror, or a retry's records again by
id, and binding the records we created before a crash (our key on them) to their journaled links."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections as db_connections

from connections.models import Connection
from connections.providers.errors import AuthenticationError

from . import lease
from .bulk import slices
from .choices import LinkState, Side, other_side
from .match_keys import key_maker
from .mirror import store_page
from .models import MirrorRecord, RecordLink
from .pipeline.exclusions import natural
from .read_echoes import ReadEchoes
from .writer import Target

NS, APP = Side.NETSUITE.value, Side.APP.value
PAGES_AHEAD = 4  # pages the fetching thread may fetch ahead of their storing (memory stays bounded)
_END = object()  # the fetching thread's last item: no page left


class Reader:
    """Reads both sides of ``connection`` into its mirror for one run, renewing the run's lease as it goes."""

    def __init__(
        self,
        connection: Connection,
        holder: str,
        targets: dict[str, Target],
        counters: dict[str, Any],
        progress: Callable[[str, int, int | None], None],
        echoes: ReadEchoes | None = None,
    ):
        self.connection = connection
        self.holder = holder
        self.targets = targets
        self.counters = counters
        self.progress = progress
        self.echoes = echoes  # echoes taken out of the queue as soon as both sides are read (None: left to the planner)
        self._stop_fetching = threading.Event()

    def _account(self, side: str):
        return self.connection.netsuite_account if side == NS else self.connection.app_account

    def changes(self, cursors: dict[str, str | None]) -> dict[str, str | None]:
        """Read each side's changes since its cursor (everything when None) into the mirror, as pending
        records; return the new cursors (None when the provider gave none).

        Both sides are read at once: NetSuite's pages are fetched on a thread of their own while this one
        fetches the app's, so the reading takes as long as the slower side, not the sum of both. NetSuite's
        client is signed HTTP (it writes to the database only to remember a refused capability, on that
        thread's own connection, committed at once); an app's client may store a refreshed OAuth token
        through the ORM, so the app is read on the run's own thread (its database connection). Every page is
        stored into the mirror by this thread, in the order it arrived (one writer to the database), and
        the fetching thread never runs more than a few pages ahead."""
        new = {NS: None, APP: None}
        counts = {NS: 0, APP: 0}
        self._stop_fetching = threading.Event()
        pages: queue.Queue = queue.Queue(maxsize=PAGES_AHEAD)
        fetcher = threading.Thread(
            target=self._fetch, args=(NS, cursors.get(NS), pages), name="read-netsuite", daemon=True
        )
        fetcher.start()
        try:
            for page in self._pages(APP, cursors.get(APP)):
                self._store(APP, page, new, counts)
                while True:  # NetSuite's pages that came meanwhile
                    try:
                        item = pages.get_nowait()
                    except queue.Empty:
                        break
                    if not self._take(item, new, counts):
                        fetcher = None
                        break
            while fetcher is not None and self._take(pages.get(), new, counts):
                pass
        finally:
            self._stop_fetching.set()
            if fetcher is not None:
                fetcher.join(timeout=5)
        if self.echoes is not None:
            self.echoes.settle(self.counters)
        return new

    def _pages(self, side: str, cursor: str | None):
        target = self.targets[side]
        try:
            yield from target.client.read_changes(target.object_type, cursor, **target.scope)
        except AuthenticationError as exc:
            exc.account = self._account(side)
            raise

    def _fetch(self, side: str, cursor: str | None, pages: queue.Queue) -> None:
        """The fetching thread: each page into ``pages``, then the end (or the error that stopped it)."""
        try:
            for page in self._pages(side, cursor):
                while not self._put(pages, page):
                    if self._stop_fetching.is_set():
                        return
            self._put_until_stopped(pages, _END)
        except BaseException as exc:  # noqa: BLE001 - raised again by the reading thread
            self._put_until_stopped(pages, exc)
        finally:
            db_connections.close_all()  # this thread's own database connections, if the client opened any

    def _put(self, pages: queue.Queue, item) -> bool:
        try:
            pages.put(item, timeout=0.2)
        except queue.Full:
            return False
        return True

    def _put_until_stopped(self, pages: queue.Queue, item) -> None:
        while not self._put(pages, item) and not self._stop_fetching.is_set():
            pass

    def _take(self, item, new: dict, counts: dict) -> bool:
        """Store one item of the fetching thread (NetSuite's pages); False at its end. Its error is raised here."""
        if item is _END:
            return False
        if isinstance(item, BaseException):
            raise item
        self._store(NS, item, new, counts)
        return True

    def _store(self, side: str, page, new: dict, counts: dict) -> None:
        counts[side] += store_page(self.connection.pk, side, page.records, key_maker(self.connection, side))
        if self.echoes is not None:
            self.echoes.note(side, page.records)
        if page.cursor:
            new[side] = page.cursor
        self.counters["read"][side] += len(page.records)
        self.progress(f"reading {side}", counts[side], None)
        lease.renew(self.connection.pk, self.holder)

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
            store_page(self.connection.pk, side, records, key_maker(self.connection, side))
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
