"""``manage.py seed_demo`` against the running sandboxes, and the demos' first syncs (run in the foreground):
the demo's NetSuite records carry addresses (customers, some with a second entry, and contacts), its contacts
belong to companies, and after the sync the addresses are in Google; beside it, NetSuite's contacts ⇄ the
HubSpot sandbox's contacts, whose first sync brings each side's contacts to the other, and NetSuite's
individual customers ⇄ the Mailchimp sandbox's demo audience, whose first sync adds customers as members,
members as customers, links the people on both sides and carries an unsubscribe to NetSuite."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from connections.models import Connection
from devtools.management.commands.seed_demo import (
    DEMO_CONNECTION,
    DEMO_HUBSPOT_COMPANIES,
    DEMO_HUBSPOT_CONNECTION,
    DEMO_HUBSPOT_CONTACTS,
    DEMO_MAILCHIMP_CONNECTION,
    DEMO_MAILCHIMP_MEMBERS,
    OVERLAP,
)
from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox
from sandbox.hubspot import default_config as hubspot_config
from sandbox.mailchimp import MailchimpSandbox
from sandbox.mailchimp import default_config as mailchimp_config
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordOutcome

from ..engine.harness import sync
from ..engine.helpers import google_people, ns_by_email, ns_customers


def _address_books(sandboxes, record_type: str) -> list[list[dict]]:
    rows = sandboxes.netsuite.store.db.execute(f"SELECT id FROM t_{record_type} ORDER BY id").fetchall()  # noqa: S608
    records = [sandboxes.netsuite.get_record(record_type, row[0]) for row in rows]
    return [(r.get("addressBook") or {}).get("items") or [] for r in records]


@pytest.fixture
def hubspot():
    app = HubSpotSandbox(hubspot_config())
    server = SandboxServer(app).start()
    yield app, server
    server.stop()


@pytest.fixture
def mailchimp():
    app = MailchimpSandbox(mailchimp_config())
    server = SandboxServer(app).start()
    yield app, server
    server.stop()


def test_the_demo_seeds_addresses_and_companies_and_its_sync_brings_the_addresses_to_google(
    db, sandboxes, settings, hubspot, mailchimp
):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    g_info = sandboxes.google.print_config(sandboxes.google_server.base_url)
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = g_info["client_id"], g_info["client_secret"]
    call_command(
        "seed_demo",
        "--netsuite-url",
        sandboxes.netsuite_server.base_url,
        "--google-url",
        sandboxes.google_server.base_url,
        "--hubspot-url",
        hubspot[1].base_url,
        "--mailchimp-url",
        mailchimp[1].base_url,
        "--no-run",
        stdout=StringIO(),
    )

    customer_books = _address_books(sandboxes, "customer")
    assert sum(1 for book in customer_books if book) > len(customer_books) // 2
    assert any(len(book) >= 2 for book in customer_books)  # a second entry (shipping) next to the default
    contact_books = _address_books(sandboxes, "contact")
    assert sum(1 for book in contact_books if book) >= len(contact_books) // 4
    contacts = sandboxes.netsuite.store.db.execute("SELECT company FROM t_contact").fetchall()
    assert sum(1 for (company,) in contacts if company) >= len(contacts) // 2  # contacts belong to companies
    for _, _, email, *_ in OVERLAP:  # the people on both sides have an address in NetSuite too
        assert ns_by_email(sandboxes)[email][0]["addressBook"]["items"], email

    connection = Connection.objects.get(name=DEMO_CONNECTION)
    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    with_home = [p for p in google_people(sandboxes) if any(a.get("type") == "home" for a in p.get("addresses", []))]
    individuals_with_address = [
        r
        for r in ns_customers(sandboxes)
        if r.get("isPerson") and r["subsidiary"]["id"] == "1" and (r.get("addressBook") or {}).get("items")
    ]
    # The demo syncs subsidiary 1's individual customers; a few of them have no email or share one (excluded).
    assert len(individuals_with_address) >= 10
    assert len(with_home) >= 2 * len(individuals_with_address) // 3, (len(with_home), len(individuals_with_address))
    overlap = {email for _, _, email, *_ in OVERLAP}
    reached = [p for p in with_home if any(e["value"].lower() in overlap for e in p.get("emailAddresses", []))]
    assert len(reached) == len(OVERLAP)  # the linked people's NetSuite address reached their Google contact

    # Beside it, NetSuite's contacts ⇄ HubSpot's: the first sync creates each side's contacts on the other.
    hubspot_app, _ = hubspot
    demo = Connection.objects.get(name=DEMO_HUBSPOT_CONNECTION)
    assert (demo.contact_type, demo.app_account.provider) == ("contacts", "hubspot")
    assert demo.netsuite_account_id == connection.netsuite_account_id  # one NetSuite account, two connections
    assert hubspot_app.state()["contacts"]["active"] == DEMO_HUBSPOT_CONTACTS
    first = sync(demo)
    assert first.status == RunStatus.SUCCEEDED, first.error
    created = RecordOutcome.objects.filter(run=first, outcome=Outcome.CREATED)
    assert created.filter(direction=SyncDirection.TO_APP).count() > 0
    assert created.filter(direction=SyncDirection.TO_NETSUITE).count() > 0
    assert hubspot_app.state()["contacts"]["active"] > DEMO_HUBSPOT_CONTACTS

    # And NetSuite's company customers ⇄ HubSpot's companies, paired by domain and name.
    companies = Connection.objects.get(name=DEMO_HUBSPOT_COMPANIES)
    assert (companies.contact_type, companies.app_object_type) == ("company_customers", "companies")
    before = hubspot_app.state()["companies"]["active"]
    first = sync(companies)
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert RecordOutcome.objects.filter(run=first, outcome=Outcome.CREATED, direction=SyncDirection.TO_APP).exists()
    assert hubspot_app.state()["companies"]["active"] > before

    # And NetSuite's individual customers ⇄ the Mailchimp sandbox's demo audience, unsubscribes both ways.
    mailchimp_app, _ = mailchimp
    audience = mailchimp_app.config.default_list_id
    members_before = mailchimp_app.state()["lists"][audience]["members"]
    assert sum(members_before.values()) == DEMO_MAILCHIMP_MEMBERS + len(OVERLAP)
    marketing = Connection.objects.get(name=DEMO_MAILCHIMP_CONNECTION)
    assert (marketing.contact_type, marketing.app_object_type, marketing.subscription_sync) == (
        "individual_customers",
        f"audience/{audience}",
        "both",
    )
    assert marketing.netsuite_account_id == connection.netsuite_account_id
    first = sync(marketing)
    assert first.status == RunStatus.SUCCEEDED, first.error  # no address Mailchimp refuses is sent to it
    logged = RecordOutcome.objects.filter(run=first)
    assert logged.filter(outcome=Outcome.CREATED, direction=SyncDirection.TO_APP).count() >= 10
    assert logged.filter(outcome=Outcome.CREATED, direction=SyncDirection.TO_NETSUITE).count() > 0
    excluded = logged.filter(outcome=Outcome.SKIPPED_BY_RULES, direction=SyncDirection.TO_APP)
    assert excluded.exists() and all("@example." in (o.email or "") for o in excluded)
    members_after = sum(mailchimp_app.state()["lists"][audience]["members"].values())
    assert members_after > DEMO_MAILCHIMP_MEMBERS + len(OVERLAP)
    for _, _, email, *_ in OVERLAP:  # the people on both sides are linked, never duplicated
        assert len(ns_by_email(sandboxes)[email]) == 1, email
        assert mailchimp_app.member(email) is not None
    unsubscribed = OVERLAP[-1][2]  # unsubscribed in Mailchimp: Soft Opt-Out in NetSuite
    assert ns_by_email(sandboxes)[unsubscribed][0]["globalSubscriptionStatus"]["id"] == "1"
