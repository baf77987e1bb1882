"""Governance and faults: the account concurrency limit, injected errors, the request log."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

LIST = "/services/rest/record/v1/subsidiary"


def _control(base_url: str, action: str, payload: dict | None = None, method: str = "POST") -> requests.Response:
    return requests.request(method, f"{base_url}/_sandbox/{action}", json=payload, timeout=10)


def test_requests_beyond_the_concurrency_limit_get_429(client, sandbox, base_url, error_of):
    assert sandbox.faults.concurrency_limit == 5  # the default: a shared-tier account
    _control(base_url, "faults", {"latency_ms": 1000})
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(lambda _: client.get(LIST), range(12)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 5
    assert statuses.count(429) == 7
    refused = next(r for r in responses if r.status_code == 429)
    code, detail = error_of(refused)
    assert code == "CONCURRENCY_LIMIT_EXCEEDED"
    assert "concurrency limit" in detail
    log = _control(base_url, "requests", method="GET").json()
    assert sorted(entry["status"] for entry in log) == statuses


def test_the_limit_is_configurable(client, sandbox, base_url):
    _control(base_url, "faults", {"latency_ms": 800, "concurrency_limit": 2})
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = [r.status_code for r in pool.map(lambda _: client.get(LIST), range(6))]
    assert statuses.count(200) == 2
    assert statuses.count(429) == 4


def test_a_burst_of_429s_then_normal_service(client, base_url):
    _control(base_url, "faults", {"burst_429": 3})
    statuses = [client.get(LIST).status_code for _ in range(5)]
    assert statuses == [429, 429, 429, 200, 200]


def test_injected_server_errors_carry_netsuite_error_bodies(client, base_url, error_of):
    _control(base_url, "faults", {"error_rate": 1.0, "error_status": 503})
    response = client.get(LIST)
    assert response.status_code == 503
    assert error_of(response)[0] == "SERVICE_UNAVAILABLE"


def test_malformed_json_fault(client, base_url):
    _control(base_url, "faults", {"malformed_rate": 1.0})
    response = client.get(LIST)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_timeout_fault_makes_the_client_time_out(client, sandbox, base_url):
    _control(base_url, "faults", {"timeout_rate": 1.0, "timeout_seconds": 1.0})
    with pytest.raises(requests.exceptions.Timeout):
        client.get(LIST, timeout=0.3)
    # Let the hung request finish so it does not count against the next test's limit.
    deadline = time.monotonic() + 5
    while sandbox.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.in_flight == 0


def test_request_log_counts_calls_since_reset(client, base_url):
    client.get(LIST)
    client.post(
        "/services/rest/query/v1/suiteql", json={"q": "SELECT id FROM subsidiary"}, headers={"Prefer": "transient"}
    )
    log = _control(base_url, "requests", method="GET").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", LIST, 200),
        ("POST", "/services/rest/query/v1/suiteql", 200),
    ]
    assert all(e["ms"] >= 0 for e in log)
    _control(base_url, "reset")
    assert _control(base_url, "requests", method="GET").json() == []


def test_faults_limited_to_the_record_writes_leave_suiteql_reads_alone(client, sandbox, base_url, error_of):
    """NetSuite's reads are GETs and SuiteQL POSTs; its record writes PUT, PATCH and DELETE. With ``methods``
    a fault hits only those, and a burst of 429s waits for them."""
    _control(base_url, "faults", {"error_rate": 1.0, "error_status": 503, "burst_429": 1, "methods": ["PATCH", "PUT"]})
    assert client.get(LIST).status_code == 200
    query = client.post(
        "/services/rest/query/v1/suiteql", json={"q": "SELECT id FROM subsidiary"}, headers={"Prefer": "transient"}
    )
    assert query.status_code == 200
    subsidiary = query.json()["items"][0]["id"]
    path = f"{LIST}/{subsidiary}"
    limited = client.patch(path, json={"name": "Renamed"})
    assert limited.status_code == 429 and error_of(limited)[0] == "CONCURRENCY_LIMIT_EXCEEDED"
    refused = client.patch(path, json={"name": "Renamed"})
    assert refused.status_code == 503 and error_of(refused)[0] == "SERVICE_UNAVAILABLE"
    assert sandbox.faults.burst_429 == 0
    _control(base_url, "faults", {"methods": []})  # every method again
    assert client.get(LIST).status_code == 503
