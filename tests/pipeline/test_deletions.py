"""Deletion decisions and the safety valve (pure, table-driven)."""

from __future__ import annotations

import pytest

from connections.choices import DeletionPolicy
from syncengine.choices import LinkState, Outcome, Side
from syncengine.pipeline.deletions import (
    DELETE,
    MARK,
    NOTHING,
    DeletionDecision,
    Valve,
    decide_deletion,
    deletion_valve,
    done_outcome,
)

IGNORED = "Deleted on this side; the policy keeps the other side."


@pytest.mark.parametrize(
    ("case", "side", "linked", "policy", "blocked", "expected"),
    [
        ("not linked: nothing to do", Side.NETSUITE, False, DeletionPolicy.DELETE, False, NOTHING),
        ("not linked, even when blocked: nothing to do", Side.APP, False, DeletionPolicy.DELETE, True, NOTHING),
        (
            "ignore in NetSuite: logged, the link remembers",
            Side.NETSUITE,
            True,
            DeletionPolicy.IGNORE,
            False,
            DeletionDecision(
                outcome=Outcome.DELETION_IGNORED, message=IGNORED, link_state=LinkState.DELETED_IN_NETSUITE
            ),
        ),
        (
            "ignore in the app: logged, the link remembers",
            Side.APP,
            True,
            DeletionPolicy.IGNORE,
            False,
            DeletionDecision(outcome=Outcome.DELETION_IGNORED, message=IGNORED, link_state=LinkState.DELETED_IN_APP),
        ),
        (
            "ignore goes ahead even when the valve blocks",
            Side.APP,
            True,
            DeletionPolicy.IGNORE,
            True,
            DeletionDecision(outcome=Outcome.DELETION_IGNORED, message=IGNORED, link_state=LinkState.DELETED_IN_APP),
        ),
        (
            "delete: the linked record is deleted",
            Side.NETSUITE,
            True,
            DeletionPolicy.DELETE,
            False,
            DeletionDecision(action=DELETE),
        ),
        (
            "mark: the linked record is marked",
            Side.APP,
            True,
            DeletionPolicy.MARK,
            False,
            DeletionDecision(action=MARK),
        ),
        (
            "blocked by the valve: failed, kept pending",
            Side.NETSUITE,
            True,
            DeletionPolicy.MARK,
            True,
            DeletionDecision(outcome=Outcome.FAILED, message="too many", retry=True),
        ),
    ],
)
def test_a_deleted_record_is_ignored_deleted_marked_or_held_by_policy_and_valve(
    case, side, linked, policy, blocked, expected
):
    decision = decide_deletion(side, linked=linked, policy=policy, blocked=blocked, valve_message="too many")
    assert decision == expected, case
    assert decision.blocked is (expected.outcome == Outcome.FAILED)


def test_a_deletion_sent_and_accepted_is_logged_as_deleted_or_marked():
    assert (done_outcome(DELETE), done_outcome(MARK)) == (Outcome.DELETED, Outcome.MARKED_DELETED)


@pytest.mark.parametrize(
    ("case", "pending", "linked", "percent", "confirmed", "blocks", "uses_confirmation"),
    [
        ("no deletion", 0, 0, 10, False, False, False),
        ("under the limit", 1, 100, 10, False, False, False),
        ("exactly the limit", 10, 100, 10, False, False, False),
        ("over the limit: blocked", 11, 100, 10, False, True, False),
        ("over the limit, confirmed: goes ahead, using the confirmation", 11, 100, 10, True, False, True),
        ("deletions with no link left at all: blocked", 1, 0, 10, False, True, False),
        ("a confirmation is not used when under the limit", 1, 100, 10, True, False, False),
    ],
)
def test_the_safety_valve_blocks_more_deletions_than_the_percentage_unless_confirmed(
    case, pending, linked, percent, confirmed, blocks, uses_confirmation
):
    valve = deletion_valve(pending=pending, linked=linked, percent=percent, confirmed=confirmed)
    assert (valve.blocks, valve.uses_confirmation) == (blocks, uses_confirmation), case
    assert bool(valve.message) is blocks


def test_the_valve_message_says_how_many_and_how_to_go_ahead():
    assert deletion_valve(pending=30, linked=100, percent=10, confirmed=False) == Valve(
        blocks=True,
        message=(
            "Deletion safety valve: this run would delete or mark 30 of 100 linked records (more than 10%). "
            "Nothing was deleted; confirm the deletions on the connection in the admin to let the next run go ahead."
        ),
    )
