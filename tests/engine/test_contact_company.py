"""A NetSuite contact's company through real syncs of a *Contacts* connection, over HTTP against both
sandboxes: the company's name reaches Google's organization; a contact whose company is a customer of
another subsidiary is excluded with the reason (and so is the Google contact with its email), at one
more SuiteQL request per page, not one per contact."""

from __future__ import annotations

import pytest

from ops.health import connection_health
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome

from .companies import company, contact, organization, seed_netsuite
from .harness import make_connection, sync
from .helpers import g_by_email, g_person, seed


@pytest.fixture
def contacts_connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings, contact_type="contacts")


def test_a_contacts_company_name_reaches_google_and_one_of_another_subsidiary_is_excluded(
    sandboxes, contacts_connection, suiteql_queries
):
    (other_subsidiary,) = seed_netsuite(sandboxes, "subsidiary", [{"name": "Europe", "parent": {"id": "1"}}])
    acme, euro = seed_netsuite(
        sandboxes, "customer", [company("Acme Ltd", "1"), company("Euro GmbH", other_subsidiary)]
    )
    _, eva_id, _ = seed_netsuite(
        sandboxes,
        "contact",
        [
            contact("Ann", "ann@acme.example", acme),
            contact("Eva", "eva@euro.example", euro),
            contact("Sol", "sol@alone.example", None),
        ],
    )
    # Eva is also in Google: paired with an excluded contact, her Google contact is not synced either.
    seed(sandboxes, google=[g_person("Eva", "Test", "eva@euro.example")])
    run = sync(contacts_connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    people = g_by_email(sandboxes)
    assert organization(people["ann@acme.example"][0]) == "Acme Ltd"
    assert "sol@alone.example" in people
    assert organization(people["eva@euro.example"][0]) is None  # untouched
    (eva,) = RecordOutcome.objects.filter(run=run, email="eva@euro.example", direction="to_app")
    assert eva.outcome == Outcome.EXCLUDED_OUT_OF_SCOPE
    assert "company, Euro GmbH, belongs to another subsidiary (Europe)" in eva.message
    (eva_google,) = RecordOutcome.objects.filter(run=run, email="eva@euro.example", direction="to_netsuite")
    assert eva_google.outcome == Outcome.EXCLUDED_OUT_OF_SCOPE and "Euro GmbH" in eva_google.message
    assert not RecordLink.objects.filter(connection=contacts_connection, match_key="eva@euro.example").exists()
    health = connection_health(contacts_connection)
    assert health.failing.count == 0
    out_of_scope = {figure.label: figure.count for figure in health.excluded}["Outside the connection's scope"]
    assert out_of_scope == 2  # Eva in NetSuite, and her Google contact
    # The companies' subsidiaries: one query for the page, naming each company once.
    company_queries = [q for q in suiteql_queries if "FROM customer" in q and "subsidiary_name" in q]
    assert len(company_queries) == 1 and f"IN ({acme}, {euro})" in company_queries[0]

    # Edited in Google, her contact stays excluded: the NetSuite contact it pairs with is out of scope.
    g_eva = g_by_email(sandboxes)["eva@euro.example"][0]["resourceName"]
    sandboxes.google.touch(g_eva, organizations=[{"name": "Acme Ltd"}])
    run = sync(contacts_connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    (eva_google,) = RecordOutcome.objects.filter(run=run, email="eva@euro.example", direction="to_netsuite")
    assert eva_google.outcome == Outcome.EXCLUDED_OUT_OF_SCOPE
    assert sandboxes.netsuite.get_record("contact", int(eva_id))["company"]["id"] == euro
