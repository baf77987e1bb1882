"""Company Customers and Contacts through a real sync, over HTTP against both sandboxes.

- A Google contact without a company is *excluded* by the default rule of Company Customers (health counts it
  under excluded, not failing), never sent to NetSuite to be refused on every run.
- A NetSuite company reaches Google under its company name (the contact's name, not only its organization).
- The connection's contact type decides, on the way in, whether a record is a company or a person.
- Contacts: Initial Lead Source is ``contactSource``; a rule's condition on it and its action setting it work.
- The rule editor of a Contacts connection does not offer Partner and Sales Rep, and says why.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from connections.models import Connection
from mappings.catalog_cache import refresh_catalog
from ops.health import connection_health
from rules.models import Rule
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import make_connection, sync
from .helpers import g_by_email, g_person, ns_customers, ns_person, seed, writes
from .rule_setup import add_action, add_rule, default_rule, disable_default_rule

COMPANY_REFUSAL = "Please enter value(s) for: Company Name"


@pytest.fixture
def company_connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings, contact_type="company_customers")


@pytest.fixture
def contacts_connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings, contact_type="contacts")


def ns_company(name: str, email: str, **extra) -> dict:
    return {"isPerson": False, "companyName": name, "email": email, "subsidiary": {"id": "1"}, **extra}


def ns_contact(first: str, last: str, email: str, **extra) -> dict:
    return {"firstName": first, "lastName": last, "email": email, "subsidiary": {"id": "1"}, **extra}


def _second_connection(first: Connection, contact_type: str) -> Connection:
    """Another connection between the same two accounts and subsidiary, of ``contact_type``."""
    return Connection.objects.create(
        name=f"Second ({contact_type})",
        netsuite_account=first.netsuite_account,
        subsidiary=first.subsidiary,
        contact_type=contact_type,
        app_account=first.app_account,
    )


def _outcomes(run, **filters) -> list[RecordOutcome]:
    return list(RecordOutcome.objects.filter(run=run, **filters).order_by("pk"))


def _ns_contacts(sandboxes) -> dict[str, dict]:
    rows = sandboxes.netsuite.store.db.execute("SELECT id FROM t_contact ORDER BY id").fetchall()
    records = [sandboxes.netsuite.get_record("contact", row[0]) for row in rows]
    return {r["email"]: r for r in records if r.get("email")}


def _refusals(log: list[dict]) -> list[dict]:
    return [r for r in log if r.get("status", 200) >= 400]


# --- Company Customers --------------------------------------------------------------------------------------------
def test_a_google_contact_without_a_company_is_excluded_with_the_reason_not_refused(sandboxes, company_connection):
    seed(
        sandboxes,
        google=[
            g_person("Ann", "Lee", "ann@acme.example", organizations=[{"name": "Acme Ltd"}]),
            g_person("Bob", "Solo", "bob@example.com"),  # no organization: NetSuite would refuse it
        ],
    )

    first = sync(company_connection)

    assert first.status == RunStatus.SUCCEEDED, first.error
    (created,) = _outcomes(first, outcome=Outcome.CREATED)
    assert (created.direction, created.email) == ("to_netsuite", "ann@acme.example")
    (excluded,) = _outcomes(first, email="bob@example.com")
    assert (excluded.direction, excluded.outcome) == ("to_netsuite", Outcome.SKIPPED_BY_RULES)
    assert "Company is not empty → failed (record: empty)" in excluded.message
    assert not _outcomes(first, outcome=Outcome.FAILED)
    # Nothing was sent for Bob, so nothing was refused: one create, no 4xx.
    netsuite_log = sandboxes.requests()["netsuite"]
    assert len(writes(netsuite_log)) == 1 and not _refusals(netsuite_log)
    assert [c["companyName"] for c in ns_customers(sandboxes)] == ["Acme Ltd"]

    health = connection_health(company_connection)
    assert {f.label: f.count for f in health.excluded}["No rule matched"] == 1
    assert health.failing.count == 0

    # Later runs do not try again (nothing changed), and never end partially failed.
    sandboxes.clear_logs()
    for _ in range(2):
        again = sync(company_connection)
        assert again.status == RunStatus.SUCCEEDED, again.error
        assert not _outcomes(again, outcome=Outcome.FAILED)
    assert not _refusals(sandboxes.requests()["netsuite"])

    # Bob gets a company: the default rule lets him in, as a company customer.
    (bob_name,) = [p["resourceName"] for p in g_by_email(sandboxes)["bob@example.com"]]
    sandboxes.google.touch(bob_name, organizations=[{"name": "Solo Works"}])
    joined = sync(company_connection)
    assert joined.status == RunStatus.SUCCEEDED, joined.error
    bob = next(c for c in ns_customers(sandboxes) if c.get("email") == "bob@example.com")
    assert (bob["companyName"], bob["isPerson"]) == ("Solo Works", False)


def test_the_operator_can_see_and_change_the_default_company_rule(sandboxes, company_connection):
    rule = default_rule(company_connection, "to_netsuite")
    assert [(c.field_id, c.operator) for c in rule.conditions.all()] == [("organization.name", "is_not_empty")]
    # Without the condition NetSuite has the last word again: its refusal is what the outcome shows.
    rule.conditions.all().delete()
    seed(sandboxes, google=[g_person("Bob", "Solo", "bob@example.com")])

    run = sync(company_connection)

    assert run.status == RunStatus.PARTIALLY_FAILED
    (failed,) = _outcomes(run, email="bob@example.com")
    assert failed.outcome == Outcome.FAILED and COMPANY_REFUSAL in failed.message


def test_a_netsuite_company_reaches_google_under_its_company_name(sandboxes, company_connection):
    seed(
        sandboxes,
        netsuite=[
            ns_company("Globex Corporation", "info@globex.example", phone="+1 415 555 0199"),
            ns_person("Ivy", "Person", "ivy@example.com"),  # an individual: not this connection's type
        ],
    )

    run = sync(company_connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    people = g_by_email(sandboxes)
    assert sorted(people) == ["info@globex.example"]  # the individual customer is not read
    (globex,) = people["info@globex.example"]
    assert globex["names"][0]["displayName"] == "Globex Corporation"  # what Google lists the contact as
    assert globex["organizations"][0]["name"] == "Globex Corporation"
    (created,) = _outcomes(run)
    assert created.outcome == Outcome.CREATED and created.diff["name"] == [None, "Globex Corporation"]

    # Our write comes back from Google, then a quiet run: no echo, no write either way.
    assert sync(company_connection).status == RunStatus.SUCCEEDED
    sandboxes.clear_logs()
    quiet = sync(company_connection)
    assert writes(sandboxes.requests()["google"]) == [] and writes(sandboxes.requests()["netsuite"]) == []
    assert _outcomes(quiet) == []

    # A renamed company is renamed in Google too.
    company_id = next(int(c["id"]) for c in ns_customers(sandboxes) if c.get("companyName") == "Globex Corporation")
    sandboxes.netsuite.touch("customer", company_id, companyName="Globex Inc.")
    renamed = sync(company_connection)
    assert renamed.status == RunStatus.SUCCEEDED, renamed.error
    (globex,) = g_by_email(sandboxes)["info@globex.example"]
    assert (globex["names"][0]["displayName"], globex["organizations"][0]["name"]) == ("Globex Inc.", "Globex Inc.")


def test_the_contact_type_decides_company_or_person_never_the_fields_filled(sandboxes, company_connection):
    # A Google contact with a person's name AND a company: a company for a Company Customers connection.
    seed(sandboxes, google=[g_person("Ann", "Lee", "ann@initech.example", organizations=[{"name": "Initech"}])])

    assert sync(company_connection).status == RunStatus.SUCCEEDED
    (ann,) = [c for c in ns_customers(sandboxes) if c.get("email") == "ann@initech.example"]
    assert (ann["isPerson"], ann["companyName"]) == (False, "Initech")

    # The same kind of contact for an Individual Customers connection: a person.
    individuals = _second_connection(company_connection, "individual_customers")
    seed(sandboxes, google=[g_person("Cy", "Roe", "cy@initech.example", organizations=[{"name": "Initech"}])])
    assert sync(individuals).status == RunStatus.SUCCEEDED
    cy = next(c for c in ns_customers(sandboxes) if c.get("email") == "cy@initech.example")
    assert (cy["isPerson"], cy["firstName"], cy["lastName"]) == (True, "Cy", "Roe")


# --- Contacts: Initial Lead Source is contactSource ---------------------------------------------------------------
def test_a_contacts_rule_on_the_initial_lead_source_matches_and_its_action_sets_it(sandboxes, contacts_connection):
    campaigns = sandboxes.netsuite.seed(
        {"records": {"campaign": [{"title": "Trade Show"}, {"title": "Google Contacts"}]}}
    )["created"]["campaign"]
    trade_show, from_google = (str(i) for i in campaigns)
    sandboxes.netsuite.seed(
        {
            "records": {
                "contact": [
                    ns_contact("Tia", "Show", "tia@example.com", contactSource={"id": trade_show}),
                    ns_contact("Ned", "Web", "ned@example.com"),
                ]
            }
        }
    )
    refresh_catalog(contacts_connection.netsuite_account, "contacts")  # the campaigns become options
    disable_default_rule(contacts_connection, "to_app")
    add_rule(
        contacts_connection,
        "to_app",
        "Trade show contacts",
        conditions=[("contactSource", "is", {"id": trade_show, "name": "Trade Show"})],
    )
    add_action(default_rule(contacts_connection, "to_netsuite"), "contactSource", {"name": "Google Contacts"})
    seed(sandboxes, google=[g_person("Gus", "Gee", "gus@example.com")])

    run = sync(contacts_connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    # NetSuite → Google: only the contact whose Initial Lead Source is Trade Show.
    assert sorted(g_by_email(sandboxes)) == ["gus@example.com", "tia@example.com"]
    (tia,) = _outcomes(run, email="tia@example.com")
    assert (tia.outcome, tia.rules) == (Outcome.CREATED, ["Trade show contacts"])
    (ned,) = _outcomes(run, email="ned@example.com")
    assert ned.outcome == Outcome.SKIPPED_BY_RULES
    assert "Lead Source is «Trade Show» → failed (record: empty)" in ned.message
    # Google → NetSuite: a new contact record, its Initial Lead Source set by the action.
    gus = _ns_contacts(sandboxes)["gus@example.com"]
    assert gus["contactSource"]["id"] == from_google and (gus["firstName"], gus["lastName"]) == ("Gus", "Gee")
    (created,) = _outcomes(run, direction="to_netsuite")
    assert created.outcome == Outcome.CREATED and created.diff["contactSource"][1]["id"] == from_google


# --- The rule editor --------------------------------------------------------------------------------------------
def _field_options(html: str, select_name: str) -> list[str]:
    start = html.index(f'name="{select_name}"')
    end = html.index("</select>", start)
    return re.findall(r'<option value="([^"]+)"', html[start:end])


def test_the_rule_editor_offers_no_partner_or_sales_rep_for_contacts_and_says_why(
    sandboxes, contacts_connection, client, administrator_user
):
    sandboxes.netsuite.seed({"records": {"campaign": [{"title": "Trade Show"}]}})
    refresh_catalog(contacts_connection.netsuite_account, "contacts")
    client.force_login(administrator_user)
    for direction, prefix in (("to_app", "conditions-0-field_id"), ("to_netsuite", "actions-0-field_id")):
        rule = Rule.objects.get(connection=contacts_connection, direction=direction)
        html = client.get(reverse("admin:rules_rule_change", args=[rule.pk])).content.decode()
        offered = _field_options(html, prefix)
        assert "contactSource" in offered, direction
        # Its values are picked by name: the campaigns are suggested.
        assert '<option value="Trade Show" label="Lead Source"></option>' in html, direction
        assert not {"partner", "salesRep", "leadSource"} & set(offered), direction
        assert "Partner and Sales Rep are not fields of NetSuite contacts" in html

    # Customers have them, and no such note.
    customers = _second_connection(contacts_connection, "individual_customers")
    refresh_catalog(customers.netsuite_account, "individual_customers")
    rule = Rule.objects.get(connection=customers, direction="to_app")
    html = client.get(reverse("admin:rules_rule_change", args=[rule.pk])).content.decode()
    assert {"partner", "salesRep", "leadSource"} <= set(_field_options(html, "conditions-0-field_id"))
    assert "Partner and Sales Rep are not fields" not in html
