"""Status that never hides trouble: the connection page's banner, the connections list (status and failing
columns) and its *Needs attention* filter agree with the latest real run and with the failing count; a dry
run never stands in for the last run."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection
from ops.health import connection_health
from syncengine.choices import Outcome, RunStatus
from syncengine.latest_outcomes import failing_records_url
from syncengine.models import RecordOutcome, SyncRun
from syncengine.notifications import AUTH_PAUSE_PREFIX

from ..engine.harness import sync
from ..engine.helpers import g_person, seed

LIST = reverse("admin:connections_connection_changelist")


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def list_rows(client, query: str = "") -> dict[str, tuple[str, str]]:
    """Each listed connection's name → (its status column, its failing column), as rendered."""
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    cl = response.context["cl"]
    return {
        obj.name: (str(cl.model_admin.sync_status(obj)), str(cl.model_admin.failing_records(obj)))
        for obj in cl.result_list
    }


def banner(client, connection: Connection) -> str:
    html = client.get(reverse("admin:connections_connection_change", args=[connection.pk])).content.decode()
    start = html.index('id="sync-status"')
    return html[start : html.index("</div>", html.index("Last run:", start))]


def test_a_dry_run_never_hides_the_partially_failed_real_run_and_all_three_views_agree(
    admin_client, sandboxes, connection
):
    seed(
        sandboxes,
        google=[
            g_person("Kim", "Ok", "kim@example.com"),
            g_person("Al", "Bad", "al@example.com", phoneNumbers=[{"value": "555 12", "type": "work"}]),
            g_person("Cy", "Bad", "cy@example.com", phoneNumbers=[{"value": "12", "type": "work"}]),
        ],
    )
    real = sync(connection)
    assert real.status == RunStatus.PARTIALLY_FAILED, real.error
    dry = sync(connection, dry_run=True)  # plans the same records, NetSuite refuses nothing it is not sent
    assert dry.status == RunStatus.SUCCEEDED, dry.error

    text = banner(admin_client, connection)
    assert 'id="sync-status-label">Needs attention' in text
    assert f"Run {real.pk} partially failed" in text and "2 records are failing" in text
    last_run = reverse("admin:syncengine_syncrun_change", args=[real.pk])
    assert f'<a href="{last_run}">Partially failed</a>' in text

    rows = list_rows(admin_client)
    assert "Needs attention" in rows[connection.name][0]
    assert ">2</a>" in rows[connection.name][1]
    assert failing_records_url(connection.pk).replace("&", "&amp;") in rows[connection.name][1]
    assert listed(admin_client, failing_records_url(connection.pk)) == 2 == connection_health(connection).failing.count
    assert set(list_rows(admin_client, "attention=yes")) == {connection.name}


def _run(
    connection: Connection,
    status: str,
    minutes: int,
    *,
    dry_run: bool = False,
    failed: tuple = (),
    records: tuple = ("1", "2"),
) -> SyncRun:
    run = SyncRun.objects.create(
        connection=connection, status=status, dry_run=dry_run, finished_at=timezone.now() + timedelta(minutes=minutes)
    )
    # queued_at orders the runs: make it follow the story, not the speed of the test.
    SyncRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() + timedelta(minutes=minutes))
    RecordOutcome.objects.bulk_create(
        RecordOutcome(
            run=run,
            direction="to_app",
            outcome=Outcome.FAILED if record_id in failed else Outcome.UPDATED,
            netsuite_id=record_id,
            message="NetSuite refused the record." if record_id in failed else "",
        )
        for record_id in (records if status != RunStatus.SKIPPED else ())  # a skipped run touched nothing
    )
    return run


def _clone(connection_obj: Connection, name: str) -> Connection:
    return Connection.objects.create(
        name=name,
        netsuite_account=connection_obj.netsuite_account,
        subsidiary=connection_obj.subsidiary,
        contact_type=connection_obj.contact_type,
        app_account=connection_obj.app_account,
    )


