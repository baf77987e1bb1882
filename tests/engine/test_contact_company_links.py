"""Google's organization links a NetSuite contact's company, through real syncs of a *Contacts* connection over
HTTP against both sandboxes: a name that is exactly one active company customer of the connection's
subsidiary links the contact to it (on create and on a rename); any other name (unknown, of another
subsidiary, ambiguous) leaves the company as it is, writes the rest of the contact and says why in the
outcome; all the names of a write batch cost one SuiteQL query."""

from __future__ import annotations

import pytest

from ops.health import connection_health
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .companies import company, organization, seed_netsuite
from .harness import make_connection, sync
from .helpers import g_by_email, g_person, seed

LEFT = "the contact's company was left unchanged"


@pytest.fixture
def contacts_connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings, contact_type="contacts")


@pytest.fixture
def companies(sandboxes) -> dict[str, str]:
    """Companies by name: Acme Ltd and Beta Inc of the connection's subsidiary (1), Euro GmbH of another
    subsidiary only, an inactive Gone Corp, and two Twin Co."""
    (europe,) = seed_netsuite(sandboxes, "subsidiary", [{"name": "Europe", "parent": {"id": "1"}}])
    acme, beta, euro, gone, _, _ = seed_netsuite(
        sandboxes,
        "customer",
        [
            company("Acme Ltd", "1"),
            company("Beta Inc", "1"),
            company("Euro GmbH", europe),
            company("Gone Corp", "1", isInactive=True),
            company("Twin Co", "1"),
            company("Twin Co", "1", email="other@twin.example"),
        ],
    )
    return {"Acme Ltd": acme, "Beta Inc": beta, "Euro GmbH": euro, "Gone Corp": gone}


def person(first: str, email: str, org: str, title: str = "Buyer") -> dict:
    return g_person(first, "Test", email, organizations=[{"name": org, "title": title}])


def ns_contact(sandboxes, email: str) -> dict:
    rows = sandboxes.netsuite.store.db.execute("SELECT id FROM t_contact ORDER BY id").fetchall()
    found = [c for c in (sandboxes.netsuite.get_record("contact", r[0]) for r in rows) if c.get("email") == email]
    assert len(found) == 1, found
    return found[0]


def company_of(record: dict) -> str | None:
    return (record.get("company") or {}).get("id")


def outcome_of(run, email: str) -> RecordOutcome:
    (outcome,) = RecordOutcome.objects.filter(run=run, email=email, direction="to_netsuite")
    return outcome


def name_queries(queries: list[str]) -> list[str]:
    return [q for q in queries if "companyname IN" in q]


