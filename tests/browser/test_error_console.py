"""The error console in Chromium at 1400 × 900 (issue 15): a failed record's reason is readable from the outcome
list, *Retry selected* turns two failed records into synced ones once the cause is lifted, and a partial search
finds "rosa".

The failures are the NetSuite sandbox's real validation refusal of two work phones (its message is the API's own
text). The sandbox's fault switches (docs/sandboxes.md) apply to every request, reads included, so they fail a
whole run rather than two records; the cause is lifted by switching the phone mapping off, as an operator would.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mappings.models import FieldMapping
from syncengine.choices import FAILING_OUTCOMES, Outcome, RunStatus
from syncengine.health import meaningful_message
from syncengine.models import RecordOutcome, SyncRun
from syncengine.runner import run_sync

from ..engine.harness import make_connection, sync
from .conftest import log_in, shot

pytestmark = pytest.mark.browser
OUTCOMES = "/admin/syncengine/recordoutcome/"
WIDTH, HEIGHT = 1400, 900


def _person(first: str, last: str, email: str, **extra) -> dict:
    return {"names": [{"givenName": first, "familyName": last}], "emailAddresses": [{"value": email}], **extra}


@pytest.fixture
def failing(transactional_db, sandboxes, settings):
    """A connection whose first run failed for Al and Cy (NetSuite refuses their work phones)."""
    connection = make_connection(sandboxes, settings)
    google = sandboxes.google
    names = {}
    for first, last, email, phone in (
        ("Al", "Bad", "al@example.com", "555 12"),
        ("Cy", "Bad", "cy@example.com", "555 34"),
        ("Rosa", "Vargas", "rosa.vargas@example.com", None),
    ):
        extra = {"phoneNumbers": [{"value": phone, "type": "work"}]} if phone else {}
        names[email] = google.seed({"persons": [_person(first, last, email, **extra)]})["resourceNames"][0]
    assert sync(connection).status == RunStatus.PARTIALLY_FAILED
    return connection, names


def _inside_viewport(page: Page, locator) -> None:
    """Inside the window and not scrolled away inside the results' own scroll box."""
    box = locator.bounding_box()
    results = page.locator("#changelist .results").bounding_box()
    assert box is not None and results is not None
    right = min(WIDTH, results["x"] + results["width"])
    assert 0 <= box["x"] and box["x"] + box["width"] <= right, (box, results)
    assert 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, box


def test_reason_readable_retry_selected_and_partial_search(page: Page, operator_user, failing):
    connection, names = failing
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, operator_user)
    page.goto(OUTCOMES)
    page.click("#toggle-nav-sidebar")  # the admin's app menu folds away (remembered by the browser), as on a laptop
    al_failed = RecordOutcome.objects.get(app_id=names["al@example.com"], outcome__in=FAILING_OUTCOMES)
    api_text = meaningful_message(al_failed.message)
    assert api_text and not api_text.startswith("NetSuite")

    # The reason of a failed record, readable in the list: inside the window, with the API's own words.
    page.goto(f"{OUTCOMES}?run__connection__id__exact={connection.pk}&outcome__in=failed,field_failed&latest=yes")
    row = page.locator("#result_list tbody tr", has_text="al@example.com")
    reason = row.locator(".outcome-reason")
    expect(reason).to_be_visible()
    shot(page, "outcomes-failing", width=WIDTH, height=HEIGHT)
    _inside_viewport(page, reason)
    assert api_text[:60] in reason.inner_text()
    assert reason.get_attribute("title") == al_failed.message  # the whole message on hover
    _inside_viewport(page, row.locator("td.field-links"))
    for cell in row.locator("td").all():  # one line per row: no cell wraps
        assert cell.bounding_box()["height"] < 40
    page.goto(f"/admin/syncengine/recordoutcome/{al_failed.pk}/change/")
    expect(page.locator(".outcome-message")).to_contain_text(api_text)
    shot(page, "outcome-detail", width=WIDTH, height=HEIGHT)

    # Health: the failure group shows the API's words, Retry now, and the warning that alerts reach nobody.
    page.goto(f"/admin/connections/connection/{connection.pk}/health/")
    group = page.locator(".health-failure-group").first
    expect(group).to_contain_text(api_text[:40])
    expect(group.locator("button", has_text="Retry now")).to_be_visible()
    expect(page.locator("#alerts-reach-nobody")).to_be_visible()
    expect(page.locator("#health-status")).to_contain_text("Needs attention: 2 failing")
    shot(page, "health-failing", width=WIDTH, height=HEIGHT)
    page.goto("/admin/connections/connection/")
    expect(page.locator("#result_list")).to_contain_text("Needs attention: 2 failing")
    shot(page, "connections-alerts", width=WIDTH, height=HEIGHT)

    # Retry selected: the cause is lifted, both failed records are chosen and retried; the run syncs them.
    FieldMapping.objects.filter(connection=connection, netsuite_field="phone").update(enabled=False)
    page.goto(f"{OUTCOMES}?run__connection__id__exact={connection.pk}&outcome__in=failed,field_failed&latest=yes")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        rows.nth(i).locator("input.action-select").check()
    page.select_option("select[name=action]", "retry_failed_records")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("2 failed records")
    run = SyncRun.objects.get(connection=connection, status=RunStatus.QUEUED)
    assert run_sync(run.pk).status == RunStatus.SUCCEEDED  # as the background worker runs it
    page.goto(f"{OUTCOMES}?run__id__exact={run.pk}")
    for email in ("al@example.com", "cy@example.com"):
        latest = RecordOutcome.objects.filter(app_id=names[email]).order_by("-id").first()
        assert latest.run_id == run.pk and latest.outcome in (Outcome.CREATED, Outcome.UPDATED), latest.outcome
        expect(page.locator("#result_list tbody tr", has_text=email)).to_contain_text(latest.get_outcome_display())

    # Partial, case-insensitive search: "rosa" finds rosa.vargas@example.com, by email and by name.
    page.goto(OUTCOMES)
    page.fill("#searchbar", "rosa")
    page.press("#searchbar", "Enter")
    found = page.locator("#result_list tbody tr", has_text="rosa.vargas@example.com")
    expect(found.first).to_be_visible()
    expect(found.first).to_contain_text("Rosa Vargas")
    assert page.locator("#result_list tbody tr", has_text="al@example.com").count() == 0
    shot(page, "outcomes-search", width=WIDTH, height=HEIGHT)
