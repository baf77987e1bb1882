"""The error console in Chromium at 1400 × 900 (issue 15): a failed record's reason is readable from the outcome
list, *Retry selected* turns two failed records into updated ones after the sandbox's fault is lifted, and a
partial search finds "rosa".

The failures are real: two linked people are changed in NetSuite while the Google sandbox refuses every write
(a fault limited to the POSTs, its writes, through the sandbox's control API: 403 PERMISSION_DENIED with Google's
own message, as a grant without write permission; docs/sandboxes.md). The reads go through, so the run reads the
changes and fails those two updates. The fault is lifted through the control API, *Retry selected* queues a run
limited to the two records, and the run (as the worker runs it) updates both.
"""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from syncengine.choices import FAILING_OUTCOMES, Outcome, RunStatus, SyncDirection, Trigger
from syncengine.failure_causes import meaningful_message
from syncengine.models import RecordLink, RecordOutcome, SyncRun
from syncengine.runner import run_sync

from ..engine.harness import make_connection, sync
from .conftest import log_in, shot

pytestmark = pytest.mark.browser
OUTCOMES = "/admin/syncengine/recordoutcome/"
WIDTH, HEIGHT = 1400, 900


def _person(first: str, last: str, email: str, **extra) -> dict:
    return {"names": [{"givenName": first, "familyName": last}], "emailAddresses": [{"value": email}], **extra}


def _google_faults(sandboxes, **faults) -> dict:
    """Change the Google sandbox's faults through its control API (as a test or a demo would over HTTP)."""
    response = requests.post(f"{sandboxes.google_server.base_url}/_sandbox/faults", json=faults, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def failing(transactional_db, sandboxes, settings):
    """Al, Cy and Rosa synced; then Al's and Cy's titles change in NetSuite while Google refuses every write:
    the next run fails their two updates."""
    connection = make_connection(sandboxes, settings)
    google = sandboxes.google
    names = {}
    for first, last, email in (("Al", "Adams", "al@example.com"), ("Cy", "Chen", "cy@example.com")) + (
        ("Rosa", "Vargas", "rosa.vargas@example.com"),
    ):
        names[email] = google.seed({"persons": [_person(first, last, email)]})["resourceNames"][0]
    assert sync(connection).status == RunStatus.SUCCEEDED
    for email in ("al@example.com", "cy@example.com"):
        netsuite_id = RecordLink.objects.get(connection=connection, app_id=names[email]).netsuite_id
        sandboxes.netsuite.touch("customer", int(netsuite_id), title="Head of Sales")
    assert _google_faults(sandboxes, error_rate=1.0, error_status=403, methods=["POST"])["methods"] == ["POST"]
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    failed = RecordOutcome.objects.filter(run=run, outcome__in=FAILING_OUTCOMES)
    assert set(failed.values_list("email", "direction")) == {
        ("al@example.com", SyncDirection.TO_APP),
        ("cy@example.com", SyncDirection.TO_APP),
    }
    return connection, names


def _inside_viewport(page: Page, locator) -> None:
    """Inside the window and not scrolled away inside the results' own scroll box."""
    box = locator.bounding_box()
    results = page.locator("#changelist .results").bounding_box()
    assert box is not None and results is not None
    right = min(WIDTH, results["x"] + results["width"])
    assert 0 <= box["x"] and box["x"] + box["width"] <= right, (box, results)
    assert 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, box


def test_reason_readable_retry_selected_and_partial_search(page: Page, operator_user, sandboxes, failing):
    connection, names = failing
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    log_in(page, operator_user)
    page.goto(OUTCOMES)
    page.click("#toggle-nav-sidebar")  # the admin's app menu folds away (remembered by the browser), as on a laptop
    al_failed = (
        RecordOutcome.objects.filter(app_id=names["al@example.com"], outcome__in=FAILING_OUTCOMES)
        .order_by("-id")
        .first()
    )
    api_text = meaningful_message(al_failed.message)
    assert api_text == "The caller does not have permission"  # Google's own words, without our prefixes

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

    # Retry selected: the sandbox's fault is lifted (its control API), both failed records are chosen and
    # retried; the run limited to them updates both.
    assert _google_faults(sandboxes, error_rate=0.0)["error_rate"] == 0.0
    page.goto(f"{OUTCOMES}?run__connection__id__exact={connection.pk}&outcome__in=failed,field_failed&latest=yes")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        rows.nth(i).locator("input.action-select").check()
    page.select_option("select[name=action]", "retry_failed_records")
    page.click("button[name=index]")
    run = SyncRun.objects.get(connection=connection, status=RunStatus.QUEUED)
    assert run.trigger == Trigger.RETRY and run.scoped_records == 2
    expect(page.locator(".messagelist")).to_contain_text(f"2 failed records of “{connection.name}” re-queued")
    expect(page.locator(".messagelist")).to_contain_text(f"run {run.pk} queued to retry only them")
    assert run_sync(run.pk).status == RunStatus.SUCCEEDED  # as the background worker runs it
    page.goto(f"{OUTCOMES}?run__id__exact={run.pk}&direction__exact={SyncDirection.TO_APP}")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)  # only those two records
    for email in ("al@example.com", "cy@example.com"):
        latest = RecordOutcome.objects.filter(app_id=names[email], direction=SyncDirection.TO_APP).order_by("-id")[0]
        assert latest.run_id == run.pk and latest.outcome == Outcome.UPDATED, latest.outcome
        expect(page.locator("#result_list tbody tr", has_text=email)).to_contain_text("Updated")
    shot(page, "outcomes-retried", width=WIDTH, height=HEIGHT)
    page.goto("/admin/syncengine/syncrun/")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Retry of 2 records")
    shot(page, "runs-list-retry", width=WIDTH, height=HEIGHT)
    for email in ("al@example.com", "cy@example.com"):  # and Google holds the new titles
        assert sandboxes.google.person(names[email])["organizations"][0]["title"] == "Head of Sales"

    # Partial, case-insensitive search: "rosa" finds rosa.vargas@example.com, by email and by name.
    page.goto(OUTCOMES)
    page.fill("#searchbar", "rosa")
    page.press("#searchbar", "Enter")
    found = page.locator("#result_list tbody tr", has_text="rosa.vargas@example.com")
    expect(found.first).to_be_visible()
    expect(found.first).to_contain_text("Rosa Vargas")
    assert page.locator("#result_list tbody tr", has_text="al@example.com").count() == 0
    shot(page, "outcomes-search", width=WIDTH, height=HEIGHT)
