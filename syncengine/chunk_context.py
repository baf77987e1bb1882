"""What pairing a chunk of pending records needs from the database, loaded in a fixed number of queries:
their links, the live records of both sides sharing their emails (with whether a link holds each), their
linked counterparts, and the links of other connections that could stand for a record to create."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from connections.models import Connection

from .choices import Side
from .models import MirrorRecord, RecordLink
from .overlap import ForeignLink, ForeignLinks
from .pipeline.exclusions import Candidate

NS, APP = Side.NETSUITE.value, Side.APP.value
OTHER = {NS: APP, APP: NS}


@dataclass
class ChunkContext:
    """A chunk's surroundings. ``same_side``/``other_side``: email → the live records of each side with that
    email, as pairing candidates; ``other_rows``: those of the other side by record id; ``counterparts``:
    the linked records of the other side by record id; ``foreign``: other connections' links (None: no
    record of the chunk could be created)."""

    links: dict[str, RecordLink]
    same_side: dict[str, list[Candidate]]
    other_side: dict[str, list[Candidate]]
    other_rows: dict[str, MirrorRecord]
    counterparts: dict[str, MirrorRecord]
    foreign: ForeignLinks | None


def load_chunk_context(connection: Connection, side: str, rows: list[MirrorRecord]) -> ChunkContext:
    """Load the surroundings of ``rows``, pending records of ``side``."""
    other_side = OTHER[side]
    ids = [r.record_id for r in rows]
    links = {
        getattr(link, f"{side}_id"): link
        for link in RecordLink.objects.filter(connection=connection, **{f"{side}_id__in": ids})
    }
    emails = {r.email_key for r in rows if r.email_key and r.record_id not in links and not r.deleted}
    same_side: dict[str, list[MirrorRecord]] = defaultdict(list)
    other_by_email: dict[str, list[MirrorRecord]] = defaultdict(list)
    if emails:
        for m in MirrorRecord.objects.filter(connection=connection, email_key__in=emails, deleted=False):
            (same_side if m.side == side else other_by_email)[m.email_key].append(m)
    candidate_ids = {
        side: {m.record_id for group in same_side.values() for m in group},
        other_side: {m.record_id for group in other_by_email.values() for m in group},
    }
    linked_ids = {NS: set(), APP: set()}
    if candidate_ids[NS] or candidate_ids[APP]:
        for link in RecordLink.objects.filter(connection=connection).filter(
            Q(netsuite_id__in=candidate_ids[NS]) | Q(app_id__in=candidate_ids[APP])
        ):
            linked_ids[NS].add(link.netsuite_id)
            linked_ids[APP].add(link.app_id)
    foreign = _foreign_links(
        connection, other_side, [r for r in rows if r.email_key in emails and not other_by_email.get(r.email_key)]
    )
    other_ids = [getattr(link, f"{other_side}_id") for link in links.values() if getattr(link, f"{other_side}_id")]
    counterparts = {
        m.record_id: m
        for m in MirrorRecord.objects.filter(connection=connection, side=other_side, record_id__in=other_ids)
    }

    def candidates(groups: dict[str, list[MirrorRecord]], of_side: str) -> dict[str, list[Candidate]]:
        return {
            email: [Candidate(m.record_id, m.record_id in linked_ids[of_side]) for m in group]
            for email, group in groups.items()
        }

    return ChunkContext(
        links=links,
        same_side=candidates(same_side, side),
        other_side=candidates(other_by_email, other_side),
        other_rows={m.record_id: m for group in other_by_email.values() for m in group},
        counterparts=counterparts,
        foreign=foreign,
    )


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
