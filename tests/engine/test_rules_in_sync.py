"""Rules in the sync, over real HTTP against both sandboxes: a rule that keeps a record out and later lets it in,
a synced record that no longer matches, and actions that set fields on the target in each direction."""

from __future__ import annotations

from mappings.catalog_cache import refresh_catalog
from rules.choices import ApplyOn
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import sync
from .helpers import g_by_email, g_person, google_people, ns_by_email, ns_person, seed, writes
from .rule_setup import add_action, add_rule, default_rule, disable_default_rule

NOT_HIDDEN = "Everyone but the Hidden"


def _only_not_hidden_to_google(connection) -> None:
    """NetSuite → Google: the default "Sync everyone" off, and "IF Last Name is not Hidden" instead."""
    disable_default_rule(connection, "to_app")
    add_rule(connection, "to_app", NOT_HIDDEN, conditions=[("lastName", "is_not", "Hidden")])


def _outcomes(run, **filters) -> list[RecordOutcome]:
    return list(RecordOutcome.objects.filter(run=run, **filters))


def test_a_record_the_rules_skip_is_created_with_all_its_values_once_it_matches(sandboxes, connection):
    _only_not_hidden_to_google(connection)
    details = {"title": "CFO", "phone": "+1 415 555 0101", "mobilePhone": "(415) 555-0102", "comments": "Met in Lyon"}
    (_, hal_id), _ = seed(
        sandboxes,
        netsuite=[
            ns_person("Ann", "Shown", "ann@example.com"),
            ns_person("Hal", "Hidden", "hal@example.com", **details),
        ],
    )

    first = sync(connection)

    assert first.status == RunStatus.SUCCEEDED, first.error
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com"]
    (skipped,) = _outcomes(first, email="hal@example.com")
    assert (skipped.direction, skipped.outcome, skipped.rules) == ("to_app", Outcome.SKIPPED_BY_RULES, [])
    assert "matches no enabled rule" in skipped.message
    created = _outcomes(first, email="ann@example.com", outcome=Outcome.CREATED)
    assert [o.rules for o in created] == [[NOT_HIDDEN]]

    sandboxes.netsuite.touch("customer", hal_id, lastName="Halvorsen")
    second = sync(connection)

    assert second.status == RunStatus.SUCCEEDED, second.error
    (hal,) = g_by_email(sandboxes)["hal@example.com"]
    assert (hal["names"][0]["givenName"], hal["names"][0]["familyName"]) == ("Hal", "Halvorsen")
    assert hal["organizations"][0]["title"] == "CFO"
    # Phone numbers travel in E.164 (mappings.converters.phone_to_phone).
    assert {(p["type"], p["value"]) for p in hal["phoneNumbers"]} == {
        ("work", "+14155550101"),
        ("mobile", "+14155550102"),
    }
    assert hal["biographies"][0]["value"] == "Met in Lyon"
    (created,) = _outcomes(second, email="hal@example.com", direction="to_app")
    assert (created.outcome, created.rules) == (Outcome.CREATED, [NOT_HIDDEN])
    assert created.diff["organization.title"] == [None, "CFO"]
    assert len(google_people(sandboxes)) == 2


