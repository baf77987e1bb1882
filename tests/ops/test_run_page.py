"""The page of one sync run: times to the second, its duration, the summary whole, a table per direction whose
counts link to the outcomes behind them, failures grouped by cause, a dry run said as such, and a fixed number
of queries whatever the run's size."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from syncengine.choices import Outcome, RunStatus, SyncDirection, Trigger
from syncengine.models import RecordOutcome, SyncRun

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 12, 4, 15, 0, 7, tzinfo=UTC)
INVALID = "Google People API: Invalid email address 'not-an-email-{}' (HTTP 400 INVALID_ARGUMENT)"
LOCKED = "NetSuite refused the request: HTTP 400 USER_ERROR: Record {} is locked by another user"


def _outcomes(run, direction: str, outcome: str, n: int, message: str = "") -> None:
    RecordOutcome.objects.bulk_create(
        RecordOutcome(
            run=run,
            direction=direction,
            outcome=outcome,
            email=f"{direction}-{outcome}-{i}@example.com",
            netsuite_id=str(i),
            app_id=f"people/c{i}",
            message=message.format(i),
        )
        for i in range(n)
    )


def _run(connection, *, dry_run=False, scale=1) -> SyncRun:
    run = SyncRun.objects.create(
        connection=connection,
        trigger=Trigger.SCHEDULE,
        status=RunStatus.PARTIALLY_FAILED,
        dry_run=dry_run,
        started_at=STARTED,
        finished_at=STARTED + timedelta(minutes=3, seconds=7),
        worker="worker-1",
        counters={
            "to_app": {"created": 2 * scale, "updated": 5 * scale, "failed": 3 * scale},
            "to_netsuite": {"unchanged": 4 * scale, "failed": 1 * scale},
            "action_overwrites": {"Sync everyone: notes": 2},
        },
    )
    _outcomes(run, SyncDirection.TO_APP, Outcome.CREATED, 2 * scale)
    _outcomes(run, SyncDirection.TO_APP, Outcome.UPDATED, 5 * scale)
    _outcomes(run, SyncDirection.TO_APP, Outcome.FAILED, 3 * scale, INVALID)
    _outcomes(run, SyncDirection.TO_NETSUITE, Outcome.UNCHANGED, 4 * scale)
    _outcomes(run, SyncDirection.TO_NETSUITE, Outcome.FAILED, 1 * scale, LOCKED)
    return run


def _links(html: str, css_class: str) -> dict[str, tuple[str, str]]:
    """{label: (count, href)} of the rows of ``css_class`` in the run page's direction tables (a tiny parser)."""
    found = {}
    pattern = (
        rf'<tr class="{css_class}[^"]*"><td>(?:<strong>)?([^<]+)(?:</strong>)?</td>'
        r'\s*<td class="run-count"><a href="([^"]+)">(\d+)</a>'
    )
    for label, href, count in re.findall(pattern, html):
        found[unescape(label)] = (count, unescape(href))
    return found


def _page(client, run) -> str:
    response = client.get(reverse("admin:syncengine_syncrun_change", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_run_page_reads_as_a_report(admin_client, connection_obj, settings):
    settings.TIME_ZONE = "UTC"
    run = _run(connection_obj)
    html = _page(admin_client, run)

    assert "2026-12-04 15:00:07" in html and "2026-12-04 15:03:14" in html  # to the second
    assert '<td id="run-duration">3 min 07 s</td>' in html
    assert "Schedule" in html and "worker-1" in html
    # The summary whole (the list cuts it to one line).
    assert "→ app: 2 created, 3 failed, 5 updated; → NetSuite: 1 failed, 4 unchanged;" in html
    assert "rule action Sync everyone: notes overwrote 2 existing records" in html
    assert "Dry run" not in html

    sections = html.split('id="run-to_netsuite"')
    to_app = _links(sections[0], "run-outcome")
    to_netsuite = _links(sections[1], "run-outcome")
    assert "NetSuite → Google Contacts" in sections[0] and "Google Contacts → NetSuite" in sections[1]
    assert {label: count for label, (count, _) in to_app.items()} == {"Created": "2", "Updated": "5", "Failed": "3"}
    assert {label: count for label, (count, _) in to_netsuite.items()} == {"Unchanged": "4", "Failed": "1"}
    # Each count links to exactly those outcomes.
    for direction, table in ((SyncDirection.TO_APP, to_app), (SyncDirection.TO_NETSUITE, to_netsuite)):
        for label, (count, href) in table.items():
            query = parse_qs(urlsplit(href).query)
            assert query["run__id__exact"] == [str(run.pk)] and query["direction__exact"] == [direction]
            listed = admin_client.get(href)
            assert listed.status_code == 200
            assert listed.context["cl"].result_count == int(count), (label, href)
            assert {o.outcome for o in listed.context["cl"].result_list} == {query["outcome__exact"][0]}

    # Failures grouped by cause with the API's own words, each group a link to its outcomes.
    failures = html.split('id="run-failures"')[1]
    assert "Failures by cause (4)" in failures
    assert "Invalid email address" in failures and "is locked by another user" in failures
    groups = {
        unescape(href): int(count)
        for href, count in re.findall(r'<td class="run-count"><a href="([^"]+)">(\d+)</a>', failures)
    }
    assert sorted(groups.values()) == [1, 3]
    for href, count in groups.items():
        listed = admin_client.get(href)
        assert listed.context["cl"].result_count == count
        assert {o.outcome for o in listed.context["cl"].result_list} == {Outcome.FAILED}


def test_a_dry_run_says_so(admin_client, connection_obj):
    html = _page(admin_client, _run(connection_obj, dry_run=True))
    assert 'id="run-dry-notice"' in html and "nothing was written" in html
    assert "rule action Sync everyone: notes would overwrite 2 existing records" in html


def test_a_queued_run_has_no_duration_yet(admin_client, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, trigger=Trigger.MANUAL)
    html = _page(admin_client, run)
    assert '<td id="run-duration">—</td>' in html and '<td id="run-started">not yet</td>' in html
    assert html.count("No record went this way in this run.") == 2


def test_the_run_page_runs_a_fixed_number_of_queries(admin_client, connection_obj):
    small, large = _run(connection_obj), _run(connection_obj, scale=200)
    # The large run also has more kinds of outcomes and more causes of failure: more lines, same queries.
    for outcome in (Outcome.LINKED, Outcome.DUPLICATE, Outcome.EXCLUDED_NO_EMAIL, Outcome.SKIPPED_BY_RULES):
        _outcomes(large, SyncDirection.TO_NETSUITE, outcome, 3)
    for cause in ("Timeout", "Quota exceeded", "Permission denied"):
        _outcomes(large, SyncDirection.TO_NETSUITE, Outcome.FIELD_FAILED, 2, cause + " on record {}")
    _page(admin_client, small)  # warm up: the session's first request may save it
    counts = []
    for run in (small, large):
        with CaptureQueriesContext(db) as ctx:
            _page(admin_client, run)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
