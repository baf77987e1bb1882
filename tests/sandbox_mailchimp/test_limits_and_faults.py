"""The 10-connection limit (reference C.7) and the shared control plane: faults, latency,
reset, seed, state, request log."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .helpers import check_error, md5


def _concurrent_gets(api, list_id, n):
    barrier = threading.Barrier(n)

    def one(_):
        session = requests.Session()
        barrier.wait()
        return session.get(f"{api.base_url}/lists/{list_id}/members", auth=("u", api.key), timeout=30)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_more_than_10_simultaneous_requests_get_429(sandbox, api, list_id, config):
    requests.post(f"{config['base_url'][:-4]}/_sandbox/faults", json={"latency_ms": 800}, timeout=5)
    responses = _concurrent_gets(api, list_id, 13)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 10 + [429] * 3
    body = check_error(next(r for r in responses if r.status_code == 429))
    assert body["title"] == "Too Many Requests"
    assert body["detail"] == "You have exceeded the limit of 10 simultaneous connections."
    assert "Retry-After" not in responses[0].headers  # C.7: no rate-limit headers
    assert sandbox.max_in_flight == 13


def test_10_simultaneous_requests_are_fine(sandbox, api, list_id, config):
    requests.post(f"{config['base_url'][:-4]}/_sandbox/faults", json={"latency_ms": 300}, timeout=5)
    assert {r.status_code for r in _concurrent_gets(api, list_id, 10)} == {200}


@pytest.fixture
def control(config):
    root = config["base_url"][: -len("/3.0")]

    def call(method, action, body=None):
        return requests.request(method, f"{root}/_sandbox/{action}", json=body, timeout=5)

    return call


def test_injected_429_and_5xx_have_mailchimps_body(api, list_id, control):
    control("POST", "faults", {"burst_429": 1})
    response = api.get(f"/lists/{list_id}/members")
    assert response.status_code == 429 and check_error(response)["title"] == "Too Many Requests"
    assert api.get(f"/lists/{list_id}/members").status_code == 200
    control("POST", "faults", {"error_rate": 1.0, "methods": ["POST"]})
    assert api.get(f"/lists/{list_id}/members").status_code == 200  # only the writes fail
    response = api.post(f"/lists/{list_id}/members", {"email_address": "a@northwind-mail.com", "status": "pending"})
    assert response.status_code == 503 and check_error(response)["status"] == 503
    assert api.get(f"/lists/{list_id}/members/a@northwind-mail.com").status_code == 404


def test_latency(api, list_id, control):
    control("POST", "faults", {"latency_ms": 150})
    started = time.monotonic()
    assert api.get(f"/lists/{list_id}/members").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_control_seed_state_requests_reset(sandbox, api, list_id, control):
    seeded = control(
        "POST",
        "seed",
        {
            "lists": [{"id": "b2c3d4e5f6", "name": "Second"}],
            "merge_fields": [{"tag": "COMPANY", "name": "Company", "type": "text"}],
            "members": [
                {"email_address": "ann@northwind-mail.com", "merge_fields": {"COMPANY": "Acme"}, "tags": ["VIP"]},
                {"email_address": "bob@northwind-mail.com", "status": "archived"},
                {"email_address": "cy@northwind-mail.com", "status": "unsubscribed", "unsubscribed_by_contact": True},
                {"email_address": "dee@northwind-mail.com", "forgotten": True},
            ],
            "generate": {"members": 20, "seed": 3},
        },
    )
    assert seeded.status_code == 200, seeded.text
    assert seeded.json()["members"][0] == md5("ann@northwind-mail.com")
    assert sum(seeded.json()["generated"].values()) == 20
    state = control("GET", "state").json()
    assert state["dc"] == "us6" and set(state["lists"]) == {list_id, "b2c3d4e5f6"}
    assert state["lists"][list_id]["forgotten"] == 1 and state["lists"][list_id]["members"]["archived"] >= 1
    ann = api.get(f"/lists/{list_id}/members/ann@northwind-mail.com").json()
    assert ann["merge_fields"]["COMPANY"] == "Acme" and ann["tags"][0]["name"] == "VIP"
    refused = api.patch(f"/lists/{list_id}/members/cy@northwind-mail.com", {"status": "pending"})
    assert refused.status_code == 200  # pending (double opt-in) stays open to a self-unsubscribed contact
    dee = api.post(f"/lists/{list_id}/members", {"email_address": "dee@northwind-mail.com", "status": "subscribed"})
    assert check_error(dee)["title"] == "Forgotten Email Not Subscribed"
    log = control("GET", "requests").json()
    assert [(e["method"], e["status"]) for e in log[-2:]] == [("PATCH", 200), ("POST", 400)]
    bad = control("POST", "seed", {"members": [{"email_address": "e@example.com"}]})
    assert bad.status_code == 400 and "looks fake" in bad.json()["error"]
    assert control("POST", "seed", {"nope": 1}).status_code == 400
    control("POST", "reset")
    state = control("GET", "state").json()
    assert set(state["lists"]) == {list_id} and sum(state["lists"][list_id]["members"].values()) == 0
    assert control("GET", "requests").json() == []


def test_python_seed_api_generates_many_members_quickly(sandbox, api, list_id):
    started = time.monotonic()
    counts = sandbox.seed({"generate": {"members": 10_000, "seed": 1}})["generated"]
    assert time.monotonic() - started < 5
    assert sum(counts.values()) == 10_000 and counts["subscribed"] > 7000 and counts["cleaned"] > 0
    page = api.get(f"/lists/{list_id}/members", count=1000, sort_field="last_changed").json()
    assert page["total_items"] == 10_000 - counts.get("archived", 0)
    changed = [m["last_changed"] for m in page["members"]]
    assert changed == sorted(changed) and len(set(changed)) == 1000  # each its own second
