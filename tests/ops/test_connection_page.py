"""The connection page: status banner, Run now / Dry run / Full resync, held deletions."""

import pytest
from django.urls import reverse
from django_q.models import OrmQ, Schedule

from syncengine.choices import RunStatus, Trigger
from syncengine.models import ConnectionState, SyncRun


def _queued_task_ids() -> list:
    return [task.task["args"] for task in OrmQ.objects.all()]


@pytest.mark.django_db(transaction=True)
def test_operator_runs_now_and_the_run_is_queued_once(client, operator_user, connection_obj):
    client.force_login(operator_user)
    url = reverse("admin:connections_connection_run", args=[connection_obj.pk])
    response = client.post(url, follow=True)
    run = SyncRun.objects.get(connection=connection_obj)
    assert run.status == RunStatus.QUEUED and run.trigger == Trigger.MANUAL
    assert f"Run {run.pk} queued" in response.content.decode()
    assert _queued_task_ids() == [(run.pk,)]
    # A second click while the run waits queues nothing more.
    response = client.post(url, follow=True)
    assert "already queued" in response.content.decode()
    assert SyncRun.objects.filter(connection=connection_obj).count() == 1
    assert len(_queued_task_ids()) == 1


def test_dry_run_button_queues_a_dry_run(
    client, administrator_user, connection_obj, django_capture_on_commit_callbacks
):
    client.force_login(administrator_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:connections_connection_dry_run", args=[connection_obj.pk]))
    assert SyncRun.objects.get(connection=connection_obj).dry_run is True


def test_full_resync_asks_for_confirmation_first(client, administrator_user, connection_obj):
    client.force_login(administrator_user)
    url = reverse("admin:connections_connection_full_resync", args=[connection_obj.pk])
    page = client.post(url)
    assert page.status_code == 200 and "reads <strong>every</strong> record" in page.content.decode()
    assert not SyncRun.objects.exists()
    client.post(url, {"confirm": "yes"})
    assert SyncRun.objects.get(connection=connection_obj).full is True


def test_user_without_run_permission_cannot_run(client, django_user_model, connection_obj):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    assert client.post(reverse("admin:connections_connection_run", args=[connection_obj.pk])).status_code == 403
    assert not SyncRun.objects.exists()


def test_status_banner_and_held_deletions(client, administrator_user, operator_user, connection_obj):
    SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    state, _ = ConnectionState.objects.get_or_create(connection=connection_obj)
    client.force_login(administrator_user)
    change = reverse("admin:connections_connection_change", args=[connection_obj.pk])
    html = client.get(change).content.decode()
    assert 'id="sync-status-label">Active and listening' in html
    assert 'id="run-now"' in html

    state.deletions_awaiting_confirmation = 7
    state.save()
    html = client.get(change).content.decode()
    assert "Needs attention" in html and "7 deletions are held back" in html
    assert 'id="confirm-deletions"' in html

    client.force_login(operator_user)  # operators may run, not confirm deletions
    assert 'id="confirm-deletions"' not in client.get(change).content.decode()
    assert (
        client.post(reverse("admin:connections_connection_confirm_deletions", args=[connection_obj.pk])).status_code
        == 403
    )

    client.force_login(administrator_user)
    client.post(reverse("admin:connections_connection_confirm_deletions", args=[connection_obj.pk]))
    state.refresh_from_db()
    assert state.deletions_confirmed is True and state.deletions_awaiting_confirmation == 0


@pytest.mark.django_db(transaction=True)
def test_pausing_removes_the_schedule_and_resuming_restores_it(client, operator_user, connection_obj):
    name = f"sync connection {connection_obj.pk}"
    assert Schedule.objects.get(name=name).minutes == connection_obj.interval_minutes
    client.force_login(operator_user)
    client.post(reverse("admin:connections_connection_pause", args=[connection_obj.pk]))
    assert not Schedule.objects.filter(name=name).exists()
    client.post(reverse("admin:connections_connection_resume", args=[connection_obj.pk]))
    assert Schedule.objects.filter(name=name).exists()
    html = client.get(reverse("admin:connections_connection_changelist")).content.decode()
    assert "Active" in html
