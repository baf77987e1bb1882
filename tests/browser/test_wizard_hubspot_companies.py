"""The wizard in a real Chromium sets up NetSuite Company Customers ⇄ HubSpot companies (issue 18): the
NetSuite account, a HubSpot account added from the app step (its token checked by the HubSpot sandbox),
"the app's companies" chosen, the company defaults reviewed, and the dry run's preview counts what the
first run would do: a company paired by domain, one created on each side, an ambiguous name excluded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from connections.models import Connection
from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox
from sandbox.hubspot import default_config as hubspot_config
from syncengine.choices import Outcome
from syncengine.models import RecordOutcome, SyncRun

from .conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def _hubspot_server():
    app = HubSpotSandbox(hubspot_config())
    server = SandboxServer(app).start()
    yield app, server
    server.stop()


@pytest.fixture
def hubspot(_hubspot_server, sandboxes):
    app, server = _hubspot_server
    app.reset()
    app.seed(
        {
            "companies": [
                {"properties": {"name": "ACME", "domain": "acme.com"}},  # NetSuite's Acme by domain
                {"properties": {"name": "Umbrella"}},  # two Umbrellas: ambiguous for NetSuite's
                {"properties": {"name": "UMBRELLA"}},
                {"properties": {"name": "Pied Piper", "domain": "piedpiper.com"}},  # new in NetSuite
            ]
        }
    )
    companies = [
        {"isPerson": False, "companyName": "Acme Inc", "email": "sales@acme.com", "subsidiary": {"id": "1"}},
        {"isPerson": False, "companyName": "Umbrella Ltd", "subsidiary": {"id": "1"}},
        {"isPerson": False, "companyName": "Hooli", "url": "https://hooli.xyz", "subsidiary": {"id": "1"}},
    ]
    ids = sandboxes.netsuite.seed({"records": {"customer": companies}})["created"]["customer"]
    hs_ids = {p.properties["name"]: str(p.id) for p in app.portal.store("companies").active()}
    return {**app.print_config(server.base_url), "ns_ids": [str(i) for i in ids], "hs_ids": hs_ids}


def test_wizard_sets_up_company_customers_with_hubspot_companies_through_the_dry_run(
    page: Page, administrator_user, sandboxes, hubspot, _hubspot_server
):
    log_in(page, administrator_user)
    ns = sandboxes.netsuite.print_config(sandboxes.netsuite_server.base_url)
    page.goto("/admin/connections/connection/")
    page.click("#connection-wizard-link")

    # 1-3. NetSuite account, subsidiary, Company Customers.
    page.fill("#id_new-label", "NetSuite sandbox")
    page.fill("#id_new-account_id", ns["account_id"])
    for name in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
        page.fill(f"#id_new-{name}", ns[name])
    page.fill("#id_new-api_base_url", ns["base_url"])
    page.click("#authorize-netsuite")
    page.get_by_role("radio", name="Parent Company (internal ID 1)").check()
    page.click("#wizard-next")
    page.check("input[value=company_customers]")
    page.click("#wizard-next")

    # 4. Add a HubSpot account (the admin's form checks the token), come back with it chosen.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "app")
    page.click("#add-hubspot")
    page.fill("#id_label", "Ops HubSpot")
    page.fill("#id_account_id", str(hubspot["portal_id"]))
    page.fill("#id_api_base_url", hubspot["base_url"])
    page.fill("#id_private_app_token", hubspot["access_token"])
    page.click("input[name=_save]")
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "app")
    expect(page.get_by_role("radio", name=re.compile(r"^Ops HubSpot"))).to_be_checked()
    assert hubspot["access_token"] not in page.content()
    page.get_by_role("radio", name=re.compile(r"companies \(HubSpot\)")).check()
    shot(page, "wizard-4-hubspot-companies", width=1400, height=900)
    page.click("#wizard-next")

    # 5. Review: the company defaults (names, website, phone, address) and the rule on the company name.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "review")
    mappings = page.locator("#default-mappings")
    for label in ("Company Name", "Web Address", "Website URL", "Phone", "Default Address"):
        expect(mappings).to_contain_text(label)
    expect(page.locator("#default-rules")).to_contain_text("with a domain or name")
    shot(page, "wizard-5-hubspot-review", width=1400, height=900)
    expect(page.locator("#id_r-name")).to_have_value(re.compile(r"Company Customers ⇄ Ops HubSpot companies"))
    page.click("#wizard-next")

    # 6. The dry run: Hooli would be created in HubSpot, Pied Piper in NetSuite, Acme linked by domain, and
    # the three Umbrellas excluded as ambiguous; nothing was written.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "preview")
    shot(page, "wizard-6-hubspot-companies-preview", width=1400, height=900)
    connection = Connection.objects.get()
    assert (connection.contact_type, connection.app_object_type) == ("company_customers", "companies")
    assert connection.paused and not SyncRun.objects.filter(dry_run=False).exists()
    acme, umbrella, hooli = hubspot["ns_ids"]
    hs = hubspot["hs_ids"]
    found = {
        (o.direction, o.netsuite_id or "", o.app_id or ""): (o.outcome, o.message)
        for o in RecordOutcome.objects.filter(run__connection=connection)
    }
    by_record = {}
    for (direction, ns_id, app_id), (outcome, message) in found.items():
        by_record.setdefault(ns_id, []).append((direction, outcome, message))
        by_record.setdefault(app_id, []).append((direction, outcome, message))
    assert [o for _, o, _ in by_record[hooli]] == [Outcome.CREATED]  # created in HubSpot
    assert [(d, o) for d, o, _ in by_record[hs["Pied Piper"]]] == [("to_netsuite", Outcome.CREATED)]
    assert Outcome.CONFLICT_RESOLVED in [o for _, o, _ in by_record[acme]]  # paired with ACME by domain...
    assert hs["ACME"] in {app_id for (_, ns_id, app_id) in found if ns_id == acme}  # ...HubSpot's ACME
    for record in (umbrella, hs["Umbrella"], hs["UMBRELLA"]):
        ((_, outcome, message),) = by_record[record]
        assert outcome == Outcome.DUPLICATE and "Ambiguous" in message and "not guessed" in message
    expect(page.locator(".intro")).to_contain_text("HubSpot's 4 companies")
    summary = page.locator("#dry-run-summary")
    expect(summary).to_contain_text("HubSpot")
    app, _ = _hubspot_server
    assert not [r for r in sandboxes.netsuite.requests() if "/record/v1/" in r["path"] and r["method"] != "GET"]
    assert not [r for r in app.requests() if "/objects/" in r["path"] and r["method"] in ("PATCH", "DELETE", "PUT")]
    assert not [
        r
        for r in app.requests()
        if re.search(r"/objects/\w+(/batch/(create|update|archive))?$", r["path"]) and r["method"] == "POST"
    ]
