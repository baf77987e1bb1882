"""Two-way sync scenarios over real HTTP against both sandboxes, for each NetSuite contact type.

The scenarios that take ``kind`` run once per contact type (Company Customers, Individual Customers, Contacts:
``tests/engine/contact_types.py`` says how each is seeded and which of its mapped fields are edited); the
others concern the connection, not the records, and run as Individual Customers.
"""

from __future__ import annotations

from mappings.models import FieldMapping
from syncengine.choices import LinkState, Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome

from .contact_types import CONTACT_TYPES, google_touch, google_value, seed
from .harness import sync
from .helpers import g_by_email, google_people, ns_person, writes
from .helpers import seed as seed_customers


def outcomes(run, **filters) -> list[RecordOutcome]:
    return list(RecordOutcome.objects.filter(run=run, **filters))


def test_initial_sync_links_overlapping_emails_and_creates_the_rest(sandboxes, kind, typed_connection):
    seed(
        sandboxes,
        kind,
        netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com"), kind.ns_body("Bob", "Ng", "bob@example.com")],
        google=[kind.g_body("Ann", "Lee", "ANN@example.com"), kind.g_body("Cid", "Roe", "cid@example.com")],
    )
    # NetSuite records of the two other contact types are none of this connection's business.
    others = [other for other in CONTACT_TYPES if other != kind]
    for number, other in enumerate(others):
        seed(sandboxes, other, netsuite=[other.ns_body("Zed", f"Other{number}", f"zed{number}@example.com")])
    run = sync(typed_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(kind.ns_by_email(sandboxes)) == ["ann@example.com", "bob@example.com", "cid@example.com"]
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com", "bob@example.com", "cid@example.com"]
    assert not outcomes(run, email__startswith="zed")
    assert [sorted(other.ns_by_email(sandboxes)) for other in others] == [["zed0@example.com"], ["zed1@example.com"]]
    assert all(len(v) == 1 for v in [*kind.ns_by_email(sandboxes).values(), *g_by_email(sandboxes).values()])
    links = RecordLink.objects.filter(connection=typed_connection, state=LinkState.LINKED)
    assert links.count() == 3
    assert {o.outcome for o in outcomes(run, email="bob@example.com")} == {Outcome.CREATED}
    cid = kind.ns_by_email(sandboxes)["cid@example.com"][0]
    assert kind.ns_name(cid) == kind.name_of("Cid", "Roe")
    bob = g_by_email(sandboxes)["bob@example.com"][0]
    assert kind.g_name(bob) == kind.name_of("Bob", "Ng")
    if kind.organization_in_google:  # a NetSuite contact's company reaches Google as its organization
        assert google_value(bob, "organization.name") == kind.organization_in_google


def test_second_run_without_changes_writes_nothing(sandboxes, kind, typed_connection):
    seed(
        sandboxes,
        kind,
        netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com")],
        google=[kind.g_body("Dee", "Fox", "dee@x.com")],
    )
    assert sync(typed_connection).status == RunStatus.SUCCEEDED
    sync(typed_connection)  # reads back our own writes (echoes): nothing to write
    sandboxes.clear_logs()
    run = sync(typed_connection)
    assert run.status == RunStatus.SUCCEEDED
    logs = sandboxes.requests()
    assert writes(logs["netsuite"]) == [] and writes(logs["google"]) == []
    assert RecordOutcome.objects.filter(run=run).count() == 0


def test_echo_of_our_own_write_is_not_written_back(sandboxes, kind, typed_connection):
    seed(sandboxes, kind, netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com")])
    sync(typed_connection)
    sandboxes.clear_logs()
    run = sync(typed_connection)  # Google reports the contact we created as changed
    assert run.counters.get("echo", {}).get("app") == 1
    assert writes(sandboxes.requests()["netsuite"]) == []


def test_echo_of_our_own_write_to_netsuite_is_not_written_back(sandboxes, kind, typed_connection):
    seed(sandboxes, kind, google=[kind.g_body("Cid", "Roe", "cid@example.com")])
    assert sync(typed_connection).status == RunStatus.SUCCEEDED
    sandboxes.clear_logs()
    run = sync(typed_connection)  # NetSuite reports the record we created as changed
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.counters.get("echo", {}).get("netsuite") == 1
    assert writes(sandboxes.requests()["google"]) == [] and writes(sandboxes.requests()["netsuite"]) == []
    assert RecordOutcome.objects.filter(run=run).count() == 0


def test_changes_on_each_side_flow_to_the_other(sandboxes, kind, typed_connection):
    (ns_id,), (g_name,) = seed(
        sandboxes,
        kind,
        netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com")],
        google=[kind.g_body("Cid", "Roe", "cid@x.com")],
    )
    sync(typed_connection)
    renamed, edited = kind.conflict, kind.google_only
    before = sandboxes.netsuite.get_record(kind.record_type, ns_id)[renamed.netsuite_field]
    sandboxes.netsuite.touch(kind.record_type, ns_id, **{renamed.netsuite_field: "Lee-Smith"})
    google_touch(sandboxes, g_name, {edited.app_field: edited.values[1]})
    run = sync(typed_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert google_value(g_by_email(sandboxes)["ann@example.com"][0], renamed.app_field) == "Lee-Smith"
    assert kind.ns_by_email(sandboxes)["cid@x.com"][0][edited.netsuite_field] == edited.values[1]
    updated = outcomes(run, outcome=Outcome.UPDATED)
    assert {(o.direction, o.email) for o in updated} == {("to_app", "ann@example.com"), ("to_netsuite", "cid@x.com")}
    diff = next(o.diff for o in updated if o.email == "ann@example.com")
    # Only what the renamed field maps to changed (a type may map one NetSuite field to several app fields).
    mapped = FieldMapping.objects.filter(connection=typed_connection, netsuite_field=renamed.netsuite_field)
    assert set(diff) == set(mapped.filter(enabled=True).values_list("app_field", flat=True))
    assert diff[renamed.app_field] == [before, "Lee-Smith"]


def test_edits_on_both_sides_merge_and_same_field_conflict_follows_policy(sandboxes, kind, typed_connection):
    ns_only, google_only, both = kind.netsuite_only, kind.google_only, kind.conflict
    (ns_id,), _ = seed(
        sandboxes, kind, netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com", **{ns_only.netsuite_field: "Buyer"})]
    )
    sync(typed_connection)
    g_name = g_by_email(sandboxes)["ann@example.com"][0]["resourceName"]
    sandboxes.netsuite.touch(kind.record_type, ns_id, **{both.netsuite_field: "Lee-NS", ns_only.netsuite_field: "CFO"})
    sandboxes.google.advance = None
    google_touch(
        sandboxes, g_name, {google_only.app_field: google_only.values[0], both.app_field: "Lee-Google"}
    )  # later: wins
    run = sync(typed_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    ns = kind.ns_records(sandboxes)[0]
    person = g_by_email(sandboxes)["ann@example.com"][0]
    assert ns[google_only.netsuite_field] == google_only.values[0]  # changed only in Google
    assert google_value(person, ns_only.app_field) == "CFO"  # changed only in NetSuite
    assert ns[both.netsuite_field] == google_value(person, both.app_field) == "Lee-Google"  # both: most recent wins
    conflict = outcomes(run, outcome=Outcome.CONFLICT_RESOLVED)
    assert conflict and "Lee-NS" in conflict[0].message and "Lee-Google" in conflict[0].message


def test_record_without_email_is_excluded_and_logged(sandboxes, kind, typed_connection):
    seed(sandboxes, kind, netsuite=[kind.ns_body("No", "Mail", None)], google=[kind.g_body("Also", "None", None)])
    run = sync(typed_connection)
    assert {o.outcome for o in outcomes(run)} == {Outcome.EXCLUDED_NO_EMAIL}
    assert len(outcomes(run)) == 2
    assert len(kind.ns_records(sandboxes)) == 1 and len(google_people(sandboxes)) == 1


def test_two_records_with_one_email_link_the_oldest_and_log_the_other_as_duplicate(sandboxes, kind, typed_connection):
    (old, new), _ = seed(
        sandboxes,
        kind,
        netsuite=[kind.ns_body("Ann", "Old", "ann@example.com"), kind.ns_body("Ann", "New", "ann@example.com")],
    )
    run = sync(typed_connection)
    people = g_by_email(sandboxes)["ann@example.com"]
    assert len(people) == 1 and kind.g_name(people[0]) == kind.name_of("Ann", "Old")
    duplicate = outcomes(run, outcome=Outcome.DUPLICATE)
    assert [o.netsuite_id for o in duplicate] == [str(new)]
    assert str(old) in duplicate[0].message


def test_linked_record_keeps_its_link_when_its_email_changes(sandboxes, kind, typed_connection):
    (ns_id,), _ = seed(sandboxes, kind, netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com")])
    sync(typed_connection)
    sandboxes.netsuite.touch(kind.record_type, ns_id, email="ann.lee@newmail.com")
    run = sync(typed_connection)
    assert run.status == RunStatus.SUCCEEDED
    people = google_people(sandboxes)
    assert len(people) == 1 and people[0]["emailAddresses"][0]["value"] == "ann.lee@newmail.com"
    link = RecordLink.objects.get(connection=typed_connection)
    assert link.netsuite_id == str(ns_id) and link.match_key == "ann.lee@newmail.com"


def test_dry_run_writes_nothing_but_shows_the_plan(sandboxes, kind, typed_connection):
    seed(
        sandboxes,
        kind,
        netsuite=[kind.ns_body("Ann", "Lee", "ann@example.com")],
        google=[kind.g_body("Cid", "Roe", "cid@x.com")],
    )
    run = sync(typed_connection, dry_run=True)
    assert run.status == RunStatus.SUCCEEDED
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []
    planned = outcomes(run, outcome=Outcome.CREATED)
    assert {(o.direction, o.email) for o in planned} == {("to_app", "ann@example.com"), ("to_netsuite", "cid@x.com")}
    assert all(o.message.startswith("Dry run: would be created") for o in planned)
    diff = next(o for o in planned if o.email == "ann@example.com").diff
    for pair, value in zip(kind.name_fields, kind.name_of("Ann", "Lee"), strict=True):
        assert diff[pair.app_field] == [None, value]
    assert RecordLink.objects.filter(connection=typed_connection).count() == 0
    real = sync(typed_connection)
    assert real.counters["to_app"]["created"] == 1 and real.counters["to_netsuite"]["created"] == 1


def test_revoked_google_grant_fails_the_run_and_marks_the_account(sandboxes, connection):
    tokens = connection.app_account.get_credentials()
    sandboxes.google.revoke_refresh_token(tokens["refresh_token"])
    sandboxes.google.expire_access_tokens()
    run = sync(connection)
    assert run.status == RunStatus.FAILED and "Authentication failed" in run.error
    connection.app_account.refresh_from_db()
    assert connection.app_account.status == "needs_reauth"
    assert "reconnect the Google account" in connection.app_account.status_message
    assert tokens["refresh_token"] not in run.error


def test_a_mapping_to_a_field_missing_from_the_catalog_is_reported_and_the_rest_syncs(sandboxes, connection):
    FieldMapping.objects.create(
        connection=connection, netsuite_field="custentity_deleted_since", app_field="userDefined.Tier", order=99
    )
    seed_customers(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED
    assert "custentity_deleted_since" in run.error and "was skipped" in run.error
    assert "refresh the field catalogs" in run.error
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com"]  # the other mappings synced
