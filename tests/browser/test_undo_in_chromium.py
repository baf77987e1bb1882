"""Undo of a run in Chromium at 1400 × 900 (issue 20): an administrator opens the run a rule action made, previews
its undo (the preview's page shows the counts and each record's diff, and nothing is written), confirms it, and
reads the outcomes; the field a person changed since is kept, and says so. An operator sees the undo disabled,
with the reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mappings.catalog_cache import refresh_catalog
from rules.choices import ApplyOn
from syncengine.choices import RunStatus, Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync

from ..engine.harness import make_connection, sync
from ..engine.helpers import g_person, ns_by_email, seed
from ..engine.rule_setup import add_action, default_rule
from .conftest import log_in, shot

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1400, 900


@pytest.fixture
def action_run(transactional_db, sandboxes, settings):
    """Ada, Bob and Cy synced from Google; a rule action then sets their lead source in NetSuite (the run to
    undo); after it, someone sets Cy's lead source to another one."""
    connection = make_connection(sandboxes, settings)
    seed(sandboxes, google=[g_person(n, "Person", f"{n.lower()}@people.io") for n in ("Ada", "Bob", "Cy")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    campaigns = [{"title": "Trade show", "campaignId": "TS"}, {"title": "Partner event", "campaignId": "PE"}]
    created = sandboxes.netsuite.seed({"records": {"campaign": campaigns}})["created"]["campaign"]
    refresh_catalog(connection.netsuite_account, connection.contact_type)
    add_action(default_rule(connection, "to_netsuite"), "leadSource", {"name": "Trade show"}, on=ApplyOn.BOTH)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    cy = ns_by_email(sandboxes)["cy@people.io"][0]
    sandboxes.netsuite.touch("customer", int(cy["id"]), leadSource={"id": str(created[1])})
    return run, str(created[1])


def test_preview_confirm_and_outcomes_of_an_undo(page: Page, administrator_user, operator_user, sandboxes, action_run):
    action_run, partner_event = action_run
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, administrator_user)
    page.goto(f"/admin/syncengine/syncrun/{action_run.pk}/change/")
    panel = page.locator("#run-undo")
    expect(panel).to_contain_text("Undo this run…")
    expect(panel.locator("input[name=created][value=keep]")).to_be_checked()
    shot(page, "undo-panel", width=WIDTH, height=HEIGHT)
    panel.locator("#undo-preview").click()
    expect(page.locator(".messagelist")).to_contain_text(f"A preview of the undo of run {action_run.pk} is queued")
    preview = SyncRun.objects.get(trigger=Trigger.UNDO, dry_run=True)
    assert run_sync(preview.pk).status == RunStatus.SUCCEEDED  # as the background worker runs it
    page.reload()
    expect(page.locator("#run-undoes")).to_contain_text(f"run {action_run.pk}, asked for by {administrator_user}")
    expect(page.locator("#run-dry-notice")).to_be_visible()
    expect(page.locator("#run-to_netsuite")).to_contain_text("Updated")
    expect(page.locator("#run-to_netsuite")).to_contain_text("Unchanged")
    shot(page, "undo-preview", width=WIDTH, height=HEIGHT)
    assert all(records[0].get("leadSource") for records in ns_by_email(sandboxes).values())  # nothing written

    # The preview's outcomes: Ada's diff puts "Trade show" back to empty; Cy's field is kept, and says why.
    page.goto(f"/admin/syncengine/recordoutcome/?run__id__exact={preview.pk}")
    expect(page.locator("#result_list tbody tr", has_text="ada@people.io")).to_contain_text("Updated")
    expect(page.locator("#result_list tbody tr", has_text="cy@people.io")).to_contain_text("Changed since, kept")
    shot(page, "undo-preview-outcomes", width=WIDTH, height=HEIGHT)

    page.goto(f"/admin/syncengine/syncrun/{preview.pk}/change/")
    page.locator("#undo-confirm").click()
    expect(page.locator(".messagelist")).to_contain_text(f"The undo of run {action_run.pk} is queued")
    undo = SyncRun.objects.get(trigger=Trigger.UNDO, dry_run=False)
    assert run_sync(undo.pk).status == RunStatus.SUCCEEDED
    page.goto(f"/admin/syncengine/syncrun/{undo.pk}/change/")
    expect(page.locator("#run-status")).to_contain_text("Succeeded")
    expect(page.locator("#run-to_netsuite")).to_contain_text("Updated")
    shot(page, "undo-done", width=WIDTH, height=HEIGHT)
    records = ns_by_email(sandboxes)
    assert not records["ada@people.io"][0].get("leadSource") and not records["bob@people.io"][0].get("leadSource")
    assert records["cy@people.io"][0]["leadSource"]["id"] == partner_event  # a person's change, kept

    # An operator sees the undo, disabled, with the reason.
    page.context.clear_cookies()
    log_in(page, operator_user)
    page.goto(f"/admin/syncengine/syncrun/{action_run.pk}/change/")
    expect(page.locator("#undo-preview")).to_be_disabled()
    expect(page.locator("#undo-blocked")).to_have_text("Only sync administrators can undo a run.")
