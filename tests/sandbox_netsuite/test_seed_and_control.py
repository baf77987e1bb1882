"""Seeding (explicit and generated), changes made "by a NetSuite user", the clock, and the control API."""

import json
import time

import requests

from sandbox.netsuite import NetSuiteSandbox, default_config
from sandbox.netsuite import suiteql as suiteql_engine


def _control(base_url: str, action: str, payload: dict | None = None, method: str = "POST") -> requests.Response:
    return requests.request(method, f"{base_url}/_sandbox/{action}", json=payload, timeout=30)


def test_generated_account_is_realistic(client, sandbox):
    summary = sandbox.seed({"generate": {"customers": 400, "contacts": 300, "seed": 7}})
    assert summary["generated"]["customer"]["count"] == 400
    assert summary["generated"]["contact"]["count"] == 300

    subsidiaries = client.rows("SELECT id, isinactive, iselimination FROM subsidiary")
    assert len(subsidiaries) >= 5
    assert any(s["isinactive"] == "T" for s in subsidiaries)
    assert any(s["iselimination"] == "T" for s in subsidiaries)
    assert client.rows("SELECT COUNT(*) AS n FROM employee WHERE issalesrep = 'T'")[0]["n"] != "0"
    assert client.rows("SELECT COUNT(*) AS n FROM partner")[0]["n"] != "0"
    assert client.rows("SELECT COUNT(*) AS n FROM campaign")[0]["n"] != "0"

    kinds = client.rows("SELECT COUNT(*) AS n FROM customer WHERE isperson = 'T'")
    assert 0 < int(kinds[0]["n"]) < 400  # both company and individual customers
    no_email = client.rows("SELECT COUNT(*) AS n FROM customer WHERE email IS NULL")[0]["n"]
    assert int(no_email) > 0
    assert summary["sharedEmails"] > 0
    assert summary["withoutEmail"] > 0

    # Every custom field type holds values.
    for field in (
        "custentity_vip",
        "custentity_nickname",
        "custentity_renewal_date",
        "custentity_loyalty_tier",
        "custentity_interests",
        "custentity_account_manager",
        "custentity_seats",
        "custentity_discount_rate",
        "custentity_billing_email",
        "custentity_assistant_phone",
    ):
        count = client.rows(f"SELECT COUNT(*) AS n FROM contact WHERE {field} IS NOT NULL")[0]["n"]
        assert int(count) > 0, field

    # Most contacts belong to a company customer, in that company's subsidiary.
    contacts = client.rows("SELECT id, company, subsidiary FROM contact ORDER BY id")
    companies = {row["id"]: row for row in client.rows("SELECT id, subsidiary FROM customer WHERE isperson = 'F'")}
    attached = [c for c in contacts if "company" in c]
    assert len(attached) > len(contacts) // 2
    assert all(companies[c["company"]]["subsidiary"] == c["subsidiary"] for c in attached)


def test_generation_is_repeatable(sandbox):
    first = NetSuiteSandbox()
    second = NetSuiteSandbox()
    for account in (first, second):
        account.seed({"generate": {"customers": 50, "contacts": 50, "seed": 11}})
    query = "SELECT id, entityid, email, salesrep, custentity_interests FROM customer ORDER BY id"
    rows = [suiteql_engine.run(a.store, query, 1000, 0, "UTC").items for a in (first, second)]
    assert rows[0] == rows[1]


def test_explicit_records_with_and_without_ids(client, sandbox):
    created = sandbox.seed(
        {
            "records": {
                "customer": [
                    {"id": 5000, "companyName": "Fixed Id Co", "subsidiary": {"id": "1"}},
                    {"companyName": "Next Co", "subsidiary": {"id": "1"}, "lastModifiedDate": "2026-01-02T03:04:05Z"},
                ],
                "contact": [{"firstName": "A", "lastName": "B", "subsidiary": {"id": "1"}, "company": {"id": "5000"}}],
            }
        }
    )["created"]
    assert created["customer"][0] == 5000
    assert created["customer"][1] > 5000
    record = client.get(f"/services/rest/record/v1/customer/{created['customer'][1]}").json()
    assert record["lastModifiedDate"] == "2026-01-02T03:04:05Z"


def test_seed_refuses_what_netsuite_refuses(base_url):
    response = _control(base_url, "seed", {"records": {"customer": [{"companyName": "No subsidiary"}]}})
    assert response.status_code == 400
    assert "Subsidiary" in response.json()["error"]
    assert _control(base_url, "seed", {"records": {"spaceship": []}}).status_code == 400


