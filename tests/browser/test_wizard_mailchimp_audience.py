"""The wizard in a real Chromium sets up NetSuite Individual Customers ⇄ a Mailchimp audience (issue 19): the
NetSuite account, a Mailchimp account added from the app step (its API key checked by the Mailchimp sandbox,
never shown again), the audience picked from those the sandbox lists live, the review (Mailchimp's default
mappings, the unsubscribe policy, double opt-in), and the dry run's preview counting the audience's members and
what the first run would do; the preview writes nothing to either sandbox."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from connections.models import Connection
from syncengine.choices import Outcome, SyncDirection
from syncengine.models import RecordOutcome, SyncRun

from .conftest import log_in, ns_person, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWSLETTER = "b2c3d4e5f6"


@pytest.fixture
def mailchimp(running_mailchimp, sandboxes):
    """A second audience, "Newsletter", with two members: Katherine, a NetSuite customer too (other first
    name), and Linus, new to NetSuite. NetSuite gets Katherine at the same address."""
    app, server = running_mailchimp
    app.reset()
    app.seed({"lists": [{"id": NEWSLETTER, "name": "Newsletter"}]})
    app.add_member("katherine@nasa-mail.org", list_id=NEWSLETTER, merge_fields={"FNAME": "Kathy", "LNAME": "Johnson"})
    app.add_member("linus@kernel-mail.org", list_id=NEWSLETTER, merge_fields={"FNAME": "Linus", "LNAME": "Torvalds"})
    sandboxes.netsuite.seed({"records": {"customer": [ns_person("Katherine", "Johnson", "katherine@nasa-mail.org")]}})
    return {**app.print_config(server.base_url), "app": app}


def test_wizard_sets_up_individual_customers_with_a_mailchimp_audience_through_the_dry_run(
    page: Page, administrator_user, sandboxes, mailchimp
):
    log_in(page, administrator_user)
    ns = sandboxes.netsuite.print_config(sandboxes.netsuite_server.base_url)
    page.goto("/admin/connections/connection/")
    page.click("#connection-wizard-link")

    # 1-3. NetSuite account, subsidiary, Individual Customers.
    page.fill("#id_new-label", "NetSuite sandbox")
    page.fill("#id_new-account_id", ns["account_id"])
    for name in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
        page.fill(f"#id_new-{name}", ns[name])
    page.fill("#id_new-api_base_url", ns["base_url"])
    page.click("#authorize-netsuite")
    page.get_by_role("radio", name="Parent Company (internal ID 1)").check()
    page.click("#wizard-next")
    page.check("input[value=individual_customers]")
    page.click("#wizard-next")

    # 4. Add a Mailchimp account (the admin's form checks the key), come back with it chosen and its audiences
    # listed by the sandbox; pick the Newsletter.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "app")
    page.click("#add-mailchimp")
    page.fill("#id_label", "Marketing Mailchimp")
    page.fill("#id_account_id", "marketing")
    page.fill("#id_api_base_url", mailchimp["base_url"])
    page.fill("#id_api_key", mailchimp["api_key"])
    page.click("input[name=_save]")
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "app")
    expect(page.get_by_role("radio", name=re.compile(r"^Marketing Mailchimp"))).to_be_checked()
    assert mailchimp["api_key"] not in page.content()
    expect(page.get_by_role("radio", name=f"Demo audience (ID {mailchimp['list_id']})")).to_be_visible()
    page.get_by_role("radio", name=f"Newsletter (ID {NEWSLETTER})").check()
    shot(page, "wizard-4-mailchimp-audience", width=1400, height=900)
    page.click("#wizard-next")

    # 5. Review: the audience by name, Mailchimp's default mappings, unsubscribes both ways, double opt-in.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "review")
    expect(page.locator("#review-object")).to_have_text("Newsletter")
    mappings = page.locator("#default-mappings")
    for label in ("Email", "First Name", "Last Name", "Phone"):
        expect(mappings).to_contain_text(label)
    expect(page.locator("#id_r-name")).to_have_value(re.compile(r"⇄ Newsletter \(Marketing Mailchimp\)$"))
    page.select_option("#id_r-subscription_sync", "both")
    page.check("#id_r-double_opt_in")
    shot(page, "wizard-5-mailchimp-review", width=1400, height=900)
    page.click("#wizard-next")

    # 6. The dry run: the Newsletter's 2 members read; Linus would be created in NetSuite, Katherine linked by
    # email, NetSuite's other customers would join the audience; nothing was written anywhere.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "preview")
    expect(page.locator(".intro")).to_contain_text("Mailchimp's 2 records of the audience “Newsletter”")
    shot(page, "wizard-6-mailchimp-preview", width=1400, height=900)
    connection = Connection.objects.get()
    assert (connection.app_object_type, connection.subscription_sync, connection.double_opt_in) == (
        f"audience/{NEWSLETTER}",
        "both",
        True,
    )
    assert connection.paused and not SyncRun.objects.filter(dry_run=False).exists()
    planned = RecordOutcome.objects.filter(run__connection=connection, run__dry_run=True)
    to_netsuite = set(planned.filter(direction=SyncDirection.TO_NETSUITE).values_list("email", "outcome"))
    assert ("linus@kernel-mail.org", Outcome.CREATED) in to_netsuite
    katherine = set(planned.filter(email="katherine@nasa-mail.org").values_list("outcome", flat=True))
    assert katherine and Outcome.CREATED not in katherine  # paired by email, not created again
    to_app = planned.filter(direction=SyncDirection.TO_APP, outcome=Outcome.CREATED).count()
    assert to_app >= 2  # Ada and Alan at least (Grace has no email)
    rows = page.locator("#dry-run-summary tbody tr")
    expect(rows.nth(0)).to_contain_text("NetSuite → Mailchimp")
    expect(rows.nth(0).locator("td.count").nth(0)).to_have_text(str(to_app))  # "would create"
    expect(rows.nth(1)).to_contain_text("Mailchimp → NetSuite")
    expect(rows.nth(1).locator("td.count").nth(0)).to_have_text("1")
    assert not [r for r in sandboxes.netsuite.requests() if "/record/v1/" in r["path"] and r["method"] != "GET"]
    assert [r for r in mailchimp["app"].requests() if r["method"] != "GET"] == []
