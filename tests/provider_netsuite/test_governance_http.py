"""Concurrency, retries and faults against the sandbox's governance over real HTTP."""

import time

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import MalformedResponse, Unavailable
from sandbox.common.server import SandboxServer

from .conftest import max_overlap, sandbox_requests, set_faults


def companies(count: int, prefix: str) -> list[WriteRequest]:
    return [WriteRequest(key=f"{prefix}-{i}", values={"companyName": f"{prefix} company {i}"}) for i in range(count)]


def wait_until_idle(sandbox, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while sandbox.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.in_flight == 0


def test_hundred_writes_never_exceed_the_concurrency_limit(make_client, sandbox, base_url):
    set_faults(base_url, latency_ms=50, concurrency_limit=5)
    client = make_client(concurrency_limit=5)
    results = client.create_many("company_customers", companies(100, "bulk"), subsidiary_id="1")
    assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok][:3]
    assert len({r.record_id for r in results}) == 100
    log = sandbox_requests(base_url)
    assert len([e for e in log if e["method"] == "PUT"]) == 100
    assert [e for e in log if e["status"] == 429] == []
    assert max_overlap(log) == 5  # as parallel as allowed, and never more
    assert sandbox.state()["maxInFlight"] <= 5


def test_a_client_allowed_more_than_the_account_limit_would_be_caught(make_client, sandbox, base_url):
    # The measurement above can fail: a client set to 8 against an account limit of 5 trips it.
    set_faults(base_url, latency_ms=50, concurrency_limit=5)
    client = make_client(concurrency_limit=8, max_retries=8)
    results = client.create_many("company_customers", companies(40, "over"), subsidiary_id="1")
    assert all(r.ok for r in results)  # the 429s were absorbed by retries
    log = sandbox_requests(base_url)
    assert any(e["status"] == 429 and e["fault"] == "concurrency" for e in log)
    assert sandbox.state()["counts"]["customer"] == 40


def test_a_burst_of_429s_and_some_503s_are_absorbed_without_losing_a_write(make_client, sandbox, base_url):
    set_faults(base_url, burst_429=10, error_rate=0.2, seed=7)
    client = make_client(concurrency_limit=5)
    results = client.create_many("company_customers", companies(30, "burst"), subsidiary_id="1")
    assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok][:3]
    assert sandbox.state()["counts"]["customer"] == 30  # each written once: no loss, no duplicate
    statuses = [e["status"] for e in sandbox_requests(base_url)]
    assert statuses.count(429) == 10
    assert statuses.count(503) >= 1
    # Every retry was signed anew: the sandbox refuses a reused nonce, and refused no login.
    assert sandbox.login_audit_trail() == []


def test_a_server_that_never_answers_is_unavailable_after_the_retries(make_client, sandbox, base_url):
    set_faults(base_url, timeout_rate=1.0, timeout_seconds=1.0)
    client = make_client(timeout=0.2, max_retries=1)
    with pytest.raises(Unavailable, match="did not answer within 0.2s"):
        client.verify()
    wait_until_idle(sandbox)
    assert len(sandbox_requests(base_url)) == 2  # one try, one retry


def test_dropped_connections_are_retried_then_unavailable(make_client, sandbox, base_url):
    set_faults(base_url, drop_rate=1.0)
    with pytest.raises(Unavailable, match="Could not reach NetSuite"):
        make_client(max_retries=2).verify()
    assert len(sandbox_requests(base_url)) == 3


def test_malformed_json_is_retried_then_a_malformed_response(make_client, sandbox, base_url):
    set_faults(base_url, malformed_rate=1.0)
    with pytest.raises(MalformedResponse):
        make_client(max_retries=2).subsidiaries()
    assert len(sandbox_requests(base_url)) == 3
    set_faults(base_url, malformed_rate=0.0)
    assert make_client().subsidiaries()[0].name == "Parent Company"


def test_transient_errors_on_reads_are_retried_transparently(make_client, sandbox, base_url):
    sandbox.seed({"generate": {"customers": 30, "contacts": 5, "seed": 3}})
    expected = sorted(
        r.id for p in make_client().read_changes("company_customers", None, subsidiary_id="2") for r in p.records
    )
    set_faults(base_url, burst_429=3, error_rate=0.3, seed=5)
    pages = list(make_client().read_changes("company_customers", None, subsidiary_id="2", page_size=3))
    assert sorted(r.id for p in pages for r in p.records) == expected


def test_retry_after_is_honoured_when_the_server_sends_it(make_client):
    # The sandbox sends no Retry-After (whether NetSuite does is UNCERTAIN), so a minimal
    # server stands in for a NetSuite that does: one 429 asking for 0.4 s, then an answer.
    calls = []

    def app(environ, start_response):
        calls.append(time.monotonic())
        if len(calls) == 1:
            start_response("429 Too Many Requests", [("Retry-After", "0.4"), ("Content-Type", "application/json")])
            return [b'{"status": 429, "o:errorDetails": [{"detail": "Request limit exceeded."}]}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"count": 1, "hasMore": false, "totalResults": 1, "items": [{"id": "1"}]}']

    with SandboxServer(app) as server:
        facts = make_client(base_url=server.base_url).verify()
    assert facts["subsidiary_count"] == 1
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.4
