"""A change of mappings or rules reaches the pairs already synced (issue 14, item 8).

Each link remembers the configuration it was last planned with; the next run
re-plans every pair planned with another one from the mirror (no extra read of
either API) and writes only what the new configuration changes. All over HTTP
against the sandboxes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mappings.catalog_cache import refresh_catalog
from mappings.choices import Direction
from mappings.models import FieldMapping
from rules.choices import ActionKind, ApplyOn, RuleDirection
from rules.models import Action
from syncengine.choices import Outcome, RunStatus
from syncengine.models import MirrorRecord, PlannedConfiguration, RecordLink, RecordOutcome
from syncengine.replan import stale_link_count

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes
from .linked_pairs import group_members
from .rule_setup import add_action, default_rule

pytestmark = pytest.mark.django_db(transaction=True)


def link_people(sandboxes, connection, count: int, **extra) -> list[str]:
    """Seed ``count`` NetSuite customers (with ``extra`` values), sync them to Google and settle the pairs."""
    emails = [f"person{index:03d}@example.com" for index in range(count)]
    stamp = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    seed(
        sandboxes,
        netsuite=[
            ns_person(f"P{index}", "Linked", email, dateCreated=stamp, lastModifiedDate=stamp, **extra)
            for index, email in enumerate(emails)
        ],
    )
    for _ in range(2):  # the second run reads our creates back (echoes)
        run = sync(connection)
        assert run.status == RunStatus.SUCCEEDED, run.error
    assert not RecordOutcome.objects.filter(run=run).exists()
    return emails


def api_reads(log: list[dict]) -> list[dict]:
    """Requests of a sandbox's log that read data (OAuth token refreshes left out)."""
    written = {id(r) for r in writes(log)}
    return [r for r in log if id(r) not in written and "/token" not in r["path"]]


def org_title(person: dict) -> str | None:
    return next((o.get("title") for o in person.get("organizations", []) if o.get("title")), None)


def user_defined(person: dict, key: str) -> str | None:
    return next((u["value"] for u in person.get("userDefined", []) if u.get("key") == key), None)


def test_a_mapping_added_reaches_500_linked_records_from_the_mirror_then_nothing_more(sandboxes, connection):
    FieldMapping.objects.filter(connection=connection, netsuite_field="title").delete()
    emails = link_people(sandboxes, connection, 500, title="Engineer")
    assert all(org_title(g_by_email(sandboxes)[e][0]) is None for e in emails[:5])
    # The usual change reads of a run without changes, to compare with.
    sandboxes.clear_logs()
    assert sync(connection).status == RunStatus.SUCCEEDED
    usual = {side: len(api_reads(log)) for side, log in sandboxes.requests().items()}
    assert usual["netsuite"] <= 2 and usual["google"] <= 2

    FieldMapping.objects.create(
        connection=connection, netsuite_field="title", app_field="organization.title", direction=Direction.TWO_WAY
    )
    assert stale_link_count(connection) == 500
    sandboxes.clear_logs()
    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.counters["config_reapplied"] == {"links": 500}
    people = g_by_email(sandboxes)
    assert [org_title(people[e][0]) for e in emails] == ["Engineer"] * 500
    logs = sandboxes.requests()
    assert {side: len(api_reads(log)) for side, log in logs.items()} == usual  # no extra read of either API
    assert writes(logs["netsuite"]) == []
    assert {r["path"] for r in writes(logs["google"])} == {"/v1/people:batchUpdateContacts"}
    updated = RecordOutcome.objects.filter(run=run, outcome=Outcome.UPDATED, direction="to_app")
    assert updated.count() == 500
    assert RecordOutcome.objects.filter(run=run).count() == 500  # no "unchanged" noise for the re-planned pairs
    assert stale_link_count(connection) == 0

    sandboxes.clear_logs()
    after = sync(connection)  # reads its own writes back (echoes): nothing to write
    assert after.status == RunStatus.SUCCEEDED, after.error
    logs = sandboxes.requests()
    assert writes(logs["netsuite"]) == [] and writes(logs["google"]) == []
    assert not RecordOutcome.objects.filter(run=after).exists()


