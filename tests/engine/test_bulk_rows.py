"""syncengine/bulk.py: rows written without the ORM's per-value overhead read back exactly as the ORM
would have stored them (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from syncengine.bulk import insert_rows, update_rows
from syncengine.choices import LinkState, Outcome, SyncDirection, Trigger
from syncengine.models import RecordLink, RecordOutcome, SyncRun

pytestmark = pytest.mark.django_db


def test_inserted_outcomes_read_back_as_the_orm_stores_them(connection):
    run = SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL)
    link = RecordLink.objects.create(connection=connection, netsuite_id="7", app_id="people/c7", state=LinkState.LINKED)
    before = timezone.now()
    objs = [
        RecordOutcome(
            run=run,
            link=link,
            direction=SyncDirection.TO_APP,
            netsuite_id="7",
            app_id="people/c7",
            email="ann@example.com",
            name="Ann Ö'Brien",
            outcome=Outcome.UPDATED,
            diff={"email": ["old@example.com", "ann@example.com"], "defaultAddress": [None, {"city": "Köln"}]},
            message="Warning: kept",
            rules=[{"rule": "VIP", "matched": True}],
        ),
        RecordOutcome(run=run, direction=SyncDirection.TO_NETSUITE, outcome=Outcome.FAILED, message="refused"),
    ]
    assert insert_rows(objs) == 2
    assert insert_rows([]) == 0
    first, second = RecordOutcome.objects.filter(run=run).order_by("id")
    assert (first.link_id, first.direction, first.outcome) == (link.pk, SyncDirection.TO_APP, Outcome.UPDATED)
    assert first.diff == {"email": ["old@example.com", "ann@example.com"], "defaultAddress": [None, {"city": "Köln"}]}
    assert first.rules == [{"rule": "VIP", "matched": True}] and first.name == "Ann Ö'Brien"
    assert before <= first.created_at <= timezone.now() + timedelta(seconds=1)  # auto_now_add, as save() sets it
    assert (second.link_id, second.diff, second.rules, second.netsuite_id) == (None, {}, [], "")
    assert RecordOutcome.objects.filter(run=run, outcome=Outcome.FAILED).count() == 1  # the column is queryable


def test_updated_rows_change_only_the_named_fields(connection):
    link = RecordLink.objects.create(
        connection=connection, netsuite_id="8", app_id="people/c8", state=LinkState.CREATING
    )
    link.state, link.netsuite_snapshot, link.app_id = LinkState.LINKED, {"email": "x@example.com"}, "people/other"
    assert update_rows([link], ["state", "netsuite_snapshot"]) == 1
    link.refresh_from_db()
    assert (link.state, link.netsuite_snapshot, link.app_id) == (
        LinkState.LINKED,
        {"email": "x@example.com"},
        "people/c8",
    )
