"""The admin index opens on the connections' status (the list's rule, failing count, last run, a link to
each), with the product's apps above authentication and the task queue."""

from __future__ import annotations

from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome, SyncRun


def _failing_run(connection: Connection, failing: int) -> SyncRun:
    run = SyncRun.objects.create(connection=connection, status=RunStatus.PARTIALLY_FAILED, finished_at=timezone.now())
    for number in range(failing):
        RecordOutcome.objects.create(
            run=run, direction="to_app", netsuite_id=str(number), email=f"p{number}@example.com", outcome=Outcome.FAILED
        )
    return run


def test_the_index_opens_on_each_connection_with_its_status_failing_count_and_last_run(admin_client, connection_obj):
    _failing_run(connection_obj, 2)

    html = admin_client.get(reverse("admin:index")).content.decode()

    overview = html.split('id="connections-overview"', 1)[1].split("</div>", 1)[0]
    change_url = reverse("admin:connections_connection_change", args=[connection_obj.pk])
    assert f'<a href="{change_url}">ACME ⇄ Google</a>' in overview
    assert "Needs attention" in overview  # the connections list's status rule
    assert ">2</a>" in overview  # the failing count, a link to the failing records
    assert "ago)" in overview  # the last run
    assert html.index('id="connections-overview"') < html.index("app-connections")  # above the apps


def test_product_apps_come_before_authentication_and_the_task_queue(admin_client, db):
    html = admin_client.get(reverse("admin:index")).content.decode()
    content = html.split('id="content-main"', 1)[1]

    positions = {label: content.index(f"app-{label} ") for label in ("connections", "syncengine", "auth", "django_q")}
    assert positions["connections"] < positions["auth"]
    assert positions["syncengine"] < positions["auth"]
    assert positions["syncengine"] < positions["django_q"]


def test_an_index_without_connections_points_to_the_wizard(admin_client, db):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "No connection yet." in html
    assert reverse("admin:connections_connection_wizard") in html


def test_the_overview_costs_the_same_queries_for_one_or_ten_connections(admin_client, connection_obj):
    def queries() -> int:
        with CaptureQueriesContext(db) as captured:
            admin_client.get(reverse("admin:index"))
        return len(captured)

    one = queries()
    for number in range(9):
        Connection.objects.create(
            name=f"Copy {number}",
            netsuite_account=connection_obj.netsuite_account,
            subsidiary=connection_obj.subsidiary,
            contact_type="contacts",
            app_account=connection_obj.app_account,
        )
    assert queries() == one
