"""NetSuite ⇄ HubSpot at a few thousand records, through the engine, over HTTP against both sandboxes (issue
18): after the initial sync a second run right after it writes nothing to either sandbox.

HubSpot's incremental read searches from the latest change seen minus a ten-minute overlap
(``connections/providers/hubspot/cursor.py``: ``OVERLAP_MS``), so a run right after the initial one reads
back every contact that run wrote. Those are the engine's own writes (echoes) or records unchanged since
they were synced: no write may come of them. Writes are counted in the sandboxes' request logs, not in our
counters."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from syncengine.choices import RunStatus

from .hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)

NETSUITE_COUNT = 1500
HUBSPOT_COUNT = 1500
SHARED = 750  # the first 750 of each side share an email: linked, the rest created on the other side


def _write_requests(log: list[dict], side: str) -> list[dict]:
    """The requests of a sandbox's log that change something (HubSpot: search and batch read are POSTs
    that read; NetSuite: SuiteQL is a POST that reads)."""

    def reads(entry: dict) -> bool:
        path = entry["path"]
        if entry["method"] == "GET":
            return True
        if side == "netsuite":
            return path.endswith("/suiteql")
        return path.endswith("/search") or path.endswith("/batch/read")

    return [entry for entry in log if not reads(entry)]


def _seed(sandboxes, app) -> None:
    stamp = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    customers = []
    for index in range(NETSUITE_COUNT):
        body = {
            "isPerson": True,
            "subsidiary": {"id": "1"},
            "firstName": f"Nora{index}",
            "lastName": f"Scale{index % 31}",
            "email": f"person{index:05d}@example.com",
            "dateCreated": stamp,
            "lastModifiedDate": stamp,
        }
        if index % 2 == 0:
            body["phone"] = f"+1 415 555 {index:04d}"  # a field HubSpot's twin lacks: written to HubSpot
        customers.append(body)
    sandboxes.netsuite.seed({"records": {"customer": customers}})
    contacts = []
    for index in range(HUBSPOT_COUNT):
        shared = index < SHARED
        properties = {
            "email": f"person{index:05d}@example.com" if shared else f"hub{index:05d}@example.org",
            "firstname": f"Nora{index}" if shared else f"Hana{index}",
            "lastname": f"Scale{index % 31}",
        }
        if index % 2 == 1:
            properties["jobtitle"] = f"Title {index % 7}"  # a field NetSuite's twin lacks: written to NetSuite
        contacts.append({"properties": properties})
    app.seed({"contacts": contacts})


def test_a_second_run_right_after_an_initial_sync_of_thousands_writes_nothing_to_either_side(
    sandboxes, hubspot, hubspot_connection
):
    app, _ = hubspot
    _seed(sandboxes, app)
    first = run(hubspot_connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    total = NETSUITE_COUNT + HUBSPOT_COUNT - SHARED
    assert len(list(app.portal.store("contacts").active())) == total
    hubspot_writes = _write_requests(app.requests(), "hubspot")
    assert any(e["path"].endswith("/batch/create") for e in hubspot_writes)  # the first run did write
    assert any(e["path"].endswith("/batch/update") for e in hubspot_writes)

    ns_mark, hs_mark = len(sandboxes.netsuite.requests()), len(app.requests())
    started = time.perf_counter()
    second = run(hubspot_connection)
    elapsed = time.perf_counter() - started
    assert second.status == RunStatus.SUCCEEDED, second.error
    netsuite_log, hubspot_log = sandboxes.netsuite.requests()[ns_mark:], app.requests()[hs_mark:]
    assert _write_requests(netsuite_log, "netsuite") == []
    assert _write_requests(hubspot_log, "hubspot") == []
    # It did read back what the first run wrote in HubSpot (the overlap): every one an echo or unchanged.
    searched = [e for e in hubspot_log if e["path"].endswith("/search") and e["status"] == 200]
    assert len(searched) >= (HUBSPOT_COUNT - SHARED + NETSUITE_COUNT - SHARED) // 200
    assert second.outcomes.count() == 0
    assert len(list(app.portal.store("contacts").active())) == total
    print(f"second run: {elapsed:.2f} s, {len(hubspot_log)} HubSpot and {len(netsuite_log)} NetSuite requests")

    third = run(hubspot_connection)  # and again: still nothing
    assert third.status == RunStatus.SUCCEEDED, third.error
    assert _write_requests(app.requests()[hs_mark:], "hubspot") == []
    assert _write_requests(sandboxes.netsuite.requests()[ns_mark:], "netsuite") == []
