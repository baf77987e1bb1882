"""Undo of a run through the engine, over HTTP against the NetSuite and Google sandboxes (issue 20): a rule action
set fields on both sides; the undo puts back every value the run wrote where the target still holds it, keeps
(and says so) what a person changed since, and the next run writes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from connections.choices import DeletionPolicy
from mappings.catalog_cache import refresh_catalog
from rules.choices import ApplyOn
from syncengine.choices import Outcome, RunStatus, Trigger
from syncengine.models import RecordOutcome, SyncRun
from syncengine.runner import run_sync
from syncengine.services import confirm_deletions

from .contact_types import INDIVIDUAL_CUSTOMERS
from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, seed, writes
from .linked_pairs import group_members, link_pairs
from .rule_setup import add_action, default_rule

DELETED_GROUP = "Deleted in NetSuite"

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 500


def undo(run: SyncRun, *, dry_run: bool = False, created: str = "") -> SyncRun:
    undo_run = SyncRun.objects.create(
        connection=run.connection, trigger=Trigger.UNDO, undoes=run, dry_run=dry_run, undo_created=created
    )
    return run_sync(undo_run.pk)


def counts(run: SyncRun) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for direction, outcome in RecordOutcome.objects.filter(run=run).values_list("direction", "outcome"):
        found[(direction, outcome)] = found.get((direction, outcome), 0) + 1
    return found


def _lead_source(connection, sandboxes) -> str:
    """The lead sources "Trade show" (its id returned) and "Partner event", as options of the catalog."""
    campaigns = [{"title": "Trade show", "campaignId": "TS"}, {"title": "Partner event", "campaignId": "PE"}]
    created = sandboxes.netsuite.seed({"records": {"campaign": campaigns}})
    refresh_catalog(connection.netsuite_account, connection.contact_type)  # the new lead sources become options
    return str(created["created"]["campaign"][0])


def test_an_undo_restores_what_a_rule_action_wrote_on_both_sides_and_the_next_run_writes_nothing(sandboxes, connection):
    seed(sandboxes, google=[g_person(f"P{i}", "Person", f"p{i}@people.io") for i in range(PEOPLE)])
    assert sync(connection).status == RunStatus.SUCCEEDED  # everyone created in NetSuite, no lead source
    campaign = _lead_source(connection, sandboxes)
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    add_action(default_rule(connection, "to_app"), "organization.title", "Customer", on=ApplyOn.BOTH)
    action_run = sync(connection)  # a configuration change: every pair re-planned, both actions applied
    assert action_run.status == RunStatus.SUCCEEDED, action_run.error
    people = ns_by_email(sandboxes)
    assert all(records[0]["leadSource"]["id"] == campaign for records in people.values())
    assert all(people[0]["organizations"][0]["title"] == "Customer" for people in g_by_email(sandboxes).values())

    preview = undo(action_run, dry_run=True)
    assert preview.status == RunStatus.SUCCEEDED, preview.error
    assert counts(preview) == {("to_netsuite", Outcome.UPDATED): PEOPLE, ("to_app", Outcome.UPDATED): PEOPLE}
    assert ns_by_email(sandboxes)["p0@people.io"][0]["leadSource"]["id"] == campaign  # the preview wrote nothing

    undone = undo(action_run)
    assert undone.status == RunStatus.SUCCEEDED, undone.error
    assert counts(undone) == {("to_netsuite", Outcome.UPDATED): PEOPLE, ("to_app", Outcome.UPDATED): PEOPLE}
    assert all(not records[0].get("leadSource") for records in ns_by_email(sandboxes).values())
    google = g_by_email(sandboxes).values()
    assert all(not (people[0].get("organizations") or [{}])[0].get("title") for people in google)

    sandboxes.clear_logs()
    after = sync(connection)
    assert after.status == RunStatus.SUCCEEDED, after.error
    assert counts(after) == {}
    assert writes(sandboxes.requests()["google"]) == [] and writes(sandboxes.requests()["netsuite"]) == []


def test_a_field_a_person_changed_after_the_run_is_kept_and_the_outcome_says_why(
    sandboxes, connection, django_user_model, mailoutbox
):
    seed(sandboxes, google=[g_person("Ada", "Lovelace", "ada@people.io"), g_person("Bob", "Byte", "bob@people.io")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    trade_show = _lead_source(connection, sandboxes)
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    action_run = sync(connection)
    assert action_run.status == RunStatus.SUCCEEDED
    ada = ns_by_email(sandboxes)["ada@people.io"][0]
    partner_event = str(int(trade_show) + 1)
    sandboxes.netsuite.touch("customer", int(ada["id"]), leadSource={"id": partner_event}, comments="Called back")

    owner = django_user_model.objects.create_user("owen", email="owen@ops.io")
    connection.owners.add(owner)
    undone = SyncRun.objects.create(connection=connection, trigger=Trigger.UNDO, undoes=action_run, requested_by=owner)
    undone = run_sync(undone.pk)

    assert undone.status == RunStatus.SUCCEEDED, undone.error
    # The owners are told who undid which run, when, and what it did.
    (mail,) = [m for m in mailoutbox if "undone" in m.subject]
    assert mail.subject == f"[{connection.name}] Run {action_run.pk} was undone by owen" and mail.to == ["owen@ops.io"]
    assert f"Run {undone.pk} undid run {action_run.pk}" in mail.body and "1 unchanged, 1 updated" in mail.body
    kept = RecordOutcome.objects.get(run=undone, email="ada@people.io", direction="to_netsuite")
    assert kept.outcome == Outcome.UNCHANGED
    assert kept.message == f"Undo of run {action_run.pk}: Changed since, kept: Lead Source."
    assert ns_by_email(sandboxes)["ada@people.io"][0]["leadSource"]["id"] == partner_event
    restored = RecordOutcome.objects.get(run=undone, email="bob@people.io", direction="to_netsuite")
    assert restored.outcome == Outcome.UPDATED
    assert not ns_by_email(sandboxes)["bob@people.io"][0].get("leadSource")
    # The person's comment is still synced by the next ordinary run: the undo swallowed none of it.
    after = sync(connection)
    assert after.status == RunStatus.SUCCEEDED, after.error
    assert g_by_email(sandboxes)["ada@people.io"][0]["biographies"][0]["value"] == "Called back"


def test_the_undo_command_previews_then_undoes_with_the_sync_command_exit_codes(sandboxes, connection):
    seed(sandboxes, google=[g_person("Ada", "Lovelace", "ada@people.io")])
    first = sync(connection)
    assert first.status == RunStatus.SUCCEEDED
    dry = sync(connection, dry_run=True)
    with pytest.raises(CommandError, match="A dry run wrote nothing"):
        call_command("undo_run", str(dry.pk))
    with pytest.raises(CommandError, match="There is no run with id 999999"):
        call_command("undo_run", "999999")

    out = io.StringIO()
    call_command("undo_run", str(first.pk), "--dry-run", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["undoes"], summary["dry_run"], summary["status"]) == (first.pk, True, RunStatus.SUCCEEDED)
    # The run created Ada in NetSuite; by default an undo keeps what the run created, and says so.
    assert summary["counters"]["to_netsuite"] == {Outcome.UNCHANGED: 1}
    kept = RecordOutcome.objects.get(run_id=summary["run"])
    assert kept.message == f"Dry run: would be unchanged. Undo of run {first.pk}: Created by the run: kept."
    assert len(ns_by_email(sandboxes)["ada@people.io"]) == 1


def test_an_undo_of_an_undo_gives_back_the_first_run_values(sandboxes, connection):
    seed(sandboxes, google=[g_person("Ada", "Lovelace", "ada@people.io"), g_person("Bob", "Byte", "bob@people.io")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    trade_show = _lead_source(connection, sandboxes)
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    action_run = sync(connection)
    first = undo(action_run)
    assert all(not records[0].get("leadSource") for records in ns_by_email(sandboxes).values())

    again = undo(first)

    assert again.status == RunStatus.SUCCEEDED, again.error
    assert counts(again) == {("to_netsuite", Outcome.UPDATED): 2}
    assert all(records[0]["leadSource"]["id"] == trade_show for records in ns_by_email(sandboxes).values())
    sandboxes.clear_logs()
    # A value a rule action wrote (not a mapped field) makes the read-back look changed, as after the action run
    # itself: the pair is planned again and found unchanged. Nothing is written.
    assert set(counts(sync(connection))) <= {("to_app", Outcome.UNCHANGED)}
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []


def _linked_people(sandboxes, connection, count: int) -> None:
    seed(sandboxes, google=[g_person(f"L{i}", "Linked", f"l{i}@people.io") for i in range(count)])
    assert sync(connection).status == RunStatus.SUCCEEDED


def test_records_the_run_created_are_kept_by_default_or_deleted_within_the_safety_valve(sandboxes, connection):
    _linked_people(sandboxes, connection, 20)
    seed(sandboxes, google=[g_person("New", "Person", "new@people.io")])
    creating = sync(connection)
    assert counts(creating) == {("to_netsuite", Outcome.CREATED): 1}

    kept = undo(creating)
    assert counts(kept) == {("to_netsuite", Outcome.UNCHANGED): 1}
    assert len(ns_by_email(sandboxes)["new@people.io"]) == 1

    deleted = undo(creating, created="delete")  # 1 of 21 linked records: within the valve's 10%
    assert deleted.status == RunStatus.SUCCEEDED, deleted.error
    assert counts(deleted) == {("to_netsuite", Outcome.DELETED): 1}
    assert "new@people.io" not in ns_by_email(sandboxes)
    assert len(g_by_email(sandboxes)["new@people.io"]) == 1  # the app's record stays: the undo deleted the copy
    sandboxes.clear_logs()
    assert counts(sync(connection)) == {}  # the copy is not created again
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []


def test_deleting_more_created_records_than_the_valve_allows_waits_for_confirmation(sandboxes, connection):
    _linked_people(sandboxes, connection, 4)
    seed(sandboxes, google=[g_person(f"N{i}", "New", f"n{i}@people.io") for i in range(3)])
    creating = sync(connection)
    assert counts(creating) == {("to_netsuite", Outcome.CREATED): 3}

    blocked = undo(creating, created="delete")  # 3 of 7 linked: more than 10%

    assert blocked.status != RunStatus.SUCCEEDED
    assert counts(blocked) == {("to_netsuite", Outcome.FAILED): 3}
    assert "Deletion safety valve" in RecordOutcome.objects.filter(run=blocked).first().message
    assert all(len(ns_by_email(sandboxes)[f"n{i}@people.io"]) == 1 for i in range(3))
    connection.sync_state.refresh_from_db()
    assert connection.sync_state.deletions_awaiting_confirmation == 3

    assert confirm_deletions(connection) == 3
    confirmed = undo(creating, created="delete")
    assert confirmed.status == RunStatus.SUCCEEDED, confirmed.error
    assert counts(confirmed) == {("to_netsuite", Outcome.DELETED): 3}
    assert not any(f"n{i}@people.io" in ns_by_email(sandboxes) for i in range(3))
    connection.sync_state.refresh_from_db()
    assert not connection.sync_state.deletions_confirmed  # the confirmation is used up


@pytest.mark.parametrize("kind", [INDIVIDUAL_CUSTOMERS], ids=str)
def test_records_the_run_marked_deleted_are_restored_on_each_side(sandboxes, kind, typed_connection):
    connection = typed_connection
    pairs = link_pairs(sandboxes, connection, 20, kind)  # two deletions: 10%, within the safety valve
    connection.netsuite_deletions = connection.app_deletions = DeletionPolicy.MARK
    connection.save()
    in_google, in_netsuite = pairs[0], pairs[1]
    sandboxes.netsuite.delete_record(kind.record_type, in_google.netsuite_id)  # marks the Google contact
    sandboxes.google.delete(in_netsuite.resource_name)  # marks the NetSuite record inactive
    marking = sync(connection)
    assert counts(marking) == {("to_app", Outcome.MARKED_DELETED): 1, ("to_netsuite", Outcome.MARKED_DELETED): 1}
    assert group_members(sandboxes, DELETED_GROUP) == {in_google.resource_name}
    assert {r["email"] for r in kind.ns_records(sandboxes) if r["isInactive"]} == {in_netsuite.email}

    preview = undo(marking, dry_run=True)
    assert counts(preview) == {("to_app", Outcome.RESTORED): 1, ("to_netsuite", Outcome.RESTORED): 1}
    assert group_members(sandboxes, DELETED_GROUP) == {in_google.resource_name}  # the preview wrote nothing

    restored = undo(marking)

    assert restored.status == RunStatus.SUCCEEDED, restored.error
    assert counts(restored) == {("to_app", Outcome.RESTORED): 1, ("to_netsuite", Outcome.RESTORED): 1}
    assert group_members(sandboxes, DELETED_GROUP) == set()
    assert not any(r["isInactive"] for r in kind.ns_records(sandboxes))
    sandboxes.clear_logs()
    after = sync(connection)
    assert after.status == RunStatus.SUCCEEDED, after.error
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []


def test_undoing_a_run_older_than_a_later_run_on_the_same_field_keeps_the_later_value(sandboxes, connection):
    seed(sandboxes, google=[g_person("Ada", "Lovelace", "ada@people.io")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    _lead_source(connection, sandboxes)
    action = add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    older = sync(connection)
    action.value = {"name": "Partner event"}
    action.full_clean()
    action.save()
    later = sync(connection)  # the changed rule sets the same field again
    assert counts(later)[("to_netsuite", Outcome.UPDATED)] >= 1
    assert ns_by_email(sandboxes)["ada@people.io"][0]["leadSource"]["refName"] == "Partner event"

    undone = undo(older)

    ada = RecordOutcome.objects.get(run=undone, email="ada@people.io", direction="to_netsuite")
    assert ada.outcome == Outcome.UNCHANGED and "Changed since, kept: Lead Source" in ada.message
    assert ns_by_email(sandboxes)["ada@people.io"][0]["leadSource"]["refName"] == "Partner event"
