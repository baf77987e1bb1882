"""Deletions in both directions under each policy (ignore, mark, delete), and the deletion safety valve,
over real HTTP against both sandboxes, for each NetSuite contact type (``kind``: see contact_types.py)."""

from __future__ import annotations

import pytest

from connections.choices import DeletionPolicy
from syncengine.choices import LinkState, Outcome, RunStatus
from syncengine.models import ConnectionState, RecordLink

from .contact_types import INDIVIDUAL_CUSTOMERS, google_touch, google_value
from .harness import sync
from .helpers import g_by_email, google_people, writes
from .linked_pairs import group_members, link_pairs, outcome_set

DELETED_GROUP = "Deleted in NetSuite"
# Ten linked pairs and one deletion: 10% of the links, exactly the default safety valve's limit (not above it).
PAIRS = 10


@pytest.fixture
def connection(typed_connection):
    """Every deletion scenario runs once per contact type: the connection is of the type ``kind``."""
    return typed_connection


def _set_policy(connection, **policies) -> None:
    for name, value in policies.items():
        setattr(connection, name, value)
    connection.save()


# --- deleted in NetSuite ----------------------------------------------------------------------------------------


def test_deleted_in_netsuite_under_ignore_keeps_the_google_contact(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    assert connection.netsuite_deletions == DeletionPolicy.IGNORE  # the default
    gone = pairs[3]
    sandboxes.netsuite.delete_record(kind.record_type, gone.netsuite_id)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_app", Outcome.DELETION_IGNORED, gone.email)}
    assert not sandboxes.google.store.contacts[gone.resource_name].deleted
    assert len(google_people(sandboxes)) == PAIRS
    assert group_members(sandboxes, DELETED_GROUP) == set()
    link = RecordLink.objects.get(connection=connection, netsuite_id=str(gone.netsuite_id))
    assert link.state == LinkState.DELETED_IN_NETSUITE


def test_deleted_in_netsuite_under_mark_moves_the_contact_to_the_deleted_group(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, netsuite_deletions=DeletionPolicy.MARK)
    gone = pairs[0]
    sandboxes.netsuite.delete_record(kind.record_type, gone.netsuite_id)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_app", Outcome.MARKED_DELETED, gone.email)}
    assert group_members(sandboxes, DELETED_GROUP) == {gone.resource_name}
    assert len(google_people(sandboxes)) == PAIRS  # marked, not deleted
    assert sorted(kind.ns_by_email(sandboxes)) == sorted(p.email for p in pairs[1:])


@pytest.mark.parametrize("kind", [INDIVIDUAL_CUSTOMERS], ids=str)  # the Google group, whatever the type (time)
def test_marks_in_later_runs_join_the_same_deleted_group(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, 20, kind)  # one deletion per run: 5%, under the safety valve
    _set_policy(connection, netsuite_deletions=DeletionPolicy.MARK)
    sandboxes.netsuite.delete_record(kind.record_type, pairs[0].netsuite_id)
    assert sync(connection).status == RunStatus.SUCCEEDED
    sandboxes.netsuite.delete_record(kind.record_type, pairs[1].netsuite_id)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ("to_app", Outcome.MARKED_DELETED, pairs[1].email) in outcome_set(run)
    assert group_members(sandboxes, DELETED_GROUP) == {pairs[0].resource_name, pairs[1].resource_name}
    groups = [g for g in sandboxes.google.store.groups.values() if g.name == DELETED_GROUP and not g.deleted]
    assert len(groups) == 1


def test_deleted_in_netsuite_under_delete_deletes_the_google_contact(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, netsuite_deletions=DeletionPolicy.DELETE)
    gone = pairs[5]
    sandboxes.netsuite.delete_record(kind.record_type, gone.netsuite_id)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_app", Outcome.DELETED, gone.email)}
    assert sandboxes.google.store.contacts[gone.resource_name].deleted
    assert sorted(g_by_email(sandboxes)) == sorted(p.email for p in pairs if p != gone)


# --- deleted in Google --------------------------------------------------------------------------------------------


def test_deleted_in_google_under_ignore_keeps_the_netsuite_record_active(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    assert connection.app_deletions == DeletionPolicy.IGNORE  # the default
    gone = pairs[2]
    sandboxes.google.delete(gone.resource_name)
    sandboxes.clear_logs()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_netsuite", Outcome.DELETION_IGNORED, gone.email)}
    record = sandboxes.netsuite.get_record(kind.record_type, gone.netsuite_id)
    assert record is not None and record["isInactive"] is False
    assert writes(sandboxes.requests()["netsuite"]) == []
    link = RecordLink.objects.get(connection=connection, app_id=gone.resource_name)
    assert link.state == LinkState.DELETED_IN_APP


def test_deleted_in_google_under_mark_makes_the_netsuite_record_inactive(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, app_deletions=DeletionPolicy.MARK)
    gone = pairs[7]
    sandboxes.google.delete(gone.resource_name)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_netsuite", Outcome.MARKED_DELETED, gone.email)}
    inactive = {r["email"] for r in kind.ns_records(sandboxes) if r["isInactive"]}
    assert inactive == {gone.email}
    assert len(kind.ns_records(sandboxes)) == PAIRS  # marked, not deleted


def test_deleted_in_google_under_delete_deletes_the_netsuite_record(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, app_deletions=DeletionPolicy.DELETE)
    gone = pairs[9]
    sandboxes.google.delete(gone.resource_name)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert outcome_set(run) == {("to_netsuite", Outcome.DELETED, gone.email)}
    assert sandboxes.netsuite.get_record(kind.record_type, gone.netsuite_id) is None
    assert sorted(kind.ns_by_email(sandboxes)) == sorted(p.email for p in pairs if p != gone)


@pytest.mark.parametrize("policy", DeletionPolicy.values)
def test_a_google_deletion_is_not_lost_when_the_netsuite_record_changed_in_an_unmapped_field(
    sandboxes, kind, connection, policy
):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, app_deletions=policy)
    gone = pairs[7]
    sandboxes.netsuite.touch(kind.record_type, gone.netsuite_id, fax="+1 555 0100")  # fax is not mapped
    sandboxes.google.delete(gone.resource_name)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    expected = {
        DeletionPolicy.IGNORE: Outcome.DELETION_IGNORED,
        DeletionPolicy.MARK: Outcome.MARKED_DELETED,
        DeletionPolicy.DELETE: Outcome.DELETED,
    }[policy]
    assert ("to_netsuite", expected, gone.email) in outcome_set(run)
    assert RecordLink.objects.get(connection=connection, netsuite_id=str(gone.netsuite_id)).state == (
        LinkState.DELETED_IN_APP
    )


def test_an_edit_in_netsuite_is_not_sent_to_a_contact_deleted_in_google(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    gone = pairs[7]
    edit = kind.netsuite_only  # a mapped field (the title; a company's notes)
    sandboxes.netsuite.touch(kind.record_type, gone.netsuite_id, **{edit.netsuite_field: edit.values[0]})
    sandboxes.google.delete(gone.resource_name)
    sandboxes.clear_logs()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ("to_netsuite", Outcome.DELETION_IGNORED, gone.email) in outcome_set(run)
    assert writes(sandboxes.requests()["google"]) == []
    assert sorted(g_by_email(sandboxes)) == sorted(p.email for p in pairs if p != gone)


def test_an_edit_in_google_does_not_bring_back_a_record_deleted_in_netsuite(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    gone = pairs[2]
    sandboxes.netsuite.delete_record(kind.record_type, gone.netsuite_id)
    google_touch(sandboxes, gone.resource_name, {kind.name_fields[0].app_field: "Edited"})  # given or company name
    sandboxes.clear_logs()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ("to_app", Outcome.DELETION_IGNORED, gone.email) in outcome_set(run)
    assert writes(sandboxes.requests()["netsuite"]) == []
    assert sorted(kind.ns_by_email(sandboxes)) == sorted(p.email for p in pairs if p != gone)
    kept = g_by_email(sandboxes)[gone.email][0]
    assert google_value(kept, kind.name_fields[0].app_field) == "Edited"  # kept as the user left it


@pytest.mark.parametrize(
    ("policy", "side"),
    [(policy, side) for policy in DeletionPolicy.values for side in ("netsuite", "google")],
)
def test_a_deleted_record_is_never_re_created_by_later_runs(sandboxes, kind, connection, policy, side):
    pairs = link_pairs(sandboxes, connection, PAIRS, kind)
    _set_policy(connection, netsuite_deletions=policy, app_deletions=policy)
    gone = pairs[4]
    if side == "netsuite":
        sandboxes.netsuite.delete_record(kind.record_type, gone.netsuite_id)
    else:
        sandboxes.google.delete(gone.resource_name)
    assert sync(connection).status == RunStatus.SUCCEEDED

    # The marked record changes again (Google: a new membership; NetSuite: isInactive); then two more runs.
    first, second = sync(connection), sync(connection)

    assert first.status == second.status == RunStatus.SUCCEEDED, first.error or second.error
    remaining = [p.email for p in pairs if p != gone]
    ns_emails, g_emails = kind.ns_by_email(sandboxes), g_by_email(sandboxes)
    deleted_side, other_side = (ns_emails, g_emails) if side == "netsuite" else (g_emails, ns_emails)
    assert sorted(deleted_side) == remaining
    expected_other = remaining if policy == DeletionPolicy.DELETE else [p.email for p in pairs]
    assert sorted(other_side) == sorted(expected_other)
    assert all(len(found) == 1 for found in [*ns_emails.values(), *g_emails.values()])
    assert not {o for o in outcome_set(second) if o[1] in (Outcome.CREATED, Outcome.FAILED)}


# --- the safety valve ---------------------------------------------------------------------------------------------
# It counts links, whatever their contact type: its scenarios run as Individual Customers only (time).
ONE_TYPE = pytest.mark.parametrize("kind", [INDIVIDUAL_CUSTOMERS], ids=str)


@ONE_TYPE
def test_safety_valve_blocks_mass_deletions_until_an_operator_confirms(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, 20, kind)
    _set_policy(connection, netsuite_deletions=DeletionPolicy.DELETE)
    assert connection.deletion_safety_percent == 10  # the default
    gone = pairs[:5]
    for pair in gone:
        sandboxes.netsuite.delete_record(kind.record_type, pair.netsuite_id)
    sandboxes.clear_logs()

    blocked = sync(connection)

    assert blocked.status == RunStatus.FAILED
    assert "safety valve" in blocked.error and "5 of 20" in blocked.error and "confirm" in blocked.error
    assert writes(sandboxes.requests()["google"]) == []
    assert len(google_people(sandboxes)) == 20
    state = ConnectionState.objects.get(connection=connection)
    assert state.deletions_awaiting_confirmation == 5 and not state.deletions_confirmed
    assert not {o for o in outcome_set(blocked) if o[1] in (Outcome.DELETED, Outcome.MARKED_DELETED)}

    still_blocked = sync(connection)  # nothing confirmed yet: the next run is held back too
    assert still_blocked.status == RunStatus.FAILED and "safety valve" in still_blocked.error
    assert len(google_people(sandboxes)) == 20

    state.deletions_confirmed = True
    state.save(update_fields=["deletions_confirmed"])
    confirmed = sync(connection)

    assert confirmed.status == RunStatus.SUCCEEDED, confirmed.error
    assert sorted(g_by_email(sandboxes)) == sorted(p.email for p in pairs[5:])
    assert {o for o in outcome_set(confirmed) if o[1] == Outcome.DELETED} == {
        ("to_app", Outcome.DELETED, p.email) for p in gone
    }
    state.refresh_from_db()
    assert not state.deletions_confirmed  # a confirmation is good for one run


@ONE_TYPE
def test_after_the_confirmed_deletions_nothing_awaits_confirmation(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, 20, kind)
    _set_policy(connection, netsuite_deletions=DeletionPolicy.DELETE)
    for pair in pairs[:5]:
        sandboxes.netsuite.delete_record(kind.record_type, pair.netsuite_id)
    assert sync(connection).status == RunStatus.FAILED
    ConnectionState.objects.filter(connection=connection).update(deletions_confirmed=True)

    assert sync(connection).status == RunStatus.SUCCEEDED

    state = ConnectionState.objects.get(connection=connection)
    assert (state.deletions_awaiting_confirmation, state.deletions_confirmed) == (0, False)


@ONE_TYPE
def test_safety_valve_is_not_tripped_by_deletions_under_ignore(sandboxes, kind, connection):
    pairs = link_pairs(sandboxes, connection, 20, kind)
    for pair in pairs[:5]:
        sandboxes.netsuite.delete_record(kind.record_type, pair.netsuite_id)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert {o[1] for o in outcome_set(run)} == {Outcome.DELETION_IGNORED}
    assert ConnectionState.objects.get(connection=connection).deletions_awaiting_confirmation == 0
