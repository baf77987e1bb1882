"""*Undo this run…* in the admin (issue 20, item 4): on a run's page and in the runs list, one run at a time;
a preview first, then *Confirm undo* on the preview's page; administrators only, operators see it disabled
with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from changelog.models import ChangeRecord
from syncengine.choices import RunStatus, Trigger
from syncengine.models import SyncRun


@pytest.fixture
def finished(connection_obj) -> SyncRun:
    return SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)


def page(client, run: SyncRun) -> str:
    return client.get(reverse("admin:syncengine_syncrun_change", args=[run.pk])).content.decode()


def test_an_administrator_previews_the_undo_then_confirms_it(client, administrator_user, finished):
    client.force_login(administrator_user)
    html = page(client, finished)
    assert 'id="run-undo"' in html and 'id="undo-preview"' in html and "disabled" not in html.split('id="run-undo"')[1]

    answer = client.post(reverse("admin:syncengine_syncrun_undo", args=[finished.pk]), {"created": "delete"})

    preview = SyncRun.objects.get(trigger=Trigger.UNDO)
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{preview.pk}/change/")
    assert (preview.undoes, preview.dry_run, preview.undo_created) == (finished, True, "delete")
    assert preview.requested_by == administrator_user and preview.status == RunStatus.QUEUED

    SyncRun.objects.filter(pk=preview.pk).update(status=RunStatus.SUCCEEDED)  # as the worker ends it
    html = page(client, preview)
    assert f'Undoes</th><td id="run-undoes"><a href="/admin/syncengine/syncrun/{finished.pk}/change/">' in html
    assert 'id="undo-confirm"' in html and "delete them" in html
    client.post(
        reverse("admin:syncengine_syncrun_undo", args=[finished.pk]), {"created": "delete", "action": "confirm"}
    )
    undo = SyncRun.objects.filter(trigger=Trigger.UNDO, dry_run=False).get()
    assert (undo.undoes, undo.undo_created, undo.requested_by) == (finished, "delete", administrator_user)
    # The change history says who asked for the preview and for the undo, and of which run.
    history = ChangeRecord.objects.filter(connection_id=finished.connection_id).order_by("id")
    assert [(r.object_repr, r.username) for r in history if "undo" in r.object_repr.lower()] == [
        (f"Preview of the undo of run {finished.pk} (run {preview.pk})", administrator_user.username),
        (f"Undo of run {finished.pk} (run {undo.pk})", administrator_user.username),
    ]


def test_an_operator_sees_the_undo_disabled_with_the_reason_and_cannot_post_it(client, operator_user, finished):
    client.force_login(operator_user)
    html = page(client, finished)
    assert 'id="undo-preview" disabled title="Only sync administrators can undo a run."' in html
    answer = client.post(reverse("admin:syncengine_syncrun_undo", args=[finished.pk]))
    assert answer.status_code == 403
    assert not SyncRun.objects.filter(trigger=Trigger.UNDO).exists()


def test_dry_runs_and_runs_not_finished_offer_no_undo(client, administrator_user, connection_obj):
    client.force_login(administrator_user)
    for run, why in (
        (
            SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED, dry_run=True),
            "A dry run wrote nothing: there is nothing to undo.",
        ),
        (
            SyncRun.objects.create(connection=connection_obj, status=RunStatus.RUNNING),
            "is running: only a finished run can be undone.",
        ),
    ):
        assert 'id="run-undo"' not in page(client, run)
        answer = client.post(reverse("admin:syncengine_syncrun_undo", args=[run.pk]), follow=True)
        assert why in answer.content.decode()
    assert not SyncRun.objects.filter(trigger=Trigger.UNDO).exists()


def test_the_runs_list_action_takes_one_run_to_its_undo_panel(client, administrator_user, finished, connection_obj):
    client.force_login(administrator_user)
    url = reverse("admin:syncengine_syncrun_changelist")
    one = client.post(url, {"action": "undo_selected_run", "_selected_action": [finished.pk]})
    assert one.status_code == 302 and one["Location"].endswith(f"/{finished.pk}/change/#run-undo")
    other = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    two = client.post(url, {"action": "undo_selected_run", "_selected_action": [finished.pk, other.pk]}, follow=True)
    assert "Choose one run to undo (one at a time)." in two.content.decode()
