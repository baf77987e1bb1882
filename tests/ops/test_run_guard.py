"""Run now, Dry run and Full resync while a run of the connection is queued or running say so and queue
nothing more, even when two clicks post at the same moment."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from syncengine.choices import RunStatus
from syncengine.models import SyncRun


@pytest.mark.parametrize(
    ("button", "data"),
    [("run", {}), ("dry_run", {}), ("full_resync", {"confirm": "yes"})],
)
@pytest.mark.parametrize("active", [RunStatus.QUEUED, RunStatus.RUNNING])
def test_each_run_button_says_a_run_is_already_queued_or_running_instead_of_queueing_another(
    client, operator_user, connection_obj, button, data, active
):
    busy = SyncRun.objects.create(connection=connection_obj, status=active)
    client.force_login(operator_user)

    response = client.post(
        reverse(f"admin:connections_connection_{button}", args=[connection_obj.pk]), data, follow=True
    )

    assert f"Run {busy.pk} is already {active}" in response.content.decode()
    assert list(SyncRun.objects.values_list("pk", flat=True)) == [busy.pk]


def test_once_the_run_has_finished_the_next_click_queues_a_new_run(client, operator_user, connection_obj):
    SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    client.force_login(operator_user)
    url = reverse("admin:connections_connection_run", args=[connection_obj.pk])
    assert "queued; the background worker" in client.post(url, follow=True).content.decode()
    assert SyncRun.objects.filter(status=RunStatus.QUEUED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_whose_two_posts_arrive_together_queues_one_run(operator_user, connection_obj):
    """The first post is held after it found no active run and before it stored its own; the second post
    arrives meanwhile. It must wait for the first and then report its run, not queue a second one."""
    url = reverse("admin:connections_connection_run", args=[connection_obj.pk])
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(operator_user)
    first_checked = threading.Event()
    held = threading.Lock()

    def hold_the_first_post(sender, instance, **kwargs):
        if instance._state.adding and held.acquire(blocking=False):  # the first run, about to be inserted
            first_checked.set()
            time.sleep(1.5)

    pages: dict[int, str] = {}

    def click(index: int) -> None:
        try:
            pages[index] = clients[index].post(url, follow=True).content.decode()
        finally:
            connections.close_all()

    pre_save.connect(hold_the_first_post, sender=SyncRun)
    try:
        first = threading.Thread(target=click, args=(0,))
        first.start()
        assert first_checked.wait(10)
        second = threading.Thread(target=click, args=(1,))
        second.start()
        first.join(30)
        second.join(30)
    finally:
        pre_save.disconnect(hold_the_first_post, sender=SyncRun)

    run = SyncRun.objects.get(connection=connection_obj)  # exactly one
    assert f"Run {run.pk} queued" in pages[0]
    assert f"Run {run.pk} is already queued" in pages[1]
