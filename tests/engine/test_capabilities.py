"""Capabilities are remembered (issue 14, item 0): what an account refused once is not asked again every
run, until the refusal expires. Over real HTTP, counting the NetSuite sandbox's request log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.models import ConnectedAccount
from connections.providers.capabilities import REFUSAL_MEMORY, SUITEQL_AGGREGATES
from syncengine.choices import RunStatus, Side

from .harness import sync
from .helpers import ns_person, seed


@pytest.fixture
def refusing_sum(sandboxes):
    """The NetSuite sandbox refuses SUM in SuiteQL (as an account may: UNCERTAIN in the reference)."""
    sandboxes.netsuite.config.suiteql_sum = False
    yield sandboxes
    sandboxes.netsuite.config.suiteql_sum = True


def _netsuite_requests(sandboxes) -> list[tuple[str, str, int]]:
    return [(r["method"], r["path"], r["status"]) for r in sandboxes.requests()["netsuite"]]


def _refused_queries(requests) -> int:
    return sum(1 for method, path, status in requests if path.endswith("/suiteql") and status == 400)


PLAIN_READS = [("POST", "/services/rest/query/v1/suiteql", 200)] * 3  # changed since, the window, deletions


def test_a_refused_aggregate_is_asked_once_then_remembered_for_the_account_until_it_expires(
    refusing_sum, transactional_db, connection
):
    # Committed data (transactional_db): NetSuite's pages are fetched on a thread of their own, whose
    # database connection stores the refusal, as in production; a test transaction would hide the account.
    sandboxes = refusing_sum
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    assert sync(connection).status == RunStatus.SUCCEEDED  # a full read: no change-count query
    sandboxes.clear_logs()
    second = sync(connection)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert _refused_queries(_netsuite_requests(sandboxes)) == 1  # asked once, refused
    account = ConnectedAccount.objects.get(pk=connection.netsuite_account_id)
    until = account.refused_capabilities[SUITEQL_AGGREGATES]
    assert timezone.now() + REFUSAL_MEMORY - timedelta(minutes=5) < timezone.datetime.fromisoformat(until)

    # A run with no change: exactly the plain reads, and no refused query. Without the change count
    # the record may come again (when it is still in the overlap window), and the page that delivers
    # it costs one more read: the default address of its records.
    sandboxes.clear_logs()
    third = sync(connection)
    assert third.status == RunStatus.SUCCEEDED, third.error
    address_reads = 1 if third.counters["read"][Side.NETSUITE] else 0
    assert (
        _netsuite_requests(sandboxes)
        == PLAIN_READS + [("POST", "/services/rest/query/v1/suiteql", 200)] * address_reads
    )

    # Once the refusal expired, the account is asked again (it may have changed).
    past = (timezone.now() - timedelta(seconds=1)).isoformat()
    ConnectedAccount.objects.filter(pk=account.pk).update(refused_capabilities={SUITEQL_AGGREGATES: past})
    sandboxes.clear_logs()
    assert sync(connection).status == RunStatus.SUCCEEDED
    assert _refused_queries(_netsuite_requests(sandboxes)) == 1


def test_an_account_that_allows_the_aggregate_has_nothing_remembered(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    sync(connection)
    sandboxes.clear_logs()
    assert sync(connection).status == RunStatus.SUCCEEDED
    assert _refused_queries(_netsuite_requests(sandboxes)) == 0
    assert ConnectedAccount.objects.get(pk=connection.netsuite_account_id).refused_capabilities == {}
