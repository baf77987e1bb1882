"""A run reads both sides at once (NetSuite's pages on a thread of their own), so its reading takes as long
as the slower side rather than the sum of both; an error on either side still stops the run with its
message. Over real HTTP against the sandboxes, timed by their request logs."""

from __future__ import annotations

import pytest

from connections.choices import AccountStatus
from connections.models import ConnectedAccount
from syncengine.choices import RunStatus

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def slow_apis(sandboxes):
    sandboxes.netsuite.faults.latency_ms = sandboxes.google.faults.latency_ms = 120
    yield sandboxes
    sandboxes.netsuite.faults.latency_ms = sandboxes.google.faults.latency_ms = 0


def test_both_sides_are_read_at_the_same_time(slow_apis, connection):
    sandboxes = slow_apis
    seed(
        sandboxes,
        netsuite=[ns_person(f"N{i}", "Suite", f"n{i}@example.com") for i in range(3)],
        google=[g_person(f"G{i}", "Mail", f"g{i}@example.com") for i in range(3)],
    )
    sandboxes.clear_logs()

    assert sync(connection).status == RunStatus.SUCCEEDED

    # Each sandbox logs times from its own start: put both on the one monotonic clock they share.
    netsuite = [
        {**r, "at": r["start"] + sandboxes.netsuite._epoch, "to": r["end"] + sandboxes.netsuite._epoch}
        for r in sandboxes.netsuite.requests()
    ]
    google = [
        {**r, "at": r["start"] + sandboxes.google._epoch, "to": r["end"] + sandboxes.google._epoch}
        for r in sandboxes.google.requests()
    ]
    first_write = min(r["at"] for r in netsuite + google if r["method"] in ("PUT", "PATCH") or "batch" in r["path"])
    # The reading, just before the first write: NetSuite's query of every customer (a full read: one page),
    # and Google's requests after its last token refresh (the groups, then the contacts).
    netsuite_read = [r for r in netsuite if r["path"].endswith("/suiteql") and r["at"] < first_write][-1]
    last_token = max(r["at"] for r in google if r["path"] == "/token" and r["at"] < first_write)
    google_reads = [r for r in google if r["method"] == "GET" and last_token < r["at"] < first_write]
    assert {r["path"] for r in google_reads} == {"/v1/contactGroups", "/v1/people/me/connections"}
    assert any(r["at"] < netsuite_read["to"] and netsuite_read["at"] < r["to"] for r in google_reads), (
        "NetSuite's and Google's reads never overlapped: the sides were read one after the other"
    )
    assert set(ns_by_email(sandboxes)) == set(g_by_email(sandboxes))  # and the run synced as before


def test_a_netsuite_error_while_both_sides_are_read_stops_the_run_with_its_message(slow_apis, connection):
    sandboxes = slow_apis
    seed(sandboxes, google=[g_person(f"G{i}", "Mail", f"g{i}@example.com") for i in range(3)])
    sandboxes.netsuite.revoke_token()  # every NetSuite request now fails to authenticate

    run = sync(connection)

    assert run.status == RunStatus.FAILED and run.error.startswith("Authentication failed")
    account = ConnectedAccount.objects.get(pk=connection.netsuite_account_id)
    assert account.status in (AccountStatus.ERROR, AccountStatus.NEEDS_REAUTH)  # the account says so, as before
