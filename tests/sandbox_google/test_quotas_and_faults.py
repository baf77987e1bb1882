"""Per-minute quotas (429 RESOURCE_EXHAUSTED), injected faults and the control API."""

from __future__ import annotations

import pytest
import requests

from .helpers import person


def test_read_quota_gives_429_resource_exhausted_shaped_like_google(make_server):
    app, api = make_server(read_quota_per_minute=3)
    for _ in range(3):
        assert api.get("/v1/people/me/connections", personFields="names").status_code == 200
    response = api.get("/v1/people/me/connections", personFields="names")
    assert response.status_code == 429
    assert "Retry-After" not in response.headers
    error = response.json()["error"]
    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"].startswith("Quota exceeded for quota metric 'Critical read requests")
    assert error["message"].endswith("for consumer 'project_number:100000000001'.")
    (info,) = error["details"]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "RATE_LIMIT_EXCEEDED" and info["domain"] == "googleapis.com"
    assert set(info["metadata"]) == {"consumer", "quota_limit", "service", "quota_metric"}
    # Contact-group reads use another bucket.
    assert api.get("/v1/contactGroups").status_code == 200


def test_write_quota_counts_batch_costs_and_window_slides(make_server):
    app, api = make_server(write_quota_per_minute=12)
    batch = {"contacts": [{"contactPerson": person("A")}], "readMask": "names"}
    assert api.post("/v1/people:batchCreateContacts", batch).status_code == 200  # 6 critical writes
    assert api.post("/v1/people:batchCreateContacts", batch).status_code == 200  # 12
    refused = api.post("/v1/people:batchCreateContacts", batch)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["message"] == (
        "Quota exceeded for quota metric 'Critical write requests' and limit 'Critical write requests per minute "
        "per user' of service 'people.googleapis.com' for consumer 'project_number:100000000001'."
    )
    assert error["details"][0]["metadata"] == {
        "consumer": "projects/100000000001",
        "quota_limit": "CriticalWritesPerMinutePerProjectPerUser",
        "service": "people.googleapis.com",
        "quota_metric": "people.googleapis.com/critical_write_requests",
    }
    assert app.state()["contacts"] == 2  # the refused call wrote nothing
    real_clock = app.clock
    app.clock = lambda: real_clock() + 61
    assert api.post("/v1/people:batchCreateContacts", batch).status_code == 200


def test_default_quotas_let_a_10000_record_sync_through(sandbox):
    # 10 pages of 1000 plus 50 batch writes of 200: about 310 critical reads and 300 writes.
    sandbox.quotas.charge({"critical_read": 10})
    for _ in range(50):
        sandbox.quotas.charge({"critical_read": 6, "critical_write": 6})
    usage = sandbox.quotas.usage()
    assert usage["critical_read"]["used"] == 310 and usage["critical_read"]["limit"] >= 310
    assert usage["critical_write"]["used"] == 300 and usage["critical_write"]["limit"] >= 300


def test_injected_burst_of_429_and_5xx_use_googles_envelope(api, sandbox, base_url):
    requests.post(f"{base_url}/_sandbox/faults", json={"burst_429": 1}, timeout=5)
    limited = api.get("/v1/people/me/connections", personFields="names")
    assert limited.status_code == 429 and limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert api.get("/v1/people/me/connections", personFields="names").status_code == 200

    requests.post(f"{base_url}/_sandbox/faults", json={"error_rate": 1.0}, timeout=5)
    failed = api.get("/v1/people/me/connections", personFields="names")
    assert failed.status_code == 503 and failed.json()["error"]["status"] == "UNAVAILABLE"
    # OAuth endpoints are not subject to injected faults.
    token = requests.post(
        f"{base_url}/token",
        data={"grant_type": "refresh_token", "refresh_token": sandbox.issue_tokens()["refresh_token"]},
        auth=(sandbox.config.client_id, sandbox.config.client_secret),
        timeout=5,
    )
    assert token.status_code == 200


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"), (403, "PERMISSION_DENIED"), (404, "NOT_FOUND")],
)
def test_injected_4xx_use_googles_codes(api, base_url, status, code):
    requests.post(f"{base_url}/_sandbox/faults", json={"error_rate": 1.0, "error_status": status}, timeout=5)
    refused = api.get("/v1/people/me/connections", personFields="names")
    assert refused.status_code == status
    assert refused.json()["error"] == {"code": status, "message": refused.json()["error"]["message"], "status": code}
    assert refused.json()["error"]["message"]


