"""Two connections sharing both accounts (Individual Customers and Contacts ⇄ one Google account):
run in turns, they never create a second copy of a person (see syncengine.overlap), over real HTTP."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from connections.models import Connection
from ops.health import connection_health
from syncengine import runner
from syncengine.choices import LinkState, Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome

from .harness import Sandboxes, sync
from .helpers import g_by_email, g_person, ns_customers, ns_person, seed

CUSTOMERS_ONLY = ["ann@example.com", "bob@example.com"]
GOOGLE_ONLY = ["cid@example.com", "dee@example.com"]
BOTH = ["eve@example.com"]  # an individual customer and a Google contact
CONTACT_ONLY = ["fay@example.com"]  # a NetSuite contact only
EVERYONE = sorted(CUSTOMERS_ONLY + GOOGLE_ONLY + BOTH + CONTACT_ONLY)


def ns_contact(first: str, last: str, email: str) -> dict:
    return {"firstName": first, "lastName": last, "email": email, "subsidiary": {"id": "1"}}


def ns_people_by_email(sandboxes: Sandboxes) -> Counter:
    """NetSuite customers plus contacts per email: the same person twice is a duplicate, whatever the type."""
    rows = sandboxes.netsuite.store.db.execute("SELECT id FROM t_contact ORDER BY id").fetchall()
    contacts = [sandboxes.netsuite.get_record("contact", row[0]) for row in rows]
    return Counter(r["email"].lower() for r in [*ns_customers(sandboxes), *contacts] if r.get("email"))


def google_by_email(sandboxes: Sandboxes) -> Counter:
    return Counter({email: len(people) for email, people in g_by_email(sandboxes).items()})


@pytest.fixture
def contacts_connection(connection) -> Connection:
    """A second connection on the same NetSuite account, subsidiary and Google account (all contacts), for Contacts."""
    return Connection.objects.create(
        name="Sandbox contacts ⇄ Google",
        netsuite_account=connection.netsuite_account,
        subsidiary=connection.subsidiary,
        contact_type="contacts",
        app_account=connection.app_account,
    )


def seed_people(sandboxes: Sandboxes) -> None:
    seed(
        sandboxes,
        netsuite=[ns_person(e.split("@")[0].title(), "Customer", e) for e in CUSTOMERS_ONLY + BOTH],
        google=[g_person(e.split("@")[0].title(), "Google", e) for e in GOOGLE_ONLY + BOTH],
    )
    sandboxes.netsuite.seed({"records": {"contact": [ns_contact("Fay", "Contact", e) for e in CONTACT_ONLY]}})


def test_connections_in_turns_create_no_duplicates_on_either_side(sandboxes, connection, contacts_connection):
    seed_people(sandboxes)
    runs = [sync(c) for c in (connection, contacts_connection, connection, contacts_connection)]
    assert [r.status for r in runs] == [RunStatus.SUCCEEDED] * 4, [r.error for r in runs]

    ns, google = ns_people_by_email(sandboxes), google_by_email(sandboxes)
    assert sorted(ns) == EVERYONE and sorted(google) == EVERYONE
    assert {e: n for e, n in ns.items() if n > 1} == {}, "a person exists twice in NetSuite"
    assert {e: n for e, n in google.items() if n > 1} == {}, "a person exists twice in Google"

    # The Contacts connection left the people the customers connection links to it, and said so, by name.
    held_back = RecordOutcome.objects.filter(run=runs[1], outcome=Outcome.EXCLUDED_OTHER_CONNECTION)
    assert sorted(o.email for o in held_back) == sorted(CUSTOMERS_ONLY + GOOGLE_ONLY + BOTH)
    assert all(o.direction == "to_netsuite" for o in held_back)
    assert all(f"“{connection.name}”" in o.message for o in held_back)
    # ...and the customers connection left the Google contact the Contacts connection wrote (Fay).
    (fay,) = RecordOutcome.objects.filter(run=runs[2], outcome=Outcome.EXCLUDED_OTHER_CONNECTION)
    assert (fay.email, fay.direction) == ("fay@example.com", "to_netsuite")
    assert f"“{contacts_connection.name}”" in fay.message
    # Each person is linked by exactly one connection; the later runs decided nothing again.
    linked = RecordLink.objects.filter(state=LinkState.LINKED)
    assert sorted(linked.values_list("match_key", flat=True)) == EVERYONE
    assert set(linked.filter(connection=contacts_connection).values_list("match_key", flat=True)) == set(CONTACT_ONLY)
    assert not RecordOutcome.objects.filter(run=runs[3], outcome=Outcome.CREATED).exists()
    # Health counts them as excluded, with the reason, not as failing.
    health = connection_health(contacts_connection)
    excluded = {figure.label: figure.count for figure in health.excluded}
    assert excluded["Linked by another connection"] == 5 and health.failing.count == 0
    assert health.excluded_total == 5


def test_dry_run_shows_the_creates_it_holds_back(sandboxes, connection, contacts_connection):
    seed_people(sandboxes)
    sync(connection)
    preview = sync(contacts_connection, dry_run=True)
    assert preview.status == RunStatus.SUCCEEDED, preview.error
    to_netsuite = preview.counters["to_netsuite"]
    assert to_netsuite.get(Outcome.EXCLUDED_OTHER_CONNECTION) == 5
    assert to_netsuite.get(Outcome.CREATED, 0) == 0
    assert preview.counters["to_app"].get(Outcome.CREATED) == 1  # Fay, whom no connection links yet


def test_a_record_the_other_connection_wrote_is_known_by_its_sync_key(sandboxes, connection, contacts_connection):
    """A Google contact written by the customers connection carries its key: even with its email changed
    in Google since, the Contacts connection does not create a NetSuite contact for it."""
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Customer", "ann@example.com")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    (person,) = g_by_email(sandboxes)["ann@example.com"]
    sandboxes.google.touch(person["resourceName"], emailAddresses=[{"value": "ann.new@example.com"}])
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    (outcome,) = RecordOutcome.objects.filter(run=run, outcome=Outcome.EXCLUDED_OTHER_CONNECTION)
    assert outcome.email == "ann.new@example.com"
    assert "sync key" in outcome.message and f"record {ns_id}" in outcome.message
    assert ns_people_by_email(sandboxes) == Counter({"ann@example.com": 1})


def test_a_person_in_both_accounts_is_still_paired_by_email(sandboxes, connection, contacts_connection):
    """Pairing with a record that exists in the connection's own scope is allowed: it creates nothing."""
    seed(sandboxes, netsuite=[ns_person("Eve", "Customer", "eve@example.com")])
    sync(connection)
    sandboxes.netsuite.seed({"records": {"contact": [ns_contact("Eve", "Contact", "eve@example.com")]}})
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert RecordLink.objects.filter(connection=contacts_connection, match_key="eve@example.com").exists()
    assert google_by_email(sandboxes) == Counter({"eve@example.com": 1})
    assert not RecordOutcome.objects.filter(run=run, outcome=Outcome.EXCLUDED_OTHER_CONNECTION).exists()


def test_the_check_costs_one_query_per_chunk_of_new_records_and_none_for_linked_ones(
    sandboxes, connection, contacts_connection, monkeypatch
):
    monkeypatch.setattr(runner, "CHUNK_SIZE", 10)
    seed(sandboxes, google=[g_person(f"P{i}", "Google", f"p{i}@example.com") for i in range(25)])
    assert sync(connection).status == RunStatus.SUCCEEDED  # the customers connection links all 25

    def overlap_queries(connection_to_run) -> tuple[list[str], object]:
        with CaptureQueriesContext(db_connection) as queries:
            run = sync(connection_to_run)
        return [q["sql"] for q in queries.captured_queries if '"syncengine_recordlink"."match_key" IN' in q["sql"]], run

    found, run = overlap_queries(contacts_connection)  # 25 Google contacts in 3 chunks, all held back
    assert run.counters["to_netsuite"] == {Outcome.EXCLUDED_OTHER_CONNECTION: 25}
    assert len(found) == 3
    sandboxes.google.touch(g_by_email(sandboxes)["p1@example.com"][0]["resourceName"], biographies=[])
    found, run = overlap_queries(connection)  # a change of a linked record: nothing to create, no check
    assert found == [] and run.status == RunStatus.SUCCEEDED
