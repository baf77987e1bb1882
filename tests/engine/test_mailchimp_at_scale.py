"""NetSuite ⇄ a Mailchimp audience at a few thousand people, through the engine, over HTTP against both sandboxes
(issue 19): after the initial sync, a run right after it writes nothing to either side.

Mailchimp's incremental read asks for the members changed since the latest change seen minus a five-minute
overlap (``connections/providers/mailchimp/client.py``: ``OVERLAP``), so the second run reads back every
member the first one wrote or linked: each is an echo of our own write or unchanged since it was synced, and
no write may come of it. Writes are counted in the sandboxes' request logs, not in our counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .helpers import ns_by_email
from .mailchimp_checks import app_writes, members, netsuite_writes, run

pytestmark = pytest.mark.django_db(transaction=True)

NETSUITE_COUNT = 1500
MAILCHIMP_COUNT = 1500
SHARED = 750  # the first 750 of each side share an email: linked; the rest created on the other side


def _seed(sandboxes, app) -> None:
    stamp = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    customers = []
    for index in range(NETSUITE_COUNT):
        body = {
            "isPerson": True,
            "subsidiary": {"id": "1"},
            "firstName": f"Nora{index}",
            "lastName": f"Scale{index % 31}",
            "email": f"person{index:05d}@pioneers.io",
            "dateCreated": stamp,
            "lastModifiedDate": stamp,
        }
        if index % 2 == 0:
            body["phone"] = f"+1 415 555 {index:04d}"  # a value the member lacks: written to Mailchimp
        customers.append(body)
    sandboxes.netsuite.seed({"records": {"customer": customers}})
    seeded = []
    for index in range(MAILCHIMP_COUNT):
        shared = index < SHARED
        seeded.append(
            {
                "email_address": f"person{index:05d}@pioneers.io" if shared else f"member{index:05d}@audience.io",
                "merge_fields": {"FNAME": f"Nora{index}" if shared else f"Mina{index}", "LNAME": f"Scale{index % 31}"},
            }
        )
    app.seed({"members": seeded})


def test_a_second_run_right_after_an_initial_sync_of_thousands_writes_nothing_to_either_side(
    sandboxes, mailchimp, mailchimp_connection
):
    app, _ = mailchimp
    _seed(sandboxes, app)
    run(mailchimp_connection)  # must succeed
    total = NETSUITE_COUNT + MAILCHIMP_COUNT - SHARED
    assert len(members(app)) == total
    customers = ns_by_email(sandboxes)
    assert len(customers) == total and all(len(same) == 1 for same in customers.values())  # no duplicate
    written = app_writes(app)
    assert [r["method"] for r in written].count("POST") == 2  # 750 new members: two batch subscribes (500 + 250)
    assert any(r["method"] == "PATCH" for r in written)  # the phones of the shared ones
    assert len(netsuite_writes(sandboxes)) >= MAILCHIMP_COUNT - SHARED  # the members new to NetSuite

    ns_mark, app_mark = len(sandboxes.netsuite.requests()), len(app.requests())
    second = run(mailchimp_connection)

    assert netsuite_writes(sandboxes, ns_mark) == []
    assert app_writes(app, app_mark) == []
    # It did read back what the first run wrote (the overlap): every one an echo or unchanged.
    read = [r for r in app.requests()[app_mark:] if r["path"].endswith("/members") and r["status"] == 200]
    assert len(read) >= total // 1000
    assert second.outcomes.count() == 0
    assert len(members(app)) == total
    assert sorted({m["status"] for m in members(app).values()}) == ["subscribed"]

    third = run(mailchimp_connection)  # and again: still nothing
    assert third.outcomes.count() == 0
    assert app_writes(app, app_mark) == []
    assert netsuite_writes(sandboxes, ns_mark) == []
    assert len(ns_by_email(sandboxes)) == total and len(members(app)) == total
