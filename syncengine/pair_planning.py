"""Planning one pair from the mirror: decode both records, skip echoes, apply the configuration's changes
since the pair was last planned, then ask the pure planner (:func:`syncengine.planner.plan_pair`).

This is the runner's bridge between the ORM rows of a :class:`~syncengine.pair_op.PairOp` and the plain
values the pure steps take; it reads and writes no database row itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from mappings.addresses import parts_in, with_part_values

from . import codec
from .choices import LinkState, Side, direction_from, other_side
from .pair_op import PairOp
from .pipeline.company_refs import CompanyIds, app_values_in_netsuite_ids, ids_of, settle_company_writes
from .pipeline.echo import EchoCheck, pair_is_echo
from .planner import SideRecord, plan_pair
from .replan import new_slots
from .sync_config import SyncConfig

NS, APP = Side.NETSUITE.value, Side.APP.value


class PairPlanner:
    """Plans the pairs of one run with its configuration (``config``, whose fingerprint is ``fingerprint``;
    ``planned_slots``: the mappings of each fingerprint the links were planned with)."""

    def __init__(
        self,
        *,
        config: SyncConfig,
        fingerprint: str,
        planned_slots: dict,
        counters: dict[str, Any],
        now: datetime,
        load_company_ids: Callable[[int, set[str], set[str]], CompanyIds] | None = None,
    ):
        self.config = config
        self.fingerprint = fingerprint
        self.planned_slots = planned_slots
        self.counters = counters
        self.now = now
        self.planned_links: set[int] = set()  # links planned in this run
        self._field_ids = {NS: config.mapped_field_ids(NS), APP: config.mapped_field_ids(APP)}
        # The address parts of each side's catalog: a record's part values are read off its address.
        self._parts = {NS: parts_in(config.netsuite_catalog), APP: parts_in(config.app_catalog)}
        # A contact's company as a link to a company record: translated through the company connection's
        # links of the chunk (pipeline.company_refs), loaded by :meth:`prefetch`.
        self._load_company_ids = load_company_ids
        self._company_ids = CompanyIds()

    def prefetch(self, rows: Iterable[Any]) -> None:
        """Load the company links the records of a chunk (``rows``: mirror rows of both sides, the chunk's
        and those it may be paired with) need: one query, none without company mappings."""
        refs, connection_id = self.config.company_refs, self.config.company_connection_id
        if not refs or connection_id is None or self._load_company_ids is None:
            return
        values = {NS: [], APP: []}
        for row in rows:
            if row is not None and not row.deleted:
                values[row.side].append(codec.decode_values(row.values))
        self._company_ids = self._load_company_ids(
            connection_id,
            ids_of(values[NS], [ref.netsuite_field for ref in refs]),
            ids_of(values[APP], [ref.app_field for ref in refs]),
        )

    def plan(self, op: PairOp, side: str) -> None:
        """Fill ``op.plan`` for the pair brought up by ``op.row`` of ``side`` (nothing for an echo), and
        mark its other record handled when that one was pending too."""
        link = op.link
        across = other_side(side)
        row_values = with_part_values(codec.decode_values(op.row.values), self._parts[side])
        other_values = (
            with_part_values(codec.decode_values(op.other.values), self._parts[across])
            if op.other and not op.other.deleted
            else None
        )
        unlinked: dict[str, str] = {}
        if self.config.company_refs:
            ns_values, app_values = (row_values, other_values) if side == NS else (other_values, row_values)
            app_values, unlinked = app_values_in_netsuite_ids(
                app_values, self.config.company_refs, self._company_ids, ns_values
            )
            row_values, other_values = (row_values, app_values) if side == NS else (app_values, other_values)
        other_id = getattr(link, f"{across}_id")
        snapshot = {
            NS: codec.decode_values(link.netsuite_snapshot) if link.netsuite_snapshot else None,
            APP: codec.decode_values(link.app_snapshot) if link.app_snapshot else None,
        }
        if other_values is None and other_id and not op.new_link:
            # Linked, but the other record is not in the mirror (created by us, not read back yet).
            other_values = snapshot[across] or {}
        values = {side: row_values, across: other_values}
        # Planned with another configuration: every mapping and rule is applied
        # again, both ways (its own mappings new to the pair have no base).
        stale = not op.new_link and link.config_fingerprint != self.fingerprint
        fresh = (
            new_slots(self.config.slots, self.planned_slots.get(link.config_fingerprint), snapshot[NS], snapshot[APP])
            if stale
            else frozenset()
        )
        if link.pk:
            self.planned_links.add(link.pk)
        other_pending = op.other is not None and op.other.pending
        # Up to date? Our own writes come back with the hashes we stored (echoes).
        # (Not for a stale pair: an echo of the old configuration's writes.)
        if not op.new_link and link.state == LinkState.LINKED and not stale:
            if pair_is_echo(
                self._echo_check(side, row_values, link),
                self._echo_check(across, other_values or {}, link) if other_pending else None,
            ):
                self.counters["echo"][side] += 1
                if other_pending:
                    self.counters["echo"][across] += 1
                    op.other_handled = True
                return
        changed = {side: op.row.pending or not stale, across: other_pending}
        if stale:
            op.replanned = {direction_from(s) for s in (NS, APP) if not changed[s]}
        ns, app = (
            SideRecord(link.netsuite_id, values[NS], snapshot[NS], _modified(op, NS), changed=changed[NS] or stale),
            SideRecord(link.app_id, values[APP], snapshot[APP], _modified(op, APP), changed=changed[APP] or stale),
        )
        op.ns_values, op.app_values = values[NS], values[APP]
        config = self._readable_config(op, side, values[NS])
        op.plan = plan_pair(config, ns, app, now=self.now, exists_before=not op.new_link, fresh_slots=fresh)
        if self.config.company_refs:
            op.app_overrides = settle_company_writes(op.plan, self.config.company_refs, self._company_ids, unlinked)
        if other_pending:
            op.other_handled = True

    def _echo_check(self, side: str, values: dict, link) -> EchoCheck:
        return EchoCheck(values, self._field_ids[side], getattr(link, f"{side}_hash"))

    def _readable_config(self, op: PairOp, side: str, ns_values: dict | None) -> SyncConfig:
        """The configuration without the mappings whose NetSuite field the mirror does not hold for this pair.

        NetSuite reads the fields of the cached catalog: a record read before a
        field joined it (*Refresh field catalogs*) has no value for it in the
        mirror, which is not an empty value. Its mappings wait, for that pair,
        until the record is read again (a change of it, or a full resync),
        rather than blank it or let the other side overwrite it; the pair keeps
        its old fingerprint and the run names the field. (Google's values
        always hold every field: an absent custom key is an empty one.)
        """
        read_from_mirror = side == NS or (op.other is not None and not op.other.deleted)
        if ns_values is None or not read_from_mirror:
            return self.config
        unread = {slot.key for slot in self.config.slots if slot.netsuite.id not in ns_values}
        if not unread:
            return self.config
        op.keep_stale = True
        for slot in self.config.slots:
            if slot.key in unread:
                self.counters["unread_in_mirror"][slot.netsuite.id] += 1
        return replace(self.config, slots=[slot for slot in self.config.slots if slot.key not in unread])

    def report_unread(self) -> None:
        """Name the NetSuite fields some pairs could not be planned with (see :meth:`_readable_config`)."""
        for field_id, count in sorted(self.counters.get("unread_in_mirror", {}).items()):
            self.config.problems.append(
                f"the NetSuite field {field_id} was not applied to {count} linked record(s): they were read before "
                "it was in the field catalog; a Full resync reads them again"
            )


def _modified(op: PairOp, side: str):
    row = op.row if op.row.side == side else op.other
    return row.modified_at if row else None
