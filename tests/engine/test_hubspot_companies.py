"""NetSuite Company Customers ⇄ HubSpot companies through the engine, over HTTP against both sandboxes
(issue 18, "Companies"): companies no link holds are paired by domain (from the website, else a business
email), then by normalised name; an ambiguous match is logged as a duplicate and touches nothing; what
matches nothing is created on the other side; the next run writes nothing."""

from __future__ import annotations

import pytest

from connections.models import Connection
from mappings.models import FieldMapping
from rules.models import Condition
from sandbox.hubspot import HubSpotSandbox
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordLink, RecordOutcome

from .harness import make_connection
from .helpers import ns_customers, seed
from .hubspot_setup import run, verified_hubspot_account

pytestmark = pytest.mark.django_db(transaction=True)


def company_connection(sandboxes, settings, hubspot, **options) -> Connection:
    """Company Customers ⇄ HubSpot companies: a HubSpot account verified over HTTP, default mappings."""
    netsuite = make_connection(sandboxes, settings, contact_type="company_customers")
    account = verified_hubspot_account(hubspot)
    connection = Connection(
        name="Companies ⇄ HubSpot",
        netsuite_account=netsuite.netsuite_account,
        subsidiary=netsuite.subsidiary,
        contact_type="company_customers",
        app_account=account,
        app_object_type="companies",
        **options,
    )
    connection.full_clean()
    connection.save()
    return connection


def ns_company(name: str, email: str = "", url: str = "") -> dict:
    body = {"isPerson": False, "companyName": name, "subsidiary": {"id": "1"}}
    if email:
        body["email"] = email
    if url:
        body["url"] = url
    return body


def hs_company(name: str, domain: str = "", **extra) -> dict:
    properties = {"name": name, **extra}
    if domain:
        properties["domain"] = domain
    return {"properties": properties}


def hubspot_companies(app: HubSpotSandbox) -> dict[str, dict]:
    """HubSpot's live companies by id."""
    return {str(record.id): record.properties for record in app.portal.store("companies").active()}


def ns_companies(sandboxes) -> dict[str, dict]:
    return {str(c["id"]): c for c in ns_customers(sandboxes) if not c.get("isPerson")}


def links(connection: Connection) -> dict[str, str]:
    """NetSuite id → HubSpot id of the connection's linked pairs."""
    return dict(RecordLink.objects.filter(connection=connection, state="linked").values_list("netsuite_id", "app_id"))


def test_a_company_connection_gets_the_company_defaults_and_refuses_people_contact_types(sandboxes, settings, hubspot):
    connection = company_connection(sandboxes, settings, hubspot)
    mapped = set(FieldMapping.objects.filter(connection=connection).values_list("netsuite_field", "app_field"))
    assert {("companyName", "name"), ("url", "website"), ("phone", "phone")} <= mapped
    assert Condition.objects.filter(rule__connection=connection, field_id="name", operator="is_not_empty").exists()
    connection.contact_type = "contacts"
    with pytest.raises(Exception, match="Company Customers only"):
        connection.full_clean()


def test_companies_pair_by_domain_then_name_an_ambiguous_name_is_a_duplicate_and_the_rest_is_created(
    sandboxes, settings, hubspot
):
    app, _ = hubspot
    ns_ids, _ = seed(
        sandboxes,
        netsuite=[
            ns_company("Acme Inc", url="https://www.acme.com/about"),  # domain from the website
            ns_company("Globex Corporation", email="info@globex.com"),  # domain from a business email
            ns_company("Initech", email="bill@gmail.com"),  # free mail: no domain, matched by name
            ns_company("Umbrella Ltd", email="ops@umbrella.io"),  # two HubSpot Umbrellas: ambiguous
            ns_company("Hooli", url="hooli.xyz"),  # nothing in HubSpot: created there
        ],
    )
    acme, globex, initech, umbrella, hooli = (str(i) for i in ns_ids)
    app.seed(
        {
            "companies": [
                hs_company("ACME", "acme.com"),
                hs_company("Globex", "globex.com"),
                hs_company("Initech, Inc."),
                hs_company("Umbrella"),
                hs_company("UMBRELLA"),
                hs_company("Pied Piper", "piedpiper.com"),  # nothing in NetSuite: created there
            ]
        }
    )
    by_name = {p["name"]: i for i, p in hubspot_companies(app).items()}
    connection = company_connection(sandboxes, settings, hubspot)

    first = run(connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    linked = links(connection)
    assert linked[acme] == by_name["ACME"]
    assert linked[globex] == by_name["Globex"]
    assert linked[initech] == by_name["Initech, Inc."]
    assert umbrella not in linked and by_name["Umbrella"] not in linked.values()
    duplicates = RecordOutcome.objects.filter(run=first, outcome=Outcome.DUPLICATE)
    assert {(o.netsuite_id or o.app_id) for o in duplicates} == {umbrella, by_name["Umbrella"], by_name["UMBRELLA"]}
    assert all("Ambiguous" in o.message and "not guessed" in o.message for o in duplicates)
    # Hooli was created in HubSpot with its domain's website, Pied Piper in NetSuite.
    companies = hubspot_companies(app)
    assert companies[linked[hooli]]["name"] == "Hooli" and companies[linked[hooli]]["website"] == "hooli.xyz"
    created_in_ns = {i: c for i, c in ns_companies(sandboxes).items() if int(i) not in ns_ids}
    assert [c["companyName"] for c in created_in_ns.values()] == ["Pied Piper"]
    assert linked[next(iter(created_in_ns))] == by_name["Pied Piper"]
    assert len(companies) == 7 and len(ns_companies(sandboxes)) == 6  # nothing else was created

    writes_before = len([r for r in app.requests() if r["method"] != "GET" and "/search" not in r["path"]])
    second = run(connection)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert not RecordOutcome.objects.filter(run=second).exclude(outcome=Outcome.DUPLICATE).exists()
    writes_after = len([r for r in app.requests() if r["method"] != "GET" and "/search" not in r["path"]])
    assert writes_after == writes_before


def test_domain_only_matching_leaves_a_company_without_a_domain_out_and_says_why(sandboxes, settings, hubspot):
    app, _ = hubspot
    ns_ids, _ = seed(sandboxes, netsuite=[ns_company("Initech", email="bill@gmail.com")])
    app.seed({"companies": [hs_company("Initech, Inc.")]})
    connection = company_connection(sandboxes, settings, hubspot, company_matching="domain")
    first = run(connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    excluded = RecordOutcome.objects.filter(run=first, outcome=Outcome.EXCLUDED_NO_MATCH_KEY)
    assert excluded.count() == 2  # the NetSuite company and the HubSpot one
    assert all("no domain to match it by" in o.message for o in excluded)
    assert links(connection) == {} and len(hubspot_companies(app)) == 1 and len(ns_companies(sandboxes)) == 1


def test_name_only_matching_pairs_by_name_even_when_the_domains_differ(sandboxes, settings, hubspot):
    app, _ = hubspot
    ns_ids, _ = seed(sandboxes, netsuite=[ns_company("Soylent Corp.", url="soylent.example")])
    app.seed({"companies": [hs_company("SOYLENT", "soylent-foods.example")]})
    connection = company_connection(sandboxes, settings, hubspot, company_matching="name")
    first = run(connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    (hs_id,) = hubspot_companies(app)
    assert links(connection) == {str(ns_ids[0]): hs_id}
    assert RecordOutcome.objects.filter(run=first, direction=SyncDirection.TO_APP).exists()