def test_needs_attention_filter_status_column_and_banner_flag_the_same_connections(admin_client, connection_obj):
    stories = {
        "fine": [(RunStatus.SUCCEEDED, False, ())],
        "partially failed": [(RunStatus.PARTIALLY_FAILED, False, ())],  # e.g. a mapping skipped, no record failed
        "failing records": [(RunStatus.PARTIALLY_FAILED, False, ("1",)), (RunStatus.FAILED, False, ("1",))],
        "failed": [(RunStatus.FAILED, False, ())],
        "dry run after a partial failure": [
            (RunStatus.PARTIALLY_FAILED, False, ("2",)),
            (RunStatus.SUCCEEDED, True, ()),
        ],
        "skipped after a partial failure": [
            (RunStatus.PARTIALLY_FAILED, False, ("2",)),
            (RunStatus.SKIPPED, False, ()),
        ],
        "failed dry run after success": [(RunStatus.SUCCEEDED, False, ()), (RunStatus.FAILED, True, ("1", "2"))],
        # The failing count alone flags it: a later run succeeded without retrying record 1 (it crashed, say).
        "failing, then a run that left them out": [
            (RunStatus.PARTIALLY_FAILED, False, ("1",)),
            (RunStatus.SUCCEEDED, False, (), ("2",)),
        ],
        "recovered": [(RunStatus.PARTIALLY_FAILED, False, ("1",)), (RunStatus.SUCCEEDED, False, ())],
    }
    connections = {}
    for name, runs in stories.items():
        connections[name] = _clone(connection_obj, name)
    # Paused: by someone (not flagged, whatever its runs), or by the engine awaiting re-authorization (flagged).
    for name, reason in (
        ("paused by someone", "Paused by adam"),
        ("paused by the engine", f"{AUTH_PAUSE_PREFIX} (3 runs)"),
    ):
        connections[name] = _clone(connection_obj, name)
        Connection.objects.filter(pk=connections[name].pk).update(paused=True, paused_reason=reason)
        _run(connections[name], RunStatus.PARTIALLY_FAILED, 0, failed=("1",))
    for name, runs in stories.items():
        for minute, (status, dry_run, failed, *touched) in enumerate(runs):
            records = touched[0] if touched else ("1", "2")
            _run(connections[name], status, minute, dry_run=dry_run, failed=failed, records=records)
    connection_obj.delete()

    flagged = {
        "partially failed",
        "failing records",
        "failed",
        "dry run after a partial failure",
        "skipped after a partial failure",
        "failing, then a run that left them out",
        "paused by the engine",
    }
    assert set(list_rows(admin_client, "attention=yes")) == flagged
    rows = list_rows(admin_client)
    assert {name for name, (status, _) in rows.items() if "Needs attention" in status} == flagged
    assert {name for name, (_, failing) in rows.items() if failing != "0"} == {
        "paused by someone",
        "paused by the engine",
        "failing records",
        "dry run after a partial failure",
        "skipped after a partial failure",
        "failing, then a run that left them out",
    }
    in_banner = {
        name
        for name, connection in connections.items()
        if 'id="sync-status-label">Needs attention' in banner(admin_client, connection)
    }
    assert in_banner == flagged


def test_the_connections_list_runs_a_fixed_number_of_queries_whatever_the_number_of_connections(
    admin_client, connection_obj
):
    def grow(count: int) -> None:
        for index in range(count):
            connection = _clone(connection_obj, f"more {Connection.objects.count()} {index}")
            _run(connection, RunStatus.PARTIALLY_FAILED, 0, failed=("1",))
            _run(connection, RunStatus.SUCCEEDED, 1, dry_run=True)

    def queries() -> int:
        with CaptureQueriesContext(db) as ctx:
            rows = list_rows(admin_client)
        assert all(failing == "0" or ">1</a>" in failing for _, failing in rows.values())
        return len(ctx.captured_queries)

    grow(2)
    few = queries()
    grow(8)
    assert queries() == few


def test_warnings_count_records_whose_latest_outcome_carries_a_field_warning(admin_client, connection_obj):
    first = _run(connection_obj, RunStatus.SUCCEEDED, 0)
    RecordOutcome.objects.filter(run=first, netsuite_id="1").update(
        message="Warning: 'Account manager 1' is not one of the options of custentity_account_manager"
    )
    second = _run(connection_obj, RunStatus.PARTIALLY_FAILED, 1, failed=("2",))
    RecordOutcome.objects.filter(run=second, netsuite_id="2").update(message="Warning: then NetSuite refused it")
    RecordOutcome.objects.filter(run=second, netsuite_id="1").update(
        message="Warning: 'Account manager 1' is not one of the options of custentity_account_manager"
    )
    # A third record warned once, then synced cleanly: no longer a warning.
    RecordOutcome.objects.create(
        run=first, direction="to_app", outcome=Outcome.UPDATED, netsuite_id="3", message="Warning: x"
    )
    RecordOutcome.objects.create(run=second, direction="to_app", outcome=Outcome.UNCHANGED, netsuite_id="3")

    health = connection_health(connection_obj)

    assert health.warnings.count == 1  # record 1 (record 2 is failing: counted there, not twice)
    assert health.failing.count == 1
    assert listed(admin_client, health.warnings.url) == 1
    html = admin_client.get(reverse("admin:connections_connection_health", args=[connection_obj.pk])).content.decode()
    assert 'id="health-warnings"' in html and health.warnings.url.replace("&", "&amp;") in html
