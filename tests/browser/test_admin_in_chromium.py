"""The admin in a real Chromium: log in, set up a connection with the wizard against the sandboxes,
start it, Run now through a real background worker, read the outcomes and the status banner;
an operator cannot reach credentials; a script in a synced name is shown, never run."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from connections.models import ConnectedAccount, Connection
from syncengine.choices import RunStatus
from syncengine.models import SyncRun
from syncengine.services import ACTIVE

from .conftest import XSS_NAME, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_SECRET = "cs-WRONG-77aa88bb99cc00dd11ee"


def _wait_for_run(run_id: int, log, timeout: float = 60) -> SyncRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = SyncRun.objects.get(pk=run_id)
        if run.status not in ACTIVE:
            return run
        time.sleep(0.3)
    pytest.fail(f"run {run_id} did not finish in {timeout} s; qcluster log:\n{log.read_text()}")


def _wait_until_idle(connection: Connection, timeout: float = 60) -> None:
    """No run of ``connection`` queued or running (the schedule may add one right after the start)."""
    deadline = time.monotonic() + timeout
    while SyncRun.objects.filter(connection=connection, status__in=ACTIVE).exists():
        assert time.monotonic() < deadline, "a run of the connection never finished"
        time.sleep(0.3)


def _run_now(page: Page, connection: Connection, log) -> int:
    """Click "Run now" on the connection page; returns the id of the run it queued.

    The worker's scheduler may queue the connection's first scheduled run at any moment after the
    start; when "Run now" finds that one already queued or running, wait for it and click again."""
    for _ in range(3):
        page.goto(f"/admin/connections/connection/{connection.pk}/change/")
        page.click("#run-now")
        message = page.locator(".messagelist").inner_text()
        run_id = int(re.search(r"Run (\d+)", message)[1])
        if "queued; the background worker starts it shortly" in message:
            return run_id
        _wait_for_run(run_id, log)
    pytest.fail(f"Run now never queued a run of its own: {message}")


def _assert_script_not_run(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


def _wizard(page: Page, sandboxes) -> Connection:
    """Steps 1 to 6 of the wizard, as a person would click them; returns the (paused) connection."""
    ns = sandboxes.netsuite.print_config(sandboxes.netsuite_server.base_url)
    page.goto("/admin/connections/connection/")
    page.click("#connection-wizard-link")

    # 1. NetSuite: a wrong secret first, then the right one.
    expect(page.locator("#no-netsuite-accounts")).to_be_visible()
    page.fill("#id_new-label", "NetSuite sandbox")
    page.fill("#id_new-account_id", ns["account_id"])
    for name in ("consumer_key", "token_id", "token_secret"):
        page.fill(f"#id_new-{name}", ns[name])
    page.fill("#id_new-consumer_secret", WRONG_SECRET)
    page.fill("#id_new-api_base_url", ns["base_url"])
    page.click("#authorize-netsuite")
    refusal = page.locator("#netsuite-refusal")
    expect(refusal.locator("strong")).to_have_text("The account was not saved.")
    expect(refusal.locator("li").first).to_contain_text("NetSuite refused the credentials for account 1234567_SB1")
    assert WRONG_SECRET not in page.content() and ns["token_secret"] not in page.content()
    expect(page.locator("#id_new-account_id")).to_have_value(ns["account_id"])
    expect(page.locator("#id_new-consumer_secret")).to_have_value("")
    assert not ConnectedAccount.objects.exists()
    shot(page, "wizard-1-netsuite-refused")
    # The three right secrets are kept (encrypted in the session): only the wrong one is typed again.
    expect(page.locator("#id_new-token_secret")).to_have_attribute("placeholder", "kept — type to replace")
    page.fill("#id_new-consumer_secret", ns["consumer_secret"])
    page.click("#authorize-netsuite")

    # 2. Subsidiary: the inactive and the elimination one are not offered.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "subsidiary")
    expect(page.locator(".messagelist")).to_contain_text("Credentials verified.")
    expect(page.locator("#left-out-subsidiaries")).to_contain_text("(inactive)")
    expect(page.locator("#left-out-subsidiaries")).to_contain_text("(elimination)")
    page.click("#wizard-next")  # nothing chosen: explained
    expect(page.locator(".invalid-feedback")).to_contain_text("Choose the subsidiary whose records this connection")
    shot(page, "wizard-2-subsidiary")
    page.get_by_role("radio", name="Parent Company (internal ID 1)").check()
    page.click("#wizard-next")

    # 3. Contact type.
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "contact-type")
    page.check("input[value=individual_customers]")
    shot(page, "wizard-3-contact-type")
    page.click("#wizard-next")

    # 4. Google: connect one through Google sign-in (the sandbox's consent page) and come back.
    expect(page.locator("#no-app-accounts")).to_be_visible()
    page.click("#connect-google")
    page.fill("#id_api_base_url", sandboxes.google_server.base_url)
    page.click("#continue-to-google")
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "app")
    expect(page.locator(".messagelist")).to_contain_text("Google account demo.user@example.com connected.")
    expect(page.get_by_role("radio", name=re.compile(r"^demo\.user@example\.com \(verified "))).to_be_checked()
    shot(page, "wizard-4-google")
    page.click("#wizard-next")

    # 5. Review: the default mappings and rules, a name and an interval.
    expect(page.locator("#default-mappings")).to_contain_text("First Name")
    expect(page.locator("#default-rules")).to_contain_text("Sync everyone")
    page.fill("#id_r-name", "Sandbox customers ⇄ Google")
    shot(page, "wizard-5-review")
    page.fill("#id_r-interval_minutes", "0")
    page.click("#wizard-next")
    expect(page.locator(".invalid-feedback")).to_contain_text("Choose an interval between 1 minute and 1440 minutes")
    page.fill("#id_r-interval_minutes", "30")
    page.click("#wizard-next")

    # 6. The dry-run preview: three people would be created in Google, one is excluded (no email).
    expect(page.locator("#connection-wizard")).to_have_attribute("data-step", "preview")
    summary = page.locator("#dry-run-summary tbody tr").first
    expect(summary.locator("td").nth(1)).to_have_text("3")  # would create
    expect(summary.locator("td").nth(4)).to_have_text("1")  # excluded
    shot(page, "wizard-6-preview")
    page.click("#dry-run-outcomes")
    expect(page.locator("#result_list")).to_contain_text("mallory@example.com")
    expect(page.locator("#result_list")).to_contain_text(XSS_NAME)  # shown as text...
    _assert_script_not_run(page)  # ...and not run
    page.go_back()
    connection = Connection.objects.get()
    assert connection.paused and not SyncRun.objects.filter(dry_run=False).exists()
    return connection


def test_wizard_start_run_now_outcomes_and_banner(page: Page, administrator_user, sandboxes, qcluster):
    process, log = qcluster
    page.goto("/admin/")
    shot(page, "login", width=900, height=460)
    log_in(page, administrator_user)

    connection = _wizard(page, sandboxes)

    # 7. Start: the connection page, with the first run queued for the background worker.
    page.click("#start-connection")
    expect(page.locator(".messagelist")).to_contain_text("started: its first sync (run")
    first = SyncRun.objects.get(connection=connection, dry_run=False, trigger="initial")
    assert _wait_for_run(first.pk, log).status == RunStatus.SUCCEEDED, first.error
    assert {p["emailAddresses"][0]["value"] for p in _google_people(sandboxes)} >= {
        "ada@example.com",
        "alan@example.com",
        "mallory@example.com",
    }
    _wait_until_idle(connection)

    # Run now, after a change in NetSuite: the worker runs it and the outcomes show the record.
    ada = sandboxes.netsuite.store.db.execute("SELECT id FROM t_customer WHERE email = 'ada@example.com'").fetchone()
    sandboxes.netsuite.touch("customer", ada[0], phone="+1 415 555 0100")
    run_id = _run_now(page, connection, log)
    assert _wait_for_run(run_id, log).status == RunStatus.SUCCEEDED
    page.reload()
    expect(page.locator("#sync-status-label")).to_have_text("Active and listening")
    expect(page.locator("#sync-status")).to_contain_text("Succeeded")
    shot(page, "connection-page", width=1400, height=1100)

    page.locator("#sync-status").get_by_role("link", name="outcomes").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("ada@example.com")
    # The list summarises the diff ("N fields"); the outcome's page shows it whole.
    rows.filter(has_text="ada@example.com").filter(has_not_text="Unchanged").first.locator("a").first.click()
    expect(page.locator("#content")).to_contain_text("+14155550100")  # the phone, as written to Google
    page.go_back()

    # The first run's outcomes: the script-named customer was created in Google; its name is text.
    page.goto(f"/admin/syncengine/recordoutcome/?run__id__exact={first.pk}")
    cell = page.locator("#result_list tr", has_text="mallory@example.com")
    expect(cell.first).to_contain_text(XSS_NAME)
    _assert_script_not_run(page)
    page.click("#toggle-nav-sidebar")  # room for the diff column
    shot(page, "outcomes", width=1760)
    page.click("#toggle-nav-sidebar")
    cell.first.locator("a").first.click()
    expect(page.locator("#content")).to_contain_text(XSS_NAME)
    _assert_script_not_run(page)
    assert process.poll() is None, log.read_text()

    page.goto("/admin/connections/connection/")
    expect(page.locator("#result_list")).to_contain_text("Active")
    page.click("#toggle-nav-sidebar")
    shot(page, "connections-list", width=1700)


def _google_people(sandboxes) -> list[dict]:
    store = sandboxes.google.store
    names = [name for name, contact in store.contacts.items() if not contact.deleted]
    return [p for p in (sandboxes.google.person(name) for name in names) if p.get("emailAddresses")]


def test_operator_cannot_open_credentials(page: Page, operator_user, netsuite_account, live_server):
    log_in(page, operator_user)
    page.goto(f"/admin/connections/connectedaccount/{netsuite_account.pk}/change/")
    expect(page.locator("#content")).to_contain_text("ACME sandbox")
    for name in ("consumer_key", "consumer_secret", "token_id", "token_secret"):
        expect(page.locator(f"[name={name}]")).to_have_count(0)
    assert "SECRET" not in page.content()
    shot(page, "operator-account-page")
    assert page.goto("/admin/connections/connectedaccount/add/").status == 403
    assert page.goto("/admin/connections/connection/wizard/").status == 403
    page.goto("/admin/connections/connection/")
    expect(page.locator("#connection-wizard-link")).to_have_count(0)
