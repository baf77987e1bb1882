"""The undo of a run, decided per record (issue 20, item 1): pure table tests of
``syncengine.pipeline.undo``."""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome
from syncengine.pipeline.undo import (
    CreatedPolicy,
    FieldFate,
    RecordAction,
    plan_record_undo,
    undo_fields,
)


def same(field_id: str, a, b) -> bool:
    """Text compared ignoring case and blanks, empties alike (the merge's own comparison is injected in use)."""
    norm = lambda v: (v or "").strip().lower() if isinstance(v, str) or v is None else v  # noqa: E731
    return norm(a) == norm(b)


@pytest.mark.parametrize(
    ("before", "after", "now", "fate"),
    [
        ("Web", "Trade show", "Trade show", FieldFate.RESTORE),
        ("Web", "Trade show", " trade SHOW ", FieldFate.RESTORE),  # the same value for the merge
        ("Web", "Trade show", "Partner", FieldFate.CHANGED_SINCE),  # a person changed it since
        ("Web", "Trade show", "Web", FieldFate.ALREADY_BACK),
        (None, "Trade show", "Trade show", FieldFate.RESTORE),  # the run filled an empty field: emptied again
        (None, "Trade show", "", FieldFate.ALREADY_BACK),
        ("Web", None, None, FieldFate.RESTORE),  # the run cleared it: the value comes back
    ],
)
def test_a_field_is_restored_only_where_the_target_still_holds_the_run_value(before, after, now, fate):
    (field,) = undo_fields({"leadSource": [before, after]}, {"leadSource": now}, same)
    assert field.fate == fate and (field.before, field.after, field.current) == (before, after, now)


def test_an_update_restores_what_is_unchanged_and_keeps_what_changed_since_saying_which():
    undo = plan_record_undo(
        Outcome.UPDATED,
        {"leadSource": ["Web", "Trade show"], "title": ["CTO", "CEO"]},
        {"leadSource": "Trade show", "title": "Chair"},
        same=same,
        label={"leadSource": "Initial Lead Source", "title": "Job title"}.get,
    )
    assert undo.action == RecordAction.WRITE
    assert dict(undo.writes) == {"leadSource": "Web"}
    assert [f.field_id for f in undo.kept] == ["title"]
    assert undo.message == "Restored: Initial Lead Source. Changed since, kept: Job title."


def test_an_unsubscribe_is_never_undone_into_a_subscribe():
    undo = plan_record_undo(
        Outcome.UNSUBSCRIBED,
        {"globalSubscriptionStatus": [{"id": "1"}, {"id": "2"}], "phone": ["1", "2"]},
        {"globalSubscriptionStatus": {"id": "2"}, "phone": "2"},
        same=lambda f, a, b: a == b,
        subscription_field="globalSubscriptionStatus",
    )
    assert dict(undo.writes) == {"phone": "1"}
    assert "globalSubscriptionStatus" not in undo.writes
    assert undo.message == "Restored: phone. Kept: never re-subscribe."


def test_nothing_to_write_when_every_field_changed_since_or_is_back_already():
    changed = plan_record_undo(Outcome.UPDATED, {"title": ["CTO", "CEO"]}, {"title": "Chair"}, same=same)
    assert changed.action == RecordAction.NOTHING and changed.message == "Changed since, kept: title."
    back = plan_record_undo(Outcome.UPDATED, {"title": ["CTO", "CEO"]}, {"title": "CTO"}, same=same)
    assert back.action == RecordAction.NOTHING and "already" in back.message


@pytest.mark.parametrize(
    ("policy", "can_mark", "action"),
    [
        (CreatedPolicy.KEEP, True, RecordAction.KEEP),
        (CreatedPolicy.DELETE, True, RecordAction.DELETE),
        (CreatedPolicy.MARK, True, RecordAction.MARK),
        (CreatedPolicy.MARK, False, RecordAction.KEEP),  # the app cannot mark: kept, and said so
    ],
)
def test_a_created_record_is_kept_deleted_or_marked_as_the_operator_chose(policy, can_mark, action):
    undo = plan_record_undo(
        Outcome.CREATED, {"email": [None, "a@b.io"]}, {"email": "a@b.io"}, same=same, created=policy, can_mark=can_mark
    )
    assert undo.action == action and undo.message.startswith("Created by the run")


def test_deletions_are_restored_where_the_app_can_and_otherwise_said_impossible():
    assert plan_record_undo(Outcome.MARKED_DELETED, {}, None, same=same).action == RecordAction.RESTORE
    cannot = plan_record_undo(Outcome.MARKED_DELETED, {}, None, same=same, can_restore=False)
    assert cannot.action == RecordAction.CANNOT and "cannot bring it back" in cannot.message
    gone = plan_record_undo(Outcome.DELETED, {}, None, same=same)
    assert gone.action == RecordAction.CANNOT and "deleted this record" in gone.message


def test_a_record_gone_since_the_run_or_an_outcome_that_wrote_nothing():
    assert plan_record_undo(Outcome.UPDATED, {"title": ["a", "b"]}, None, same=same).action == RecordAction.CANNOT
    for outcome in (Outcome.UNCHANGED, Outcome.FAILED, Outcome.EXCLUDED_NO_EMAIL, Outcome.SKIPPED_BY_RULES):
        assert plan_record_undo(outcome, {"x": [1, 2]}, {"x": 2}, same=same).action == RecordAction.NOTHING


def test_an_undo_of_an_undo_gives_back_the_first_run_values():
    first = {"leadSource": ["Web", "Trade show"]}
    undo = plan_record_undo(Outcome.UPDATED, first, {"leadSource": "Trade show"}, same=same)
    # The undo run logs what it wrote the same way: before (the run's value) -> after (the value restored).
    undo_diff = {f: [after_before[1], value] for f, value in undo.writes.items() for after_before in [first[f]]}
    again = plan_record_undo(Outcome.UPDATED, undo_diff, {"leadSource": "Web"}, same=same)
    assert dict(again.writes) == {"leadSource": "Trade show"}


def test_a_field_back_already_that_the_link_still_remembers_at_the_run_value_is_written_again():
    # An undo stopped (a crash) after its write, before recording it: the link still says "Trade show".
    (field,) = undo_fields(
        {"leadSource": ["Web", "Trade show"]}, {"leadSource": "Web"}, same, remembered={"leadSource": "Trade show"}
    )
    assert field.fate == FieldFate.RESTORE
    (settled,) = undo_fields(
        {"leadSource": ["Web", "Trade show"]}, {"leadSource": "Web"}, same, remembered={"leadSource": "Web"}
    )
    assert settled.fate == FieldFate.ALREADY_BACK
