"""Rate limits (reference B.8) and the shared control plane: faults, latency, reset, seed, state."""

from __future__ import annotations

import time

import requests

C = "/crm/v3/objects/contacts"


def test_normal_answers_carry_the_rate_limit_headers(api):
    response = api.get(C)
    assert response.headers["X-HubSpot-RateLimit-Max"] == "190"
    assert response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert response.headers["X-HubSpot-RateLimit-Daily"] == "650000"
    before = int(response.headers["X-HubSpot-RateLimit-Remaining"])
    assert int(api.get(C).headers["X-HubSpot-RateLimit-Remaining"]) == before - 1


def test_the_ten_second_rolling_limit_429_body_and_recovery(make_server):
    sandbox, api = make_server(ten_second_limit=3)
    now = [time.time()]
    sandbox.clock = lambda: now[0]
    for _ in range(3):
        assert api.get(C).status_code == 200
    response = api.get(C)
    assert response.status_code == 429
    body = response.json()
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert body["policyName"] == "TEN_SECONDLY_ROLLING" and body["errorType"] == "RATE_LIMIT"
    assert body["groupName"].startswith("publicapi:private_app-api-calls-ten-secondly:")
    now[0] += 9.9
    assert api.get(C).status_code == 429  # still inside the rolling window
    now[0] += 0.2
    assert api.get(C).status_code == 200


def test_the_daily_limit_429_body_and_reset_at_midnight_utc(make_server):
    sandbox, api = make_server(daily_limit=2, ten_second_limit=None)
    now = [86400.0 * 20000 + 3600]
    sandbox.clock = lambda: now[0]
    assert api.get(C).status_code == 200 and api.get(C).status_code == 200
    body = api.get(C).json()
    assert body["message"] == "You have reached your daily limit." and body["policyName"] == "DAILY"
    now[0] += 86400
    assert api.get(C).status_code == 200


def test_an_injected_429_has_hubspots_body(sandbox, api, base_url):
    requests.post(f"{base_url}/_sandbox/faults", json={"burst_429": 1}, timeout=5)
    response = api.get(C)
    assert response.status_code == 429 and response.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert api.get(C).status_code == 200


def test_injected_5xx_and_latency(sandbox, api, base_url):
    requests.post(f"{base_url}/_sandbox/faults", json={"error_rate": 1.0}, timeout=5)
    response = api.get(C)
    assert response.status_code == 503 and response.json()["status"] == "error"
    requests.post(f"{base_url}/_sandbox/faults", json={"error_rate": 0.0, "latency_ms": 150}, timeout=5)
    started = time.monotonic()
    assert api.get(C).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_control_endpoints_seed_state_requests_reset(sandbox, api, base_url):
    seeded = requests.post(
        f"{base_url}/_sandbox/seed",
        json={
            "contacts": [
                {"properties": {"email": "x@example.org"}},
                {"properties": {"email": "y@example.org"}, "archived": True},
            ],
            "generate": {"contacts": 10, "companies": 3},
        },
        timeout=5,
    ).json()
    assert len(seeded["ids"]["contacts"]) == 2 and seeded["generated"]["companies"] == 3
    state = requests.get(f"{base_url}/_sandbox/state", timeout=5).json()
    assert state["contacts"] == {"active": 11, "archived": 1} and state["companies"]["active"] == 3
    api.get(C)
    log = requests.get(f"{base_url}/_sandbox/requests", timeout=5).json()
    assert log[-1]["path"] == C and log[-1]["status"] == 200
    bad = requests.post(f"{base_url}/_sandbox/seed", json={"deals": []}, timeout=5)
    assert bad.status_code == 400
    requests.post(f"{base_url}/_sandbox/reset", timeout=5)
    assert requests.get(f"{base_url}/_sandbox/state", timeout=5).json()["contacts"]["active"] == 0


def test_generator_makes_10000_contacts_quickly_with_unique_emails(sandbox, api):
    started = time.monotonic()
    result = sandbox.seed({"generate": {"contacts": 10_000, "companies": 1_000}})
    elapsed = time.monotonic() - started
    assert result["generated"]["contacts"] == 10_000
    assert elapsed < 5, elapsed
    emails = {r.properties["email"] for r in sandbox.portal.store("contacts").records.values()}
    assert len(emails) == 10_000
