"""*Retry failed records*: for one connection (a button on its page) or for chosen outcomes (an action of the
outcome list), the failing records are put back in the queue (their mirror rows pending) and a run limited to
them is queued (unless a queued run covers them); the message says what was re-queued. Operators may use it.
The limited run itself: tests/engine/test_retry_limited.py."""

from __future__ import annotations

import re

from django.contrib.auth.models import Permission
from django.urls import reverse

from mappings.models import FieldMapping
from ops.health import connection_health
from syncengine.choices import Outcome, RunStatus, Side, Trigger
from syncengine.models import MirrorRecord, RecordOutcome, SyncRun
from syncengine.runner import run_sync

from ..engine.harness import sync
from ..engine.helpers import g_person, ns_by_email, seed

OUTCOMES = reverse("admin:syncengine_recordoutcome_changelist")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _failing_setup(sandboxes, connection) -> list[str]:
    """Two Google contacts whose work phone NetSuite refuses, one that syncs: a partially failed run."""
    _, google = seed(
        sandboxes,
        google=[
            g_person("Al", "Bad", "al@example.com", phoneNumbers=[{"value": "555 12", "type": "work"}]),
            g_person("Cy", "Bad", "cy@example.com", phoneNumbers=[{"value": "555 34", "type": "work"}]),
            g_person("Kim", "Ok", "kim@example.com"),
        ],
    )
    assert sync(connection).status == RunStatus.PARTIALLY_FAILED
    assert connection_health(connection).failing.count == 2
    return google


def test_retry_from_the_connection_page_requeues_the_failing_records_and_their_run_syncs_them(
    client, operator_user, sandboxes, connection
):
    al, cy, kim = _failing_setup(sandboxes, connection)
    # Al's change was consumed (as when the record was written but a field failed): only a retry brings it back.
    MirrorRecord.objects.filter(connection=connection, side=Side.APP, record_id=al).update(pending=False)
    # The cause is put right: the phone mapping is switched off.
    FieldMapping.objects.filter(connection=connection, netsuite_field="phone").update(enabled=False)
    client.force_login(operator_user)
    page = client.get(reverse("admin:connections_connection_change", args=[connection.pk])).content.decode()
    assert 'id="retry-failed"' in page
    url = reverse("admin:connections_connection_retry_failed", args=[connection.pk])

    response = client.post(url, follow=True)

    run = SyncRun.objects.get(connection=connection, status=RunStatus.QUEUED)
    assert _messages(response) == [
        f"2 failed records of “{connection.name}” re-queued: run {run.pk} queued to retry only them."
    ]
    pending = set(
        MirrorRecord.objects.filter(connection=connection, side=Side.APP, pending=True).values_list(
            "record_id", flat=True
        )
    )
    assert pending == {al, cy}  # Kim synced: left alone
    assert run.trigger == Trigger.RETRY and run.scope == {Side.APP: sorted([al, cy])}  # a run limited to them

    # A second click while that run waits: it says so and queues nothing more.
    response = client.post(url, follow=True)
    assert _messages(response) == [
        f"2 failed records of “{connection.name}” re-queued: run {run.pk} is already queued to retry them."
    ]
    assert SyncRun.objects.filter(connection=connection, status=RunStatus.QUEUED).count() == 1

    assert run_sync(run.pk).status == RunStatus.SUCCEEDED  # as the worker runs it
    # The run's page and the runs list say what it was.
    run_page = client.get(reverse("admin:syncengine_syncrun_change", args=[run.pk])).content.decode()
    assert '<td id="run-trigger">Retry of 2 records' in run_page
    assert "Retry of 2 records" in client.get(reverse("admin:syncengine_syncrun_changelist")).content.decode()
    assert {"al@example.com", "cy@example.com", "kim@example.com"} <= set(ns_by_email(sandboxes))
    assert connection_health(connection).failing.count == 0
    response = client.post(url, follow=True)
    assert _messages(response) == [f"“{connection.name}”: no failing record to retry."]


def test_retry_selected_outcomes_requeues_only_their_failing_records(client, operator_user, sandboxes, connection):
    al, cy, kim = _failing_setup(sandboxes, connection)
    MirrorRecord.objects.filter(connection=connection, side=Side.APP).update(pending=False)
    al_failed = RecordOutcome.objects.get(app_id=al, outcome=Outcome.FAILED)
    kim_created = RecordOutcome.objects.get(app_id=kim, outcome=Outcome.CREATED)
    client.force_login(operator_user)
    listing = client.get(OUTCOMES).content.decode()
    assert re.search(r'<option value="retry_failed_records">Retry selected \(failed records\)</option>', listing)

    response = client.post(
        OUTCOMES,
        {"action": "retry_failed_records", "_selected_action": [al_failed.pk, kim_created.pk]},
        follow=True,
    )

    run = SyncRun.objects.get(connection=connection, status=RunStatus.QUEUED)
    assert _messages(response) == [
        f"1 failed record of “{connection.name}” re-queued: run {run.pk} queued to retry only them."
    ]
    pending = set(MirrorRecord.objects.filter(connection=connection, pending=True).values_list("record_id", flat=True))
    assert pending == {al}

    response = client.post(
        OUTCOMES, {"action": "retry_failed_records", "_selected_action": [kim_created.pk]}, follow=True
    )
    assert _messages(response) == ["None of the selected outcomes is a failure of a real run: nothing to retry."]


def test_only_those_who_may_run_connections_may_retry(client, django_user_model, sandboxes, connection):
    _failing_setup(sandboxes, connection)
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_recordoutcome", "view_connection"]))
    client.force_login(viewer)
    assert client.post(reverse("admin:connections_connection_retry_failed", args=[connection.pk])).status_code == 403
    assert "retry_failed_records" not in client.get(OUTCOMES).content.decode()
    failed = RecordOutcome.objects.filter(outcome=Outcome.FAILED).values_list("pk", flat=True)
    client.post(OUTCOMES, {"action": "retry_failed_records", "_selected_action": list(failed)})
    assert not SyncRun.objects.filter(status=RunStatus.QUEUED).exists()
