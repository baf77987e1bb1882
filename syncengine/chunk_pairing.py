"""The pair step of a run, for a chunk of pending records of one side.

What pairing needs is loaded from the database in a fixed number of queries (:func:`load_chunk_context`:
the chunk's links, the live records of both sides sharing their emails with whether a link holds each,
their linked counterparts, the links of other connections that could stand for a record to create); the
pure steps (:mod:`syncengine.pipeline`) decide; :class:`ChunkPairer` turns each record into a
:class:`~syncengine.pair_op.PairOp`, planned (:mod:`syncengine.pair_planning`) or logged as excluded.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from connections.models import Connection
from connections.providers.base import OUT_OF_SCOPE

from .choices import LinkState, Outcome, Side, direction_from, other_side
from .models import MirrorRecord, RecordLink
from .overlap import ForeignLink, ForeignLinks
from .pair_op import PairOp, identity
from .pair_planning import PairPlanner
from .pipeline.company_pairing import DOMAIN, NAME, STAGES, Stage, pair_company
from .pipeline.deletions import Valve, decide_deletion
from .pipeline.exclusions import Candidate, out_of_scope, paired_out_of_scope
from .pipeline.pairing import pair_linked, pair_unlinked
from .planner import PairPlan
from .sync_config import SyncConfig

NS, APP = Side.NETSUITE.value, Side.APP.value
SIDE_LABEL = {NS: "NetSuite", APP: "app"}


@dataclass
class ChunkContext:
    """A chunk's surroundings. ``same_side``/``across``: email → the live records of each side with that
    email, as pairing candidates; ``other_rows``: those of the other side by record id; ``counterparts``:
    the linked records of the other side by record id; ``foreign``: other connections' links (None: no
    record of the chunk could be created)."""

    links: dict[str, RecordLink]
    same_side: dict[str, list[Candidate]]
    other_side: dict[str, list[Candidate]]
    other_rows: dict[str, MirrorRecord]
    counterparts: dict[str, MirrorRecord]
    foreign: ForeignLinks | None


def load_chunk_context(
    connection: Connection, side: str, rows: list[MirrorRecord], company_stages: tuple[str, ...] | None = None
) -> ChunkContext:
    """Load the surroundings of ``rows``, pending records of ``side``. People are grouped by email; companies
    (``company_stages``: the match stages of a company connection) by ``(stage, key)``."""
    across = other_side(side)
    ids = [r.record_id for r in rows]
    links = {
        getattr(link, f"{side}_id"): link
        for link in RecordLink.objects.filter(connection=connection, **{f"{side}_id__in": ids})
    }
    unlinked = [r for r in rows if r.record_id not in links and not r.deleted]
    if company_stages is not None:
        same_side, other_by_email = _company_groups(connection, side, unlinked, company_stages)
        emails: set[str] = set()  # no other connection's links stand for a company (people only)
    else:
        emails = {r.email_key for r in unlinked if r.email_key}
        same_side = defaultdict(list)
        other_by_email = defaultdict(list)
        if emails:
            for m in MirrorRecord.objects.filter(connection=connection, email_key__in=emails, deleted=False):
                (same_side if m.side == side else other_by_email)[m.email_key].append(m)
    candidate_ids = {
        side: {m.record_id for group in same_side.values() for m in group},
        across: {m.record_id for group in other_by_email.values() for m in group},
    }
    linked_ids = {NS: set(), APP: set()}
    if candidate_ids[NS] or candidate_ids[APP]:
        for link in RecordLink.objects.filter(connection=connection).filter(
            Q(netsuite_id__in=candidate_ids[NS]) | Q(app_id__in=candidate_ids[APP])
        ):
            linked_ids[NS].add(link.netsuite_id)
            linked_ids[APP].add(link.app_id)
    foreign = _foreign_links(
        connection, across, [r for r in rows if r.email_key in emails and not other_by_email.get(r.email_key)]
    )
    other_ids = [getattr(link, f"{across}_id") for link in links.values() if getattr(link, f"{across}_id")]
    counterparts = {
        m.record_id: m for m in MirrorRecord.objects.filter(connection=connection, side=across, record_id__in=other_ids)
    }

    def candidates(groups: dict, of_side: str) -> dict:
        return {
            email: [Candidate(m.record_id, m.record_id in linked_ids[of_side]) for m in group]
            for email, group in groups.items()
        }

    return ChunkContext(
        links=links,
        same_side=candidates(same_side, side),
        other_side=candidates(other_by_email, across),
        other_rows={m.record_id: m for group in other_by_email.values() for m in group},
        counterparts=counterparts,
        foreign=foreign,
    )


def _company_groups(connection: Connection, side: str, rows: list[MirrorRecord], stages: tuple[str, ...]):
    """The live companies of each side sharing a match key of ``rows``, by ``(stage, key)``: one query."""
    wanted = {
        DOMAIN: {r.email_key for r in rows if r.email_key} if DOMAIN in stages else set(),
        NAME: {r.name_key for r in rows if r.name_key} if NAME in stages else set(),
    }
    same_side: dict[tuple[str, str], list[MirrorRecord]] = defaultdict(list)
    other: dict[tuple[str, str], list[MirrorRecord]] = defaultdict(list)
    if not wanted[DOMAIN] and not wanted[NAME]:
        return same_side, other
    query = Q(email_key__in=wanted[DOMAIN]) | Q(name_key__in=wanted[NAME])
    for m in MirrorRecord.objects.filter(query, connection=connection, deleted=False):
        for stage, key in ((DOMAIN, m.email_key), (NAME, m.name_key)):
            if key and key in wanted[stage]:
                (same_side if m.side == side else other)[(stage, key)].append(m)
    return same_side, other


def match_key(row: MirrorRecord) -> str:
    """What a link remembers it was matched by: the email (people), else the domain, else the name."""
    return row.email_key or row.name_key


def new_key() -> str:
    """Our idempotency key: each app stores it on the records we create, where its provider keeps it
    (``registry.sync_key_of`` reads it back)."""
    return "cs-" + uuid.uuid4().hex


def _foreign_links(connection: Connection, target: str, rows: list[MirrorRecord]) -> ForeignLinks | None:
    """The links of other connections sharing our ``target`` account that could stand for
    one of ``rows`` (the records that would be created there): one query, by email and sync key."""
    if not rows:
        return None
    emails = {row.email_key for row in rows}
    keys = {row.sync_key for row in rows if row.sync_key}
    account = "netsuite_account_id" if target == NS else "app_account_id"
    found = (
        RecordLink.objects.filter(
            Q(match_key__in=emails) | Q(key__in=keys),
            **{f"connection__{account}": getattr(connection, account)},
        )
        .exclude(connection_id=connection.pk)
        .values_list("connection_id", "connection__name", "key", "match_key", f"{target}_id", "state")
    )
    return ForeignLinks(target, (ForeignLink(*values) for values in found))


class ChunkPairer:
    """Pairs the chunks of one run. ``handled``: the pending records it decided as the other half of a
    pair (or as a counterpart's deletion); their own turn in the run is skipped."""

    def __init__(
        self,
        *,
        connection: Connection,
        config: SyncConfig,
        planner: PairPlanner,
        valve: Valve,
        counters: dict[str, Any],
    ):
        self.connection = connection
        self.config = config
        self.planner = planner
        self.valve = valve
        self.counters = counters
        self.handled: set[int] = set()

    def pair_and_plan(self, side: str, rows: list[MirrorRecord]) -> list[PairOp]:
        """Pair each pending record of a chunk of ``side``, and plan the pairs (or log why not)."""
        across = other_side(side)
        direction = direction_from(side)
        stages = STAGES[self.connection.company_matching] if self.connection.syncs_companies else None
        context = load_chunk_context(self.connection, side, rows, stages)
        self.planner.prefetch([*rows, *context.counterparts.values(), *context.other_rows.values()])
        ops: list[PairOp] = []
        claimed: set[str] = set()  # other-side records matched in this chunk
        for row in rows:
            link = context.links.get(row.record_id)
            op = PairOp(row=row, other=None, link=link, link_before=identity(link) if link else None)
            ops.append(op)
            if row.deleted:
                self.plan_deletion(op, side)
                continue
            unreadable = (row.meta or {}).get("unreadable")
            if unreadable:
                # A value we cannot read would look like a cleared field: do not sync
                # the record until it reads cleanly (it stays pending, retried each run).
                op.done = False
                problems = "; ".join(f"{field}: {message}" for field, message in sorted(unreadable.items()))
                op.outcomes.append((direction, Outcome.FAILED, f"Some values cannot be read: {problems}", {}))
                continue
            if link is None:
                if stages is not None:
                    pairing = self._pair_company(row, stages, context, claimed)
                else:
                    pairing = pair_unlinked(
                        row.record_id,
                        row.email_key,
                        SIDE_LABEL[side],
                        context.same_side.get(row.email_key, ()),
                        context.other_side.get(row.email_key, ()),
                        claimed,
                    )
                if pairing.excluded is None:
                    op.link = RecordLink(
                        connection=self.connection, key=new_key(), match_key=match_key(row), state=LinkState.CREATING
                    )
                    setattr(op.link, f"{side}_id", row.record_id)
                    op.new_link = True
                    if pairing.other_id is not None:
                        op.other = context.other_rows[pairing.other_id]
                        claimed.add(pairing.other_id)
                        setattr(op.link, f"{across}_id", pairing.other_id)
                        op.link.state = LinkState.LINKED
            else:
                other_id = getattr(link, f"{across}_id")
                op.other = context.counterparts.get(other_id) if other_id else None
                pairing = pair_linked(
                    link.state,
                    counterpart_deleted=op.other is not None
                    and op.other.pending
                    and op.other.deleted
                    and op.other.id not in self.handled,
                )
                if pairing.counterpart_deletion:
                    gone = PairOp(row=op.other, other=row, link=link, link_before=op.link_before)
                    self.plan_deletion(gone, across)
                    self.handled.add(op.other.id)
                    ops.append(gone)
                    op.link = None  # the pair is decided by the deletion
                elif pairing.excluded is None and match_key(row) and match_key(row) != link.match_key:
                    link.match_key = match_key(row)  # the link holds when an email (a domain) changes
            excluded = pairing.excluded or self._out_of_scope(op)
            if excluded is not None:
                op.outcomes.append((direction, excluded.outcome, excluded.message, {}))
                continue
            self.planner.plan(op, side)
            if op.other_handled:
                self.handled.add(op.other.id)
            if op.new_link and op.other is None and context.foreign is not None:
                self._hold_back_overlap(op, context.foreign)
        return ops

    def _pair_company(self, row: MirrorRecord, stages: tuple[str, ...], context: ChunkContext, claimed: set[str]):
        """Pair a company no link holds (:func:`~.pipeline.company_pairing.pair_company`)."""
        keys = {DOMAIN: row.email_key, NAME: row.name_key}
        return pair_company(
            row.record_id,
            [
                Stage(
                    stage,
                    keys[stage],
                    context.same_side.get((stage, keys[stage]), ()),
                    context.other_side.get((stage, keys[stage]), ()),
                )
                for stage in stages
            ],
            *self._labels(row.side),
            claimed,
        )

    def _labels(self, side: str) -> tuple[str, str]:
        """How ``side`` and the side across are named in messages: "NetSuite" and the app's label."""
        app = self.connection.app_account.provider_info.label
        return ("NetSuite", app) if side == NS else (app, "NetSuite")

    @staticmethod
    def _out_of_scope(op: PairOp):
        """The exclusion of a pair one of whose records its provider says is outside the scope."""
        own = out_of_scope((op.row.meta or {}).get(OUT_OF_SCOPE))
        if own is not None or op.other is None:
            return own
        other = op.other
        return paired_out_of_scope((other.meta or {}).get(OUT_OF_SCOPE), SIDE_LABEL[other.side], other.record_id)

    def plan_deletion(self, op: PairOp, side: str) -> None:
        """Decide what the deletion of ``op.row`` (of ``side``) does to its linked record."""
        link = op.link
        decision = decide_deletion(
            side,
            linked=link is not None
            and link.state == LinkState.LINKED
            and bool(getattr(link, f"{other_side(side)}_id")),
            policy=self.config.netsuite_deletions if side == NS else self.config.app_deletions,
            blocked=self.valve.blocks,
            valve_message=self.valve.message,
        )
        if decision.outcome is not None:
            op.outcomes.append((direction_from(side), decision.outcome, decision.message, {}))
        if decision.link_state is not None:
            link.state = decision.link_state
        if decision.retry:
            op.done = False
        if decision.blocked:
            self.counters["deletions_blocked"][side] += 1
        op.deletion = decision.action

    def _hold_back_overlap(self, op: PairOp, foreign: ForeignLinks) -> None:
        """Drop the planned create of a person another connection already links in the target account
        (see :mod:`syncengine.overlap`), and log why."""
        direction = direction_from(op.row.side)
        plan = op.plan.for_direction(direction)
        blocked = foreign.blocker(op.row.email_key, op.row.sync_key) if plan is not None and plan.create else None
        if blocked is None:
            return
        op.plan, op.link, op.new_link = PairPlan(), None, False
        op.outcomes.append((direction, Outcome.EXCLUDED_OTHER_CONNECTION, blocked.message(foreign.target_side), {}))