def test_a_synced_record_that_no_longer_matches_is_left_as_is_and_logged_as_excluded(sandboxes, connection):
    _only_not_hidden_to_google(connection)
    (ann_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Shown", "ann@example.com", title="Buyer")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    assert sync(connection).status == RunStatus.SUCCEEDED  # reads our own create back
    sandboxes.netsuite.touch("customer", ann_id, lastName="Hidden", title="CEO")
    sandboxes.clear_logs()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert writes(sandboxes.requests()["google"]) == []
    (ann,) = g_by_email(sandboxes)["ann@example.com"]
    assert (ann["names"][0]["familyName"], ann["organizations"][0]["title"]) == ("Shown", "Buyer")
    (excluded,) = _outcomes(run)
    assert (excluded.direction, excluded.outcome, excluded.email) == (
        "to_app",
        Outcome.EXCLUDED_BY_RULES,
        "ann@example.com",
    )
    assert "matches no enabled rule" in excluded.message

    # When it matches again, what changed while it was excluded flows too (nothing was lost).
    sandboxes.netsuite.touch("customer", ann_id, lastName="Shown-Again")
    again = sync(connection)

    assert again.status == RunStatus.SUCCEEDED, again.error
    (ann,) = g_by_email(sandboxes)["ann@example.com"]
    assert (ann["names"][0]["familyName"], ann["organizations"][0]["title"]) == ("Shown-Again", "CEO")
    assert [o.outcome for o in _outcomes(again, direction="to_app")] == [Outcome.UPDATED]
    assert ns_by_email(sandboxes)["ann@example.com"][0]["lastName"] == "Shown-Again"  # nothing written back


def test_a_to_app_action_sets_the_job_title_in_google(sandboxes, connection):
    add_action(default_rule(connection, "to_app"), "organization.title", "Customer", on=ApplyOn.BOTH)
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com", title="CFO")])

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    (ann,) = g_by_email(sandboxes)["ann@example.com"]
    assert ann["organizations"][0]["title"] == "Customer"
    (created,) = _outcomes(run, direction="to_app")
    assert created.outcome == Outcome.CREATED and created.diff["organization.title"] == [None, "Customer"]
    assert ns_by_email(sandboxes)["ann@example.com"][0]["title"] == "CFO"  # NetSuite keeps its own title

    # Our write comes back from Google, then a quiet run: no write either way, no loop.
    sync(connection)
    sandboxes.clear_logs()
    quiet = sync(connection)
    assert writes(sandboxes.requests()["google"]) == [] and writes(sandboxes.requests()["netsuite"]) == []
    assert _outcomes(quiet) == []


def test_a_to_app_action_still_wins_when_the_mapped_field_changes_in_netsuite(sandboxes, connection):
    add_action(default_rule(connection, "to_app"), "organization.title", "Customer", on=ApplyOn.BOTH)
    (ann_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com", title="CFO")])
    sync(connection)
    sync(connection)
    sandboxes.netsuite.touch("customer", ann_id, title="CTO", firstName="Annie")

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    (ann,) = g_by_email(sandboxes)["ann@example.com"]
    assert ann["names"][0]["givenName"] == "Annie"
    assert ann["organizations"][0]["title"] == "Customer"  # the action's value overrides the mapped one


def test_a_to_netsuite_action_sets_the_lead_source_of_records_from_google(sandboxes, connection):
    created = sandboxes.netsuite.seed({"records": {"campaign": [{"title": "Google Contacts", "campaignId": "GC"}]}})
    campaign_id = str(created["created"]["campaign"][0])
    refresh_catalog(connection.netsuite_account, connection.contact_type)  # the new lead source becomes an option
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Google Contacts"})
    seed(sandboxes, google=[g_person("Cid", "Roe", "cid@example.com")])

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    (cid,) = ns_by_email(sandboxes)["cid@example.com"]
    assert cid["leadSource"]["id"] == campaign_id
    assert (cid["firstName"], cid["lastName"]) == ("Cid", "Roe")
    (outcome,) = _outcomes(run, direction="to_netsuite")
    assert outcome.outcome == Outcome.CREATED and outcome.rules == ["Sync everyone"]
    assert outcome.diff["leadSource"][1]["id"] == campaign_id


def test_a_to_netsuite_action_sets_comments_on_create_and_update(sandboxes, connection):
    add_action(default_rule(connection, "to_netsuite"), "comments", "Managed in Google Contacts", on=ApplyOn.BOTH)
    _, (g_name,) = seed(sandboxes, google=[g_person("Cid", "Roe", "cid@example.com")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    (cid,) = ns_by_email(sandboxes)["cid@example.com"]
    assert cid["comments"] == "Managed in Google Contacts"
    sandboxes.netsuite.touch("customer", int(cid["id"]), comments="Edited in NetSuite")
    sync(connection)
    sandboxes.google.touch(g_name, names=[{"givenName": "Cidney", "familyName": "Roe"}])

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    (cid,) = ns_by_email(sandboxes)["cid@example.com"]
    assert (cid["firstName"], cid["comments"]) == ("Cidney", "Managed in Google Contacts")