def test_touch_is_a_user_change_seen_by_incremental_queries(client, sandbox):
    (customer_id,) = sandbox.seed(
        {
            "records": {
                "customer": [
                    {"companyName": "T Co", "subsidiary": {"id": "1"}, "lastModifiedDate": "2026-01-01T00:00:00Z"}
                ]
            }
        }
    )["created"]["customer"]
    record = sandbox.touch("customer", customer_id, phone="+1 415 555 0199", custentity_vip=True)
    assert record["phone"] == "+1 415 555 0199"
    assert record["custentity_vip"] is True
    assert record["lastModifiedDate"] > "2026-01-01T00:00:00Z"
    rows = client.rows(
        "SELECT id FROM customer WHERE lastmodifieddate >= TO_DATE('2026-06-01', 'YYYY-MM-DD') ORDER BY id"
    )
    assert [int(r["id"]) for r in rows] == [customer_id]


def test_clock_offset_moves_record_times_but_not_authentication(client, sandbox):
    sandbox.set_clock_offset(3 * 86400)
    customer_id = client.create("customer", {"companyName": "Future Co", "subsidiary": {"id": "1"}})
    record = client.get(f"/services/rest/record/v1/customer/{customer_id}").json()
    expected = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 3 * 86400))
    assert record["dateCreated"].startswith(expected)


def test_user_deletion_appears_in_deleted_records(client, sandbox):
    customer_id = sandbox.create_record("customer", {"companyName": "Gone Co", "subsidiary": {"id": "1"}})
    sandbox.delete_record("customer", customer_id)
    rows = client.rows(f"SELECT recordid, context FROM deletedrecord WHERE recordid = {customer_id}")
    assert rows == [{"links": [], "recordid": str(customer_id), "context": "UI"}]


def test_control_api_over_http(client, base_url):
    seeded = _control(base_url, "seed", {"generate": {"customers": 10, "contacts": 5}})
    assert seeded.status_code == 200
    customer_id = seeded.json()["generated"]["customer"]["ids"][0][0]
    touched = _control(base_url, "touch", {"type": "customer", "id": customer_id, "fields": {"comments": "called"}})
    assert touched.status_code == 200
    assert touched.json()["comments"] == "called"
    clock = _control(base_url, "clock", {"advanceSeconds": 60}).json()
    assert clock["clockOffsetSeconds"] == 60
    state = _control(base_url, "state", method="GET").json()
    assert state["counts"]["customer"] == 10
    assert state["counts"]["contact"] == 5
    assert state["accountId"] == "1234567_SB1"
    assert "custentity_vip" in state["customFields"]
    assert _control(base_url, "reset").status_code == 200
    assert _control(base_url, "state", method="GET").json()["counts"]["customer"] == 0


def test_print_config_on_the_class_and_on_an_instance():
    from_class = NetSuiteSandbox.print_config("http://127.0.0.1:8801")
    assert set(from_class) == {"base_url", "account_id", "consumer_key", "consumer_secret", "token_id", "token_secret"}
    assert from_class["account_id"] == "1234567_SB1"
    assert from_class["consumer_secret"] == default_config().consumer_secret
    json.dumps(from_class)
    instance = NetSuiteSandbox()
    assert instance.print_config("http://x") == {**from_class, "base_url": "http://x"}


def test_config_repr_hides_the_secrets():
    config = default_config()
    shown = repr(config) + repr(NetSuiteSandbox(config)) + repr(NetSuiteSandbox(config).tba.credentials)
    for secret in (config.consumer_secret, config.token_secret):
        assert secret not in shown


def test_hundred_thousand_records_seed_fast_and_page_in_milliseconds():
    sandbox = NetSuiteSandbox()
    started = time.perf_counter()
    sandbox.seed({"generate": {"customers": 60000, "contacts": 40000}})
    seeded_in = time.perf_counter() - started
    assert sandbox.store.count("customer") + sandbox.store.count("contact") == 100000
    query = (
        "SELECT id, companyname, email, phone, salesrep, lastmodifieddate, "
        "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified FROM customer "
        "WHERE subsidiary = 1 AND isperson = 'F' AND lastmodifieddate >= "
        "TO_DATE('2020-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') AND id > 0 ORDER BY id"
    )
    started = time.perf_counter()
    page = suiteql_engine.run(sandbox.store, query, 1000, 0, "America/Los_Angeles")
    paged_in = time.perf_counter() - started
    assert len(page.items) == 1000 and page.has_more
    # Generous bounds for a busy 2-core machine; typically ~4 s and ~40 ms.
    assert seeded_in < 20, seeded_in
    assert paged_in < 0.5, paged_in
