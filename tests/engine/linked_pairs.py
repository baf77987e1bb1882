"""Pairs of records already linked by a first sync, the starting point of deletion scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connections.models import Connection
from syncengine.choices import RunStatus
from syncengine.models import RecordOutcome, SyncRun

from .contact_types import INDIVIDUAL_CUSTOMERS, ContactTypeCase, seed
from .harness import Sandboxes, sync
from .helpers import g_by_email


@dataclass(frozen=True)
class Pair:
    """A NetSuite record and the Google contact the first sync created for it."""

    email: str
    netsuite_id: int
    resource_name: str


def link_pairs(
    sandboxes: Sandboxes, connection: Connection, count: int, kind: ContactTypeCase = INDIVIDUAL_CUSTOMERS
) -> list[Pair]:
    """Seed ``count`` NetSuite records of ``kind``, sync them to Google, and return the linked pairs (in seed order).

    The records were last changed a minute before the first sync (not in the very second a read starts,
    which NetSuite's change cursor delivers once more), and a second run reads the created contacts back
    (echoes of our writes, nothing to do): the pairs are settled, and the next run sees only what the
    test changes.
    """
    emails = [f"person{index:03d}@example.com" for index in range(count)]
    stamp = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bodies = [
        kind.ns_body(f"P{index}", "Linked", email, dateCreated=stamp, lastModifiedDate=stamp)
        for index, email in enumerate(emails)
    ]
    ns_ids, _ = seed(sandboxes, kind, netsuite=bodies)
    for _ in range(2):
        run = sync(connection)
        assert run.status == RunStatus.SUCCEEDED, run.error
    assert not RecordOutcome.objects.filter(run=run).exists()
    people = g_by_email(sandboxes)
    assert sorted(people) == emails
    return [Pair(e, ns_id, people[e][0]["resourceName"]) for e, ns_id in zip(emails, ns_ids, strict=True)]


def outcome_set(run: SyncRun) -> set[tuple[str, str, str]]:
    """``(direction, outcome, email)`` of every outcome the run logged."""
    return set(RecordOutcome.objects.filter(run=run).values_list("direction", "outcome", "email"))


def group_members(sandboxes: Sandboxes, group_name: str) -> set[str]:
    """Resource names of the live contacts in the Google contact group called ``group_name`` (empty if none)."""
    group = sandboxes.google.store.group_by_name(group_name)
    if group is None:
        return set()
    return {
        person["resourceName"]
        for person in (
            sandboxes.google.person(name)
            for name, contact in sandboxes.google.store.contacts.items()
            if not contact.deleted
        )
        if any(
            m.get("contactGroupMembership", {}).get("contactGroupResourceName") == group.resource_name
            for m in person.get("memberships", [])
        )
    }