def test_control_api_seed_state_requests_and_reset(api, sandbox, base_url):
    seeded = requests.post(
        f"{base_url}/_sandbox/seed",
        json={"contactGroups": ["VIP"], "persons": [person("Ann", "ann@example.com")], "generate": {"contacts": 20}},
        timeout=10,
    ).json()
    assert seeded["created"] == 21 and len(seeded["resourceNames"]) == 1 and len(seeded["contactGroups"]) == 1
    state = requests.get(f"{base_url}/_sandbox/state", timeout=5).json()
    assert state["contacts"] == 21
    assert any(g["name"] == "VIP" for g in state["contact_groups"])
    api.get("/v1/people/me/connections", personFields="names")
    log = requests.get(f"{base_url}/_sandbox/requests", timeout=5).json()
    assert log[-1]["path"] == "/v1/people/me/connections" and log[-1]["status"] == 200
    for bad_seed in (
        {"persons": [{"names": [{"bogus": 1}]}]},
        {"people": []},
        {"generate": {"contact": 5}},
    ):
        assert requests.post(f"{base_url}/_sandbox/seed", json=bad_seed, timeout=5).status_code == 400, bad_seed
    requests.post(f"{base_url}/_sandbox/reset", timeout=5)
    assert requests.get(f"{base_url}/_sandbox/state", timeout=5).json()["contacts"] == 0


def test_unknown_routes_and_unsimulated_methods(api):
    assert api.get("/v1/people:searchContacts", query="a", readMask="names").status_code == 501
    assert api.get("/v1/nothing/here").status_code == 404
    assert api.request("PUT", "/v1/people/me/connections").status_code == 404


def test_first_page_of_a_full_sync_draws_on_its_own_quota(make_server):
    app, api = make_server(full_sync_quota_per_minute=1)
    app.seed({"generate": {"contacts": 3}})
    connections = "/v1/people/me/connections"
    first = api.get(connections, personFields="names", pageSize=2, requestSyncToken="true").json()
    api.get(connections, personFields="names", pageSize=2, requestSyncToken="true", pageToken=first["nextPageToken"])
    again = api.get(connections, personFields="names", pageSize=2, requestSyncToken="true")
    assert again.status_code == 429
    assert "Full sync" in again.json()["error"]["message"]
    assert api.get(connections, personFields="names").status_code == 200  # no sync token asked: a plain read


def test_faults_limited_to_some_methods_refuse_the_writes_and_serve_the_reads(api, sandbox, base_url):
    """``methods``: a fault that hits the writes only (Google's writes are POSTs, its reads GETs), so that a
    sync reads its changes and fails its writes, with Google's own envelope; lifting it restores the writes."""
    faults = requests.post(
        f"{base_url}/_sandbox/faults",
        json={"error_rate": 1.0, "error_status": 403, "methods": ["post"]},
        timeout=5,
    ).json()
    assert faults["methods"] == ["POST"]
    batch = {"contacts": [{"contactPerson": person("A", "a@example.com")}], "readMask": "names"}
    refused = api.post("/v1/people:batchCreateContacts", batch)
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    assert api.get("/v1/people/me/connections", personFields="names").status_code == 200
    assert api.get("/v1/contactGroups").status_code == 200
    assert sandbox.state()["contacts"] == 0  # the refused write wrote nothing
    log = requests.get(f"{base_url}/_sandbox/requests", timeout=5).json()
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("POST", 403, "5xx"),
        ("GET", 200, None),
        ("GET", 200, None),
    ]

    requests.post(f"{base_url}/_sandbox/faults", json={"error_rate": 0.0}, timeout=5)  # the fault is lifted
    assert api.post("/v1/people:batchCreateContacts", batch).status_code == 200
    assert sandbox.state()["contacts"] == 1


def test_methods_must_be_a_list_of_names(base_url):
    for bad in ("POST", [""], [1]):
        response = requests.post(f"{base_url}/_sandbox/faults", json={"methods": bad}, timeout=5)
        assert response.status_code == 400 and "methods" in response.json()["error"]
