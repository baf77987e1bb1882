"""Which records are not synced whatever the rules say (pure): no email, a duplicate email, or a record its
provider says is outside the connection's scope (and the record paired with it).

A record without a link is paired by email, so a record without one could only ever be created, again
and again on every side; and of several records of one side sharing an email, one is synced (a linked
one first, else the oldest) and the others are logged as duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from syncengine.choices import Outcome


@dataclass(frozen=True)
class Candidate:
    """A mirror record as pairing sees it: its id, and whether a link of this connection already holds it."""

    record_id: str
    linked: bool = False


@dataclass(frozen=True)
class Exclusion:
    """Why a record is not planned: the outcome logged for it, and the message."""

    outcome: str
    message: str


NO_EMAIL = Exclusion(Outcome.EXCLUDED_NO_EMAIL, "The record has no email, so it is not synced (to avoid duplicates).")
LINKED_ELSEWHERE = Exclusion(
    Outcome.DUPLICATE, "A record with this email on the other side is already linked to another record."
)


def natural(record_id: str) -> tuple[int, str]:
    """Sort key for "oldest": NetSuite ids grow, so shorter then smaller is older."""
    return (len(record_id), record_id)


def no_email(email_key: str | None) -> Exclusion | None:
    """:data:`NO_EMAIL` for a record without an email (``email_key`` is the normalised email)."""
    return None if email_key else NO_EMAIL


def owner_of(record_id: str, same_email: Iterable[Candidate]) -> str:
    """The record synced among ``same_email`` (the records of one side sharing an email, ``record_id``
    among them): a linked one first, then the oldest."""
    owners = sorted(same_email, key=lambda c: (not c.linked, natural(c.record_id)))
    return owners[0].record_id if owners else record_id


def duplicate(record_id: str, side_label: str, same_email: Iterable[Candidate]) -> Exclusion | None:
    """A :data:`~syncengine.choices.Outcome.DUPLICATE` exclusion when another record of the same side
    (``side_label``: "NetSuite" or "app") with the same email is the one synced."""
    owner = owner_of(record_id, same_email)
    if owner == record_id:
        return None
    return Exclusion(Outcome.DUPLICATE, f"Same email as {side_label} record {owner}, which is the one synced.")


def out_of_scope(reason: str | None) -> Exclusion | None:
    """An :data:`~syncengine.choices.Outcome.EXCLUDED_OUT_OF_SCOPE` exclusion for a record its provider
    marked outside the connection's scope (``reason``: the provider's words, ``Record.meta``)."""
    return Exclusion(Outcome.EXCLUDED_OUT_OF_SCOPE, reason) if reason else None


def paired_out_of_scope(reason: str | None, other_label: str, other_id: str) -> Exclusion | None:
    """The same exclusion for the record paired with one outside the scope (by link or email): syncing
    it would write to, or from, that record."""
    if not reason:
        return None
    return Exclusion(
        Outcome.EXCLUDED_OUT_OF_SCOPE, f"Paired with {other_label} record {other_id}, which is not synced: {reason}"
    )
