"""The audit log pages: filters, search, readable diffs, and a fixed number of queries."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordLink, RecordOutcome, SyncRun


def _outcomes(run, n: int, link=None):
    RecordOutcome.objects.bulk_create(
        [
            RecordOutcome(
                run=run,
                link=link,
                direction="to_app",
                outcome=Outcome.UPDATED,
                email=f"p{i}@example.com",
                netsuite_id=str(i),
                app_id=f"people/c{i}",
                diff={"givenName": ["Ann", f"Ann {i}"]},
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(db) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_run_and_outcome_lists_run_a_fixed_number_of_queries(admin_client, connection_obj):
    runs = [SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED) for _ in range(3)]
    _outcomes(runs[0], 10)
    lists = [reverse("admin:syncengine_recordoutcome_changelist"), reverse("admin:syncengine_syncrun_changelist")]
    few = [_queries(admin_client, url) for url in lists]
    _outcomes(runs[1], 10_000)
    for _ in range(200):
        SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    many = [_queries(admin_client, url) for url in lists]
    assert many == few


def test_outcomes_filter_by_run_and_search_by_email_with_a_readable_diff(admin_client, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    other = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    _outcomes(run, 3)
    _outcomes(other, 2)
    base = reverse("admin:syncengine_recordoutcome_changelist")
    html = admin_client.get(f"{base}?run__id__exact={run.pk}").content.decode()
    # The record column (each row's action checkbox names the outcome too); the diff summarised.
    assert html.count('<td class="field-record">p0@example.com</td>') == 1 and "p2@example.com" in html
    assert html.count('<td class="field-record">') == 3
    assert '<td class="field-diff_summary">1 field</td>' in html
    html = admin_client.get(f"{base}?q=p1@example.com").content.decode()
    assert "p1@example.com" in html and "p0@example.com" not in html


def test_link_timeline_lists_the_pair_outcomes_across_runs(admin_client, connection_obj):
    link = RecordLink.objects.create(
        connection=connection_obj, key="cs-1", netsuite_id="7", app_id="people/c7", match_key="ann@example.com"
    )
    runs = [SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED) for _ in range(2)]
    for run in runs:
        _outcomes(run, 1, link=link)
    html = admin_client.get(reverse("admin:syncengine_recordlink_change", args=[link.pk])).content.decode()
    # One history row per outcome, each naming its run: counted by the outcome cell, which the page's
    # "Updated at" label does not supply.
    assert html.count("<td>Updated</td>") == 2
    for run in runs:
        assert html.count(f"<td>run {run.pk}</td>") == 1, run.pk


@pytest.mark.parametrize("name", ["syncrun", "recordoutcome", "recordlink"])
def test_audit_log_is_read_only_even_for_administrators(client, administrator_user, name):
    client.force_login(administrator_user)
    assert client.get(reverse(f"admin:syncengine_{name}_add")).status_code == 403