def test_google_organizations_link_the_netsuite_companies_of_that_name_or_leave_them_with_a_warning(
    sandboxes, contacts_connection, companies, suiteql_queries
):
    seed(
        sandboxes,
        google=[
            person("Ann", "ann@acme.example", "Acme Ltd"),
            person("Eva", "eva@euro.example", "Euro GmbH"),  # a company of another subsidiary only
            person("Gil", "gil@gone.example", "Gone Corp"),  # inactive
            person("Tia", "tia@twin.example", "Twin Co"),  # two companies bear the name
        ],
    )
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error

    # (a) created in NetSuite, linked to the company of the subsidiary with that name.
    ann = ns_contact(sandboxes, "ann@acme.example")
    assert company_of(ann) == companies["Acme Ltd"]
    created = outcome_of(run, "ann@acme.example")
    assert created.outcome == Outcome.CREATED and "Warning" not in created.message
    # (e) a company of another subsidiary is not linked: the contact is created without a company, and says so.
    eva = ns_contact(sandboxes, "eva@euro.example")
    assert company_of(eva) is None and eva["firstName"] == "Eva"
    message = outcome_of(run, "eva@euro.example").message
    assert f"Warning: 'Euro GmbH' is no active company customer of subsidiary 1 in NetSuite: {LEFT}." in message
    assert company_of(ns_contact(sandboxes, "gil@gone.example")) is None
    assert "'Gone Corp' is no active company customer" in outcome_of(run, "gil@gone.example").message
    assert company_of(ns_contact(sandboxes, "tia@twin.example")) is None
    assert "'Twin Co' names 2 active company customers" in outcome_of(run, "tia@twin.example").message
    assert len(name_queries(suiteql_queries)) == 1
    # The warnings count on the health page; nothing failed.
    health = connection_health(contacts_connection)
    assert health.failing.count == 0 and health.warnings.count == 3

    # (b) renamed in Google to another company of the subsidiary: the contact is linked to it.
    g_ann = g_by_email(sandboxes)["ann@acme.example"][0]["resourceName"]
    sandboxes.google.touch(g_ann, organizations=[{"name": "Beta Inc", "title": "Buyer"}])
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert company_of(ns_contact(sandboxes, "ann@acme.example")) == companies["Beta Inc"]
    updated = outcome_of(run, "ann@acme.example")
    assert updated.outcome == Outcome.UPDATED and "Warning" not in updated.message
    assert updated.diff["company"][1]["id"] == companies["Beta Inc"]

    # (c) renamed to a name NetSuite does not know, with a new title: the title is written, the company left.
    sandboxes.google.touch(g_ann, organizations=[{"name": "Nowhere Ltd", "title": "CTO"}])
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    ann = ns_contact(sandboxes, "ann@acme.example")
    assert ann["title"] == "CTO" and company_of(ann) == companies["Beta Inc"]
    left = outcome_of(run, "ann@acme.example")
    assert left.outcome == Outcome.UPDATED and "company" not in left.diff and "title" in left.diff
    assert f"Warning: 'Nowhere Ltd' is no active company customer of subsidiary 1 in NetSuite: {LEFT}." in left.message

    # Settled: the next run writes nothing either way, and Google keeps its organization.
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert not RecordOutcome.objects.filter(run=run, email="ann@acme.example").exclude(outcome=Outcome.UNCHANGED)
    assert organization(g_by_email(sandboxes)["ann@acme.example"][0]) == "Nowhere Ltd"
    assert company_of(ns_contact(sandboxes, "ann@acme.example")) == companies["Beta Inc"]

    # Only the organization changes, to another unknown name: nothing is written, and the outcome says why.
    sandboxes.google.touch(g_ann, organizations=[{"name": "Nowhere Else", "title": "CTO"}])
    run = sync(contacts_connection)
    unchanged = outcome_of(run, "ann@acme.example")
    assert unchanged.outcome == Outcome.UNCHANGED
    assert "'Nowhere Else' is no active company customer" in unchanged.message
    assert company_of(ns_contact(sandboxes, "ann@acme.example")) == companies["Beta Inc"]


def test_a_write_batch_looks_up_all_its_company_names_in_one_query(
    sandboxes, contacts_connection, companies, suiteql_queries
):
    (obrien,) = seed_netsuite(sandboxes, "customer", [company("O'Brien & Co", "1")])
    names = ["Acme Ltd", "Beta Inc", "O'Brien & Co", "Nowhere Ltd", "Euro GmbH"]
    seed(sandboxes, google=[person(f"P{i}", f"p{i}@people.example", names[i % 5]) for i in range(30)])

    run = sync(contacts_connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    (query,) = name_queries(suiteql_queries)  # 30 contacts, 5 distinct names: one query
    assert "'O''Brien & Co'" in query and "subsidiary = 1" in query
    expected = {"Acme Ltd": companies["Acme Ltd"], "Beta Inc": companies["Beta Inc"], "O'Brien & Co": obrien}
    for i in range(30):
        assert company_of(ns_contact(sandboxes, f"p{i}@people.example")) == expected.get(names[i % 5])
    counts = {o.outcome for o in RecordOutcome.objects.filter(run=run, direction="to_netsuite")}
    assert counts == {Outcome.CREATED}
    assert RecordOutcome.objects.filter(run=run, message__contains="Warning: ").count() == 12  # 6 + 6


def test_a_contact_linked_in_netsuite_keeps_its_company_when_google_empties_the_organization(
    sandboxes, contacts_connection, companies
):
    (contact_id,) = seed_netsuite(
        sandboxes,
        "contact",
        [
            {
                "firstName": "Sol",
                "lastName": "Test",
                "email": "sol@acme.example",
                "subsidiary": {"id": "1"},
                "company": {"id": companies["Acme Ltd"]},
            }
        ],
    )
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    g_sol = g_by_email(sandboxes)["sol@acme.example"][0]
    assert organization(g_sol) == "Acme Ltd"

    sandboxes.google.touch(g_sol["resourceName"], organizations=[{"title": "Buyer"}])
    run = sync(contacts_connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert company_of(sandboxes.netsuite.get_record("contact", int(contact_id))) == companies["Acme Ltd"]
    message = outcome_of(run, "sol@acme.example").message
    assert f"The company name is empty: a contact is taken off its company in NetSuite only, so {LEFT}." in message
