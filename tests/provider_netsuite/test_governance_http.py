"""Concurrency, retries and faults against the sandbox's governance over real HTTP."""

import time
from contextlib import contextmanager

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import MalformedResponse, Unavailable
from connections.providers.netsuite import transport as transport_module
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


class _RecordingGate:
    """A slot gate (the SlotGate protocol) that notes when its slot is taken and given back."""

    limit = 5

    def __init__(self, events: list):
        self.events = events

    @contextmanager
    def hold(self):
        self.events.append("slot taken")
        try:
            yield
        finally:
            self.events.append("slot given back")


def _record_signing(client, events: list) -> None:
    sign = client.transport.auth

    def auth():
        signer = sign()

        def signed(request):
            events.append("signed")
            return signer(request)

        return signed

    client.transport.auth = auth


def test_a_request_is_signed_before_its_slot_is_taken(make_client, sandbox):
    """Signing (HMAC, nonce) costs CPU: a slot is held only while the request is on the wire."""
    events: list[str] = []
    client = make_client(slots=_RecordingGate(events))
    _record_signing(client, events)
    client.transport.request("GET", "/record/v1/customer", params={"limit": 1})
    assert events == ["signed", "slot taken", "slot given back"]


def test_a_request_that_waited_long_for_its_slot_is_signed_again(make_client, sandbox, monkeypatch):
    """NetSuite refuses a stale timestamp: a request signed before a long wait is signed anew."""
    monkeypatch.setattr(transport_module, "RESIGN_AFTER", -1.0)  # every wait counts as long
    events: list[str] = []
    client = make_client(slots=_RecordingGate(events))
    _record_signing(client, events)
    client.transport.request("GET", "/record/v1/customer", params={"limit": 1})
    assert events == ["signed", "slot taken", "signed", "slot given back"]