def test_a_second_mapping_of_first_name_to_a_custom_field_is_filled_in_and_follows_changes(sandboxes, connection):
    (ns_id,), (g_name,) = seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com")],
        google=[
            {
                "names": [{"givenName": "Cid", "familyName": "Roe"}],
                "emailAddresses": [{"value": "cid@example.com"}],
                "userDefined": [{"key": "Nickname", "value": "Cidster"}],
            }
        ],
    )
    sync(connection)
    sync(connection)
    refresh_catalog(connection.app_account, "contacts")  # the custom field "Nickname" is in Google's catalog
    FieldMapping.objects.create(
        connection=connection, netsuite_field="firstName", app_field="userDefined.Nickname", direction=Direction.TO_APP
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    people = g_by_email(sandboxes)
    assert user_defined(people["ann@example.com"][0], "Nickname") == "Ann"  # filled in from firstName
    # Both sides hold a value: the mapping flows one way, NetSuite's first name wins.
    assert user_defined(people["cid@example.com"][0], "Nickname") == "Cid"
    assert people["ann@example.com"][0]["names"][0]["givenName"] == "Ann"

    sandboxes.netsuite.touch("customer", ns_id, firstName="Anna")
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    person = g_by_email(sandboxes)["ann@example.com"][0]
    # One source field, two mappings: its change writes both.
    assert (person["names"][0]["givenName"], user_defined(person, "Nickname")) == ("Anna", "Anna")
    sandboxes.clear_logs()
    sync(connection)
    assert writes(sandboxes.requests()["google"]) == [] and writes(sandboxes.requests()["netsuite"]) == []


def test_a_changed_rule_action_is_reapplied_to_linked_records(sandboxes, connection):
    emails = link_people(sandboxes, connection, 3)
    rule = default_rule(connection, RuleDirection.TO_APP)
    action = add_action(rule, "organization.name", "Acme")  # only when creating (the default)
    sandboxes.clear_logs()
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert writes(sandboxes.requests()["google"]) == []  # existing records are not overwritten
    assert not RecordOutcome.objects.filter(run=run).exists()
    assert stale_link_count(connection) == 0  # planned with the new rule all the same

    action.apply_on = ApplyOn.BOTH  # overwrite on update too: an explicit choice
    action.save()
    assert stale_link_count(connection) == 3
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    people = g_by_email(sandboxes)
    assert [people[e][0]["organizations"][0]["name"] for e in emails] == ["Acme"] * 3
    assert RecordOutcome.objects.filter(run=run, outcome=Outcome.UPDATED).count() == 3
    assert run.counters["action_overwrites"] == {"Sync everyone: organization.name": 3}
    sandboxes.clear_logs()
    sync(connection)
    assert writes(sandboxes.requests()["google"]) == []


def test_a_dry_run_previews_the_reapplication_without_writing_or_advancing(sandboxes, connection, client):
    FieldMapping.objects.filter(connection=connection, netsuite_field="title").delete()
    emails = link_people(sandboxes, connection, 4, title="Buyer")
    FieldMapping.objects.create(connection=connection, netsuite_field="title", app_field="organization.title")
    before = set(RecordLink.objects.values_list("pk", "config_fingerprint"))
    sandboxes.clear_logs()

    preview = sync(connection, dry_run=True)

    assert preview.status == RunStatus.SUCCEEDED, preview.error
    assert preview.counters["config_reapplied"] == {"links": 4}
    assert preview.counters["to_app"] == {"updated": 4}  # would update
    logs = sandboxes.requests()
    assert writes(logs["netsuite"]) == [] and writes(logs["google"]) == []
    assert set(RecordLink.objects.values_list("pk", "config_fingerprint")) == before
    assert stale_link_count(connection) == 4
    assert all(org_title(g_by_email(sandboxes)[e][0]) is None for e in emails)

    run = sync(connection)
    assert run.counters["to_app"] == {"updated": 4}
    assert [org_title(g_by_email(sandboxes)[e][0]) for e in emails] == ["Buyer"] * 4


def test_the_connection_page_says_how_many_linked_records_the_next_run_reapplies_to(
    sandboxes, connection, admin_client
):
    link_people(sandboxes, connection, 2)
    url = f"/admin/connections/connection/{connection.pk}/change/"
    assert "Configuration changed" not in admin_client.get(url).content.decode()
    FieldMapping.objects.filter(connection=connection, netsuite_field="title").update(enabled=False)
    sandboxes.clear_logs()
    html = admin_client.get(url).content.decode()
    assert "Configuration changed: the next run re-applies it to 2 linked records" in html
    assert sandboxes.requests() == {"netsuite": [], "google": []}  # counted from the database alone


def test_a_dry_run_counts_the_records_an_overwriting_action_would_touch(sandboxes, connection, admin_client):
    emails = link_people(sandboxes, connection, 3)
    add_action(default_rule(connection, RuleDirection.TO_APP), "organization.name", "Acme", on=ApplyOn.BOTH)
    sandboxes.clear_logs()

    preview = sync(connection, dry_run=True)

    assert preview.counters["action_overwrites"] == {"Sync everyone: organization.name": 3}
    assert writes(sandboxes.requests()["google"]) == []
    messages = set(RecordOutcome.objects.filter(run=preview, outcome=Outcome.UPDATED).values_list("message", flat=True))
    assert messages == {
        "Dry run: would be updated. Rule actions overwrite the existing value: Sync everyone: organization.name"
    }
    html = admin_client.get(f"/admin/syncengine/syncrun/{preview.pk}/change/").content.decode()
    assert "rule action Sync everyone: organization.name would overwrite 3 existing records" in html
    assert all("organizations" not in g_by_email(sandboxes)[e][0] for e in emails)


def test_links_synced_before_fingerprints_get_a_second_mapping_of_first_name_filled_in(sandboxes, connection):
    emails = link_people(sandboxes, connection, 2)
    (g_name,) = seed(
        sandboxes,
        google=[g_person("Zed", "Roe", "z@example.com", userDefined=[{"key": "Nickname", "value": "Z"}])],
    )[1]
    refresh_catalog(connection.app_account, "contacts")
    FieldMapping.objects.create(
        connection=connection, netsuite_field="firstName", app_field="userDefined.Nickname", direction=Direction.TO_APP
    )
    # As left by a version without fingerprints: the mapping was there, and never filled in.
    RecordLink.objects.update(config_fingerprint="")
    PlannedConfiguration.objects.all().delete()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    people = g_by_email(sandboxes)
    assert [user_defined(people[e][0], "Nickname") for e in emails] == ["P0", "P1"]
    assert user_defined(people["z@example.com"][0], "Nickname") == "Z"  # the contact that brought the key
    assert stale_link_count(connection) == 0


def test_a_group_action_added_puts_linked_contacts_in_the_group_once(sandboxes, connection):
    emails = link_people(sandboxes, connection, 3)
    sandboxes.google.seed({"contactGroups": ["Customers"]})
    refresh_catalog(connection.app_account, "contacts")  # the group becomes an option
    rule = default_rule(connection, RuleDirection.TO_APP)
    action = Action(rule=rule, kind=ActionKind.ADD_TO_GROUP, value="Customers", apply_on=ApplyOn.BOTH)
    action.full_clean()
    action.save()

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert group_members(sandboxes, "Customers") == {g_by_email(sandboxes)[e][0]["resourceName"] for e in emails}
    sync(connection)  # reads the memberships back
    ns_id = int(ns_by_email(sandboxes)[emails[0]][0]["id"])
    sandboxes.netsuite.touch("customer", ns_id, firstName="Paula")
    sandboxes.clear_logs()
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert g_by_email(sandboxes)[emails[0]][0]["names"][0]["givenName"] == "Paula"
    # Already in the group: the update writes the name, and no membership change.
    assert [r["path"] for r in writes(sandboxes.requests()["google"])] == ["/v1/people:batchUpdateContacts"]


def test_a_netsuite_field_the_mirror_does_not_hold_waits_for_a_full_resync_instead_of_being_overwritten(
    sandboxes, connection
):
    emails = link_people(sandboxes, connection, 2, custentity_nickname="Nick")
    people = g_by_email(sandboxes)
    for email in emails:
        sandboxes.google.touch(people[email][0]["resourceName"], organizations=[{"name": "GoogleCo"}])
    assert sync(connection).status == RunStatus.SUCCEEDED
    # As if read before the field was in NetSuite's catalog: the mirror holds no value for it (not an empty one).
    for row in MirrorRecord.objects.filter(side="netsuite"):
        row.values.pop("custentity_nickname")
        row.save(update_fields=["values"])
    FieldMapping.objects.create(
        connection=connection, netsuite_field="custentity_nickname", app_field="organization.name"
    )

    run = sync(connection)

    assert run.status == RunStatus.PARTIALLY_FAILED
    assert "custentity_nickname was not applied to 2 linked record(s)" in run.error and "Full resync" in run.error
    assert [r["custentity_nickname"] for group in ns_by_email(sandboxes).values() for r in group] == ["Nick", "Nick"]
    assert stale_link_count(connection) == 2  # still to be applied

    resync = sync(connection, full=True)
    assert resync.status == RunStatus.SUCCEEDED, resync.error
    assert stale_link_count(connection) == 0
