"""A running run's progress: stored on the run at most about once a second, put into words, and served
as JSON to the connection page's banner (staff who may view the connection only). The chart of the last
runs on the connection page and above the runs list."""

from __future__ import annotations

import re

from django.contrib.auth.models import Permission
from django.urls import reverse

from ops.run_progress import describe, stage_text
from syncengine.choices import RunStatus
from syncengine.models import SyncRun
from syncengine.progress import progress_recorder

from ..engine.harness import sync
from ..engine.helpers import g_person, ns_person, seed


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_written_when_a_stage_starts_and_then_at_most_once_a_second(connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.RUNNING)
    clock, forwarded = Clock(), []
    report = progress_recorder(run.pk, lambda *a: forwarded.append(a), clock=clock)

    def stored():
        return SyncRun.objects.get(pk=run.pk).progress

    report("reading netsuite", 100, None)
    assert stored()["stages"] == {"reading netsuite": {"done": 100, "total": None}}
    clock.now += 0.5
    report("reading netsuite", 200, None)  # within the second: not written
    assert stored()["stages"]["reading netsuite"]["done"] == 100
    clock.now += 0.6
    report("reading netsuite", 300, None)  # a second after the last write: written
    assert stored()["stages"]["reading netsuite"]["done"] == 300
    clock.now += 0.1
    report("syncing netsuite changes", 50, 250)  # a new stage is shown at once, the earlier one kept
    assert stored()["stage"] == "syncing netsuite changes"
    assert stored()["stages"] == {
        "reading netsuite": {"done": 300, "total": None},
        "syncing netsuite changes": {"done": 50, "total": 250},
    }
    # Every report reaches the caller's own callback (manage.py sync prints them), throttled or not.
    assert [a[1] for a in forwarded] == [100, 200, 300, 50]


def test_progress_in_words_current_stage_last_unknown_totals_left_out():
    assert stage_text("reading netsuite", 3000, None) == "Reading NetSuite: 3,000 so far"
    assert stage_text("syncing app changes", 1200, 2500, "Google Contacts") == (
        "Syncing changes from Google Contacts: 1,200 of 2,500"
    )
    # The app is named by the caller (the connection's app), never assumed.
    assert stage_text("syncing app changes", 1, 2) == "Syncing changes from the app: 1 of 2"
    assert stage_text("reading app", 5, None, "HubSpot") == "Reading HubSpot: 5 so far"
    progress = {
        "stage": "reading app",
        "stages": {"reading netsuite": {"done": 3000, "total": None}, "reading app": {"done": 7, "total": None}},
    }
    assert describe(progress, "Google Contacts") == "Reading NetSuite: 3,000 so far · Reading Google Contacts: 7 so far"
    assert describe({}) == ""


def test_a_real_run_leaves_its_figures_on_the_run(connection, sandboxes):
    seed(
        sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@example.com")], google=[g_person("Kat", "J", "k@ex.com")]
    )
    run = sync(connection)
    stages = SyncRun.objects.get(pk=run.pk).progress["stages"]
    assert stages["reading netsuite"]["done"] >= 1 and stages["reading app"]["done"] >= 1
    assert any(stage.startswith("syncing") and figures["total"] for stage, figures in stages.items())


def progress_url(connection) -> str:
    return reverse("admin:connections_connection_progress", args=[connection.pk])


def test_progress_view_shows_the_running_runs_stage_and_counts(client, operator_user, connection_obj):
    finished = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    SyncRun.objects.filter(pk=finished.pk).update(started_at=finished.queued_at, finished_at=finished.queued_at)
    running = SyncRun.objects.create(
        connection=connection_obj,
        status=RunStatus.RUNNING,
        progress={
            "stage": "syncing netsuite changes",
            "stages": {"syncing netsuite changes": {"done": 1200, "total": 2500}},
        },
    )
    client.force_login(operator_user)
    response = client.get(progress_url(connection_obj))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"]["code"] == "syncing" and data["status"]["label"] == "Syncing"
    assert data["status"]["colour"].startswith("#")
    assert data["active_run"] == {
        "id": running.pk,
        "status": "running",
        "stage": "syncing netsuite changes",
        "stages": {"syncing netsuite changes": {"done": 1200, "total": 2500}},
        "text": "Syncing changes from NetSuite: 1,200 of 2,500",
    }
    assert data["last_run"]["id"] == finished.pk and data["last_run"]["status"] == "Succeeded"
    assert data["last_run"]["url"] == reverse("admin:syncengine_syncrun_change", args=[finished.pk])


def test_progress_view_when_nothing_runs(client, operator_user, connection_obj):
    client.force_login(operator_user)
    queued = SyncRun.objects.create(connection=connection_obj, status=RunStatus.QUEUED)
    assert client.get(progress_url(connection_obj)).json()["active_run"]["text"] == "Waiting for a worker…"
    queued.delete()
    data = client.get(progress_url(connection_obj)).json()
    assert data["active_run"] is None and data["last_run"] is None
    assert data["status"]["code"] == "active"


def test_progress_view_needs_staff_with_view_permission(client, django_user_model, connection_obj):
    url = progress_url(connection_obj)
    # Anonymous: the admin's login page, no figures.
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # Staff without the connection's view permission: refused.
    bare = django_user_model.objects.create_user(username="bare", password="pw-bare", is_staff=True)
    client.force_login(bare)
    response = client.get(url)
    assert response.status_code == 403 and "active_run" not in response.content.decode()
    # Given the permission: allowed. Not staff, even with it: the login page.
    bare.user_permissions.add(Permission.objects.get(codename="view_connection"))
    assert client.get(url).status_code == 200
    bare.is_staff = False
    bare.save()
    assert client.get(url).status_code == 302
    # Read-only: a POST is refused.
    bare.is_staff = True
    bare.save()
    assert client.post(url).status_code == 405


def test_connection_page_and_runs_list_show_the_chart_of_real_runs(client, operator_user, connection_obj):
    for status, dry in [
        (RunStatus.SUCCEEDED, False),
        (RunStatus.PARTIALLY_FAILED, False),
        (RunStatus.SUCCEEDED, True),  # a dry run changes nothing: not charted
        (RunStatus.RUNNING, False),  # not finished: not charted yet
    ]:
        SyncRun.objects.create(
            connection=connection_obj, status=status, dry_run=dry, counters={"to_app": {"created": 2}}
        )
    real = list(SyncRun.objects.filter(dry_run=False, status__in=["succeeded", "partially_failed"]).order_by("pk"))
    client.force_login(operator_user)
    pages = [
        reverse("admin:connections_connection_change", args=[connection_obj.pk]),
        reverse("admin:syncengine_syncrun_changelist"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'id="run-chart"' in html and "last 2 runs" in html, url
        charted = [int(pk) for pk in re.findall(r'class="run-bars" data-run="(\d+)"', html)]
        assert charted == [run.pk for run in real], url
    html = client.get(pages[0]).content.decode()
    assert "ops/run_progress.js" in html and progress_url(connection_obj) in html
