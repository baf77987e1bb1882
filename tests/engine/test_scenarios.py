"""Two-way sync scenarios over real HTTP against both sandboxes."""

from __future__ import annotations

from syncengine.choices import LinkState, Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome

from .harness import sync
from .helpers import g_by_email, g_person, google_people, ns_by_email, ns_customers, ns_person, seed, writes


def outcomes(run, **filters) -> list[RecordOutcome]:
    return list(RecordOutcome.objects.filter(run=run, **filters))


def test_initial_sync_links_overlapping_emails_and_creates_the_rest(sandboxes, connection):
    seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com"), ns_person("Bob", "Ng", "bob@example.com")],
        google=[g_person("Ann", "Lee", "ANN@example.com"), g_person("Cid", "Roe", "cid@example.com")],
    )
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(ns_by_email(sandboxes)) == ["ann@example.com", "bob@example.com", "cid@example.com"]
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com", "bob@example.com", "cid@example.com"]
    assert all(len(v) == 1 for v in [*ns_by_email(sandboxes).values(), *g_by_email(sandboxes).values()])
    links = RecordLink.objects.filter(connection=connection, state=LinkState.LINKED)
    assert links.count() == 3
    assert {o.outcome for o in outcomes(run, email="bob@example.com")} == {Outcome.CREATED}
    cid = ns_by_email(sandboxes)["cid@example.com"][0]
    assert (cid["firstName"], cid["lastName"]) == ("Cid", "Roe")


def test_second_run_without_changes_writes_nothing(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")], google=[g_person("Dee", "Fox", "dee@x.com")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    sync(connection)  # reads back our own writes (echoes): nothing to write
    sandboxes.clear_logs()
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED
    logs = sandboxes.requests()
    assert writes(logs["netsuite"]) == [] and writes(logs["google"]) == []
    assert RecordOutcome.objects.filter(run=run).count() == 0


def test_echo_of_our_own_write_is_not_written_back(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    sync(connection)
    sandboxes.clear_logs()
    run = sync(connection)  # Google reports the contact we created as changed
    assert run.counters.get("echo", {}).get("app") == 1
    assert writes(sandboxes.requests()["netsuite"]) == []


def test_changes_on_each_side_flow_to_the_other(sandboxes, connection):
    (ns_id,), (g_name,) = seed(
        sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")], google=[g_person("Cid", "Roe", "cid@x.com")]
    )
    sync(connection)
    sandboxes.netsuite.touch("customer", ns_id, lastName="Lee-Smith")
    sandboxes.google.touch(g_name, names=[{"givenName": "Cidney", "familyName": "Roe"}])
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert g_by_email(sandboxes)["ann@example.com"][0]["names"][0]["familyName"] == "Lee-Smith"
    assert ns_by_email(sandboxes)["cid@x.com"][0]["firstName"] == "Cidney"
    updated = outcomes(run, outcome=Outcome.UPDATED)
    assert {(o.direction, o.email) for o in updated} == {("to_app", "ann@example.com"), ("to_netsuite", "cid@x.com")}
    diff = next(o.diff for o in updated if o.email == "ann@example.com")
    assert diff == {"familyName": ["Lee", "Lee-Smith"]}


def test_edits_on_both_sides_merge_and_same_field_conflict_follows_policy(sandboxes, connection):
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com", title="Buyer")])
    sync(connection)
    g_name = g_by_email(sandboxes)["ann@example.com"][0]["resourceName"]
    sandboxes.netsuite.touch("customer", ns_id, lastName="Lee-NS", title="CFO")
    sandboxes.google.advance = None
    sandboxes.google.touch(g_name, names=[{"givenName": "Annie", "familyName": "Lee-Google"}])  # later: wins
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    ns = ns_customers(sandboxes)[0]
    person = g_by_email(sandboxes)["ann@example.com"][0]
    assert ns["firstName"] == "Annie"  # changed only in Google
    assert person["organizations"][0]["title"] == "CFO"  # changed only in NetSuite
    assert ns["lastName"] == person["names"][0]["familyName"] == "Lee-Google"  # both: most recent wins
    conflict = outcomes(run, outcome=Outcome.CONFLICT_RESOLVED)
    assert conflict and "Lee-NS" in conflict[0].message and "Lee-Google" in conflict[0].message


def test_record_without_email_is_excluded_and_logged(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("No", "Mail", None)], google=[g_person("Also", "None", None)])
    run = sync(connection)
    assert {o.outcome for o in outcomes(run)} == {Outcome.EXCLUDED_NO_EMAIL}
    assert len(outcomes(run)) == 2
    assert len(ns_customers(sandboxes)) == 1 and len(google_people(sandboxes)) == 1


def test_two_records_with_one_email_link_the_oldest_and_log_the_other_as_duplicate(sandboxes, connection):
    (old, new), _ = seed(
        sandboxes, netsuite=[ns_person("Ann", "Old", "ann@example.com"), ns_person("Ann", "New", "ann@example.com")]
    )
    run = sync(connection)
    people = g_by_email(sandboxes)["ann@example.com"]
    assert len(people) == 1 and people[0]["names"][0]["familyName"] == "Old"
    duplicate = outcomes(run, outcome=Outcome.DUPLICATE)
    assert [o.netsuite_id for o in duplicate] == [str(new)]
    assert str(old) in duplicate[0].message


def test_linked_record_keeps_its_link_when_its_email_changes(sandboxes, connection):
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    sync(connection)
    sandboxes.netsuite.touch("customer", ns_id, email="ann.lee@newmail.com")
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED
    people = google_people(sandboxes)
    assert len(people) == 1 and people[0]["emailAddresses"][0]["value"] == "ann.lee@newmail.com"
    link = RecordLink.objects.get(connection=connection)
    assert link.netsuite_id == str(ns_id) and link.match_key == "ann.lee@newmail.com"


def test_dry_run_writes_nothing_but_shows_the_plan(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")], google=[g_person("Cid", "Roe", "cid@x.com")])
    run = sync(connection, dry_run=True)
    assert run.status == RunStatus.SUCCEEDED
    assert writes(sandboxes.requests()["netsuite"]) == [] and writes(sandboxes.requests()["google"]) == []
    planned = outcomes(run, outcome=Outcome.CREATED)
    assert {(o.direction, o.email) for o in planned} == {("to_app", "ann@example.com"), ("to_netsuite", "cid@x.com")}
    assert all(o.message.startswith("Dry run: would be created") for o in planned)
    assert next(o for o in planned if o.email == "ann@example.com").diff["givenName"] == [None, "Ann"]
    assert RecordLink.objects.filter(connection=connection).count() == 0
    real = sync(connection)
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
    from mappings.models import FieldMapping

    FieldMapping.objects.create(
        connection=connection, netsuite_field="custentity_deleted_since", app_field="userDefined.Tier", order=99
    )
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED
    assert "custentity_deleted_since" in run.error and "was skipped" in run.error
    assert "refresh the field catalogs" in run.error
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com"]  # the other mappings synced
