"""Progress and a picture, in a real Chromium at 1400 × 900: a running sync's stage and counts change
in the connection page's banner without a reload, and the banner shows the run's end; the connection
page and the Sync runs list chart the last real runs, one linked bar group per run."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from syncengine.choices import RunStatus, Trigger
from syncengine.models import SyncRun

from ..engine.harness import make_connection
from ..engine.workers import start_sync, worker_env
from .conftest import log_in, ns_person, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1400, 900


def _earlier_runs(connection, count: int) -> list[SyncRun]:
    """Finished runs with figures, as earlier syncs would have left them (oldest first)."""
    runs = []
    for i in range(count):
        run = SyncRun.objects.create(
            connection=connection,
            trigger=Trigger.SCHEDULE,
            status=RunStatus.PARTIALLY_FAILED if i == 1 else RunStatus.SUCCEEDED,
            counters={"to_app": {"created": 5 + i, "updated": i}, "to_netsuite": {"updated": 2, "failed": i % 2}},
        )
        start = timezone.now() - timedelta(hours=count - i)
        SyncRun.objects.filter(pk=run.pk).update(
            queued_at=start, started_at=start, finished_at=start + timedelta(seconds=3 + i)
        )
        runs.append(run)
    return runs


def _chart_runs(page: Page) -> list[int]:
    return [int(pk) for pk in page.locator("#run-chart g.run-bars").evaluate_all("gs => gs.map(g => g.dataset.run)")]


def test_progress_changes_without_reload_and_the_chart_shows_the_last_runs(
    page: Page, administrator_user, sandboxes, settings
):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    connection = make_connection(sandboxes, settings)
    earlier = _earlier_runs(connection, 3)
    # Enough records for several pages and chunks, and latency, so the run lasts a few seconds.
    people = [ns_person(f"Person{i}", "Progress", f"person.{i}@example.com") for i in range(2100)]
    sandboxes.netsuite.seed({"records": {"customer": people}})
    # Google's writes are slow (each batch of 200 takes half a second), so that the "syncing" stage lasts
    # seconds after each chunk of 1,000 and the banner, polled every 1.5 s, is sure to show it.
    sandboxes.netsuite.faults.latency_ms = 40
    sandboxes.google.faults.latency_ms = 500
    log_in(page, administrator_user)

    child = start_sync(connection.pk, worker_env(sandboxes), "--full")
    try:
        deadline = time.monotonic() + 30
        while not SyncRun.objects.filter(connection=connection, trigger=Trigger.COMMAND, status="running").exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the sync never started"
            time.sleep(0.1)
        run = SyncRun.objects.get(connection=connection, trigger=Trigger.COMMAND)

        page.goto(f"/admin/connections/connection/{connection.pk}/change/")
        page.evaluate("window.__samePage = true")  # gone if the page were reloaded or left
        progress = page.locator("#sync-progress")
        expect(progress).to_be_visible()
        expect(progress).to_contain_text(f"Run {run.pk}: ")
        seen: list[str] = []
        shot_taken = False
        while child.poll() is None:
            text = progress.inner_text() if progress.is_visible() else ""
            if text and (not seen or seen[-1] != text):
                seen.append(text)
                if len(seen) == 2 and not shot_taken:
                    shot(page, "progress-connection-page-running", width=WIDTH, height=HEIGHT)
                    shot_taken = True
            time.sleep(0.1)
        out, err = child.communicate()
        assert child.returncode == 0, err
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()

    # The banner's text changed while the run ran (a loaded machine may finish the run between two
    # polls, so one change is what can be asked for), each time with the run's counts.
    run.refresh_from_db()
    assert len(seen) >= 2, (seen, run.counters, run.duration, run.progress, out[-2000:])
    assert all(text.startswith(f"Run {run.pk}: ") for text in seen), seen
    assert any("Reading NetSuite: " in text for text in seen), seen
    assert any("Syncing changes from NetSuite: " in text and " of 2," in text for text in seen), seen
    # The run ended: the banner says so and shows it as the last run, still without a reload.
    expect(page.locator("#sync-status-label")).not_to_have_text("Syncing", timeout=20_000)
    expect(progress).to_be_hidden()
    expect(page.locator("#sync-last-run a").first).to_have_attribute(
        "href", f"/admin/syncengine/syncrun/{run.pk}/change/"
    )
    assert page.evaluate("window.__samePage") is True

    # The chart, reloaded: the earlier runs and this one, oldest first, each linking to its run.
    page.reload()
    real = [r.pk for r in earlier] + [run.pk]
    expect(page.locator("#run-chart")).to_contain_text("last 4 runs")
    assert _chart_runs(page) == real
    links = page.locator("#run-chart a.run-link").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links == [f"/admin/syncengine/syncrun/{pk}/change/" for pk in real]
    chart_box = page.locator("#run-chart svg").bounding_box()
    assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= WIDTH  # fits the laptop's width
    shot(page, "progress-connection-page-chart", width=WIDTH, height=HEIGHT)

    # The Sync runs list: the same chart above the list (a dry run is not charted); a bar opens its run.
    SyncRun.objects.create(connection=connection, dry_run=True, status=RunStatus.SUCCEEDED)
    page.goto("/admin/syncengine/syncrun/")
    expect(page.locator("#run-chart")).to_be_visible()
    assert _chart_runs(page) == real
    chart_top = page.locator("#run-chart").bounding_box()["y"]
    assert chart_top < page.locator("#result_list").bounding_box()["y"]
    shot(page, "progress-runs-list-chart", width=WIDTH, height=HEIGHT)
    page.locator(f"#run-chart g.run-bars[data-run='{earlier[1].pk}']").click()
    expect(page).to_have_url(f"{page.url.split('/admin/')[0]}/admin/syncengine/syncrun/{earlier[1].pk}/change/")
