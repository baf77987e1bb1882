"""Pairing and the exclusions before any rule (pure, table-driven): a link first, else the oldest free record
with the same email on the other side, else a new record; no email and duplicate emails are not synced."""

from __future__ import annotations

import pytest

from syncengine.choices import LinkState, Outcome
from syncengine.pipeline.exclusions import LINKED_ELSEWHERE, NO_EMAIL, Candidate, duplicate, natural, owner_of
from syncengine.pipeline.pairing import COUNTERPART_DELETED, DELETED_BEFORE, Pairing, pair_linked, pair_unlinked

C = Candidate


@pytest.mark.parametrize(
    ("case", "record_id", "email", "same_side", "other_side", "claimed", "expected"),
    [
        ("no email: excluded", "7", "", [], [], set(), Pairing(excluded=NO_EMAIL)),
        ("no email wins over a match", "7", None, [], [C("a")], set(), Pairing(excluded=NO_EMAIL)),
        ("nobody else with the email: a new record there", "7", "al@x", [C("7")], [], set(), Pairing()),
        ("one free record there: matched", "7", "al@x", [C("7")], [C("p1")], set(), Pairing(other_id="p1")),
        (
            "several free records: the oldest (shorter, then smaller id)",
            "7",
            "al@x",
            [C("7")],
            [C("p10"), C("p9"), C("p2")],
            set(),
            Pairing(other_id="p2"),
        ),
        (
            "a linked record there is never matched: the free one is",
            "7",
            "al@x",
            [C("7")],
            [C("p1", linked=True), C("p2")],
            set(),
            Pairing(other_id="p2"),
        ),
        (
            "a record claimed earlier in the chunk is not matched twice",
            "7",
            "al@x",
            [C("7")],
            [C("p1"), C("p2")],
            {"p1"},
            Pairing(other_id="p2"),
        ),
        (
            "only linked records there: the email is taken, a duplicate",
            "7",
            "al@x",
            [C("7")],
            [C("p1", linked=True)],
            set(),
            Pairing(excluded=LINKED_ELSEWHERE),
        ),
        (
            "all records there claimed by the chunk and none linked: a new record",
            "7",
            "al@x",
            [C("7")],
            [C("p1")],
            {"p1"},
            Pairing(),
        ),
    ],
)
def test_an_unlinked_record_is_paired_by_email_with_the_oldest_free_record(
    case, record_id, email, same_side, other_side, claimed, expected
):
    assert pair_unlinked(record_id, email, "NetSuite", same_side, other_side, claimed) == expected, case


@pytest.mark.parametrize(
    ("case", "record_id", "same_side", "owner"),
    [
        ("alone: its own owner", "7", [C("7")], "7"),
        ("the oldest of the side is synced", "12", [C("12"), C("9")], "9"),
        ("a linked record is synced before an older free one", "9", [C("9"), C("12", linked=True)], "12"),
        ("no candidates (not in the mirror yet): its own owner", "7", [], "7"),
    ],
)
def test_of_records_sharing_an_email_a_linked_one_then_the_oldest_is_the_one_synced(case, record_id, same_side, owner):
    assert owner_of(record_id, same_side) == owner, case


def test_a_record_that_is_not_the_owner_of_its_email_is_a_duplicate_naming_the_owner():
    excluded = pair_unlinked("12", "al@x", "NetSuite", [C("12"), C("9")], [C("p1")])
    assert excluded == Pairing(excluded=duplicate("12", "NetSuite", [C("9")]))
    assert excluded.excluded.outcome == Outcome.DUPLICATE
    assert excluded.excluded.message == "Same email as NetSuite record 9, which is the one synced."
    assert duplicate("9", "app", [C("12"), C("9")]) is None


def test_oldest_is_shorter_then_smaller_id():
    assert sorted(["10", "9", "100", "11"], key=natural) == ["9", "10", "11", "100"]


@pytest.mark.parametrize(
    ("case", "state", "counterpart_deleted", "expected"),
    [
        ("a live link: planned", LinkState.LINKED, False, Pairing()),
        ("a link still being created: planned", LinkState.CREATING, False, Pairing()),
        (
            "the linked record was just deleted: its deletion decides the pair",
            LinkState.LINKED,
            True,
            Pairing(excluded=COUNTERPART_DELETED, counterpart_deletion=True),
        ),
        (
            "deleted in NetSuite before: not re-created",
            LinkState.DELETED_IN_NETSUITE,
            False,
            Pairing(excluded=DELETED_BEFORE),
        ),
        (
            "deleted in the app before: not re-created",
            LinkState.DELETED_IN_APP,
            False,
            Pairing(excluded=DELETED_BEFORE),
        ),
    ],
)
def test_a_linked_record_goes_with_its_linked_record_unless_a_deletion_settled_the_pair(
    case, state, counterpart_deleted, expected
):
    pairing = pair_linked(state, counterpart_deleted)
    assert pairing == expected, case
    if pairing.excluded is not None:
        assert pairing.excluded.outcome == Outcome.UNCHANGED
