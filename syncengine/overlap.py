"""Connections that share an account: never create a person another connection already links (pure).

Two connections overlap when they write to the same account: the same
NetSuite account (whatever the subsidiary or contact type: customers and
contacts of one NetSuite are the same people), or the same app account
(Google: both contact groups the same, or either one empty = all contacts).
Overlapping connections are allowed, and made safe by one rule, applied
where the engine is about to *create* a record on a target side:

    The record is not created when another connection whose account on that
    side is the same account already links a record there for the same
    person: a link with the same email (its match key) that still holds a
    record on that side (or whose create is in flight), or the link whose
    sync key the source record carries (where its app keeps our key: the
    record was written by that connection).

Such a record is logged as :attr:`~syncengine.choices.Outcome.EXCLUDED_OTHER_CONNECTION`,
naming the connection and its record; health counts it as excluded, not
failing. It is looked at again when it changes (or on a full resync).
Pairing by email with a record that already exists on the target side, in
the connection's own scope, is unchanged: the two connections then sync the
same record, which creates nothing.

This module decides; the runner fetches the other connections' links (one
query per chunk, only for records that would be created) and logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .choices import LinkState, Side

SIDE_LABELS = {Side.NETSUITE.value: "NetSuite", Side.APP.value: "the app"}
_DELETED_ON = {Side.NETSUITE.value: LinkState.DELETED_IN_NETSUITE, Side.APP.value: LinkState.DELETED_IN_APP}


@dataclass(frozen=True)
class ForeignLink:
    """A link of another connection whose account on ``target_side`` is the account we would create in."""

    connection_id: int
    connection_name: str
    key: str
    email: str
    target_id: str | None  # the linked record on the target side (None: its create was not confirmed yet)
    state: str

    def holds_record(self, target_side: str) -> bool:
        """Whether the link stands for a record on the target side: created, or being created."""
        if self.state == LinkState.CREATING:
            return True
        return bool(self.target_id) and self.state != _DELETED_ON[target_side]


@dataclass(frozen=True)
class Blocked:
    """Why a create is held back: the other connection's link, and whether it was found by sync key."""

    link: ForeignLink
    by_key: bool

    def message(self, target_side: str) -> str:
        where = SIDE_LABELS[target_side]
        record = f"record {self.link.target_id}" if self.link.target_id else "a record being created"
        found = (
            f"this record carries the sync key of that connection's link ({self.link.key}): it wrote it"
            if self.by_key
            else f"that connection links {self.link.email} there"
        )
        return (
            f"Not created in {where}: the connection “{self.link.connection_name}” shares that account and "
            f"already links this person ({where} {record}); {found}. A second copy would be a duplicate, so "
            "this connection leaves the person to it. The record is looked at again when it changes."
        )


class ForeignLinks:
    """The other connections' links that may block creates toward one side, indexed by sync key and email."""

    def __init__(self, target_side: str, links: Iterable[ForeignLink]):
        self.target_side = target_side
        holding = sorted(
            (link for link in links if link.holds_record(target_side)),
            key=lambda link: (link.connection_name, link.connection_id, link.key),
        )
        self.by_key = {link.key: link for link in holding}
        self.by_email: dict[str, ForeignLink] = {}
        for link in holding:
            if link.email:
                self.by_email.setdefault(link.email, link)  # the first by connection name: stable messages

    def blocker(self, email: str, sync_key: str) -> Blocked | None:
        """The link that forbids creating a record for a source record (its email key and sync key), or None.

        The sync key wins over the email: it names the very record the other
        connection wrote, even after an email changed on one side.
        """
        if sync_key and sync_key in self.by_key:
            return Blocked(self.by_key[sync_key], by_key=True)
        if email and email in self.by_email:
            return Blocked(self.by_email[email], by_key=False)
        return None


def scopes_overlap(scope: str, other: str) -> bool:
    """Whether two app scopes (a contact group; empty = all contacts) can hold the same contact."""
    return not scope or not other or scope == other
