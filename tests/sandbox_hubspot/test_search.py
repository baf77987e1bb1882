"""``POST /crm/v3/objects/{type}/search`` (reference B.3)."""

from __future__ import annotations

import time

import pytest

from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox, HubSpotSandboxConfig

S = "/crm/v3/objects/contacts/search"


def _f(name, op, value=None, **extra):
    spec = {"propertyName": name, "operator": op, **extra}
    if value is not None:
        spec["value"] = value
    return spec


def _search(api, *groups, **body):
    response = api.post(S, {"filterGroups": [{"filters": list(g)} for g in groups], **body})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def server():
    """These tests search more than 5 times a second: that limit is off here (tested on its own below)."""
    with SandboxServer(HubSpotSandbox(HubSpotSandboxConfig(search_per_second=None))) as running:
        yield running


def test_lastmodifieddate_gte_sorted_ascending_pages_with_after(api):
    made = [api.create_contact(email=f"s{i}@example.org") for i in range(5)]
    mark = made[2]["properties"]["lastmodifieddate"]
    sorts = [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]
    first = _search(api, [_f("lastmodifieddate", "GTE", mark)], sorts=sorts, limit=2)
    assert first["total"] == 3
    assert [r["id"] for r in first["results"]] == [made[2]["id"], made[3]["id"]]
    after = first["paging"]["next"]["after"]
    second = _search(api, [_f("lastmodifieddate", "GTE", mark)], sorts=sorts, limit=2, after=after)
    assert [r["id"] for r in second["results"]] == [made[4]["id"]] and "paging" not in second
    # epoch milliseconds work as well as ISO
    from sandbox.hubspot.properties import parse_datetime_ms

    ms = str(parse_datetime_ms(mark))
    assert _search(api, [_f("lastmodifieddate", "GT", ms)])["total"] == 2
    assert _search(api, [_f("lastmodifieddate", "LT", ms)])["total"] == 2
    assert _search(api, [_f("lastmodifieddate", "LTE", ms)])["total"] == 3
    descending = _search(api, sorts=[{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}])
    assert [r["id"] for r in descending["results"]] == [m["id"] for m in reversed(made)]


def test_eq_in_has_property_and_groups_are_ored(api):
    a = api.create_contact(email="a@example.org", firstname="Ann")
    b = api.create_contact(email="b@example.org")
    c = api.create_contact(firstname="NoMail")
    assert [r["id"] for r in _search(api, [_f("email", "EQ", "A@example.org")])["results"]] == [a["id"]]
    both = _search(api, [_f("email", "IN", values=["a@example.org", "b@example.org"])])
    assert {r["id"] for r in both["results"]} == {a["id"], b["id"]}
    assert {r["id"] for r in _search(api, [_f("email", "NOT_HAS_PROPERTY")])["results"]} == {c["id"]}
    has = _search(api, [_f("email", "HAS_PROPERTY"), _f("firstname", "HAS_PROPERTY")])
    assert [r["id"] for r in has["results"]] == [a["id"]]  # AND within a group
    ored = _search(api, [_f("email", "EQ", "b@example.org")], [_f("firstname", "EQ", "NoMail")])
    assert {r["id"] for r in ored["results"]} == {b["id"], c["id"]}
    assert _search(api, [_f("email", "NEQ", "a@example.org")])["total"] == 2


def test_archived_records_never_appear(api):
    gone = api.create_contact(email="gone@example.org")
    api.delete(f"/crm/v3/objects/contacts/{gone['id']}")
    assert _search(api, [_f("email", "EQ", "gone@example.org")])["total"] == 0


def test_limits_of_the_request_are_400(api):
    assert api.post(S, {"limit": 201}).status_code == 400
    assert api.post(S, {"limit": 200}).status_code == 200
    six_groups = [{"filters": [_f("email", "HAS_PROPERTY")]} for _ in range(6)]
    assert api.post(S, {"filterGroups": six_groups}).status_code == 400
    seven = [{"filters": [_f("email", "HAS_PROPERTY")] * 7}]
    assert api.post(S, {"filterGroups": seven}).status_code == 400
    nineteen = [{"filters": [_f("email", "HAS_PROPERTY")] * 6}] * 3 + [{"filters": [_f("email", "HAS_PROPERTY")]}]
    assert api.post(S, {"filterGroups": nineteen}).status_code == 400
    assert api.post(S, {"query": "x" * 3001}).status_code == 400
    assert api.post(S, {"filterGroups": [{"filters": [_f("nope", "EQ", "1")]}]}).status_code == 400
    assert api.post(S, {"filterGroups": [{"filters": [_f("email", "LIKE", "1")]}]}).status_code == 400
    assert api.post(S, {"sorts": ["lastmodifieddate"]}).status_code == 400  # the string form is refused
    assert api.post(S, {"after": 10}).status_code == 400  # after is a string


def test_the_10000_results_cap_paging_beyond_is_400(sandbox, api):
    sandbox.seed({"generate": {"contacts": 10_050}})
    body = _search(api, [_f("email", "HAS_PROPERTY")], limit=200, after="9800")
    assert body["total"] == 10_050
    assert len(body["results"]) == 200 and body["paging"]["next"]["after"] == "10000"
    response = api.post(S, {"filterGroups": [{"filters": [_f("email", "HAS_PROPERTY")]}], "after": "10000"})
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"
    # a page that crosses the cap is cut at it
    cut = _search(api, [_f("email", "HAS_PROPERTY")], limit=200, after="9900")
    assert len(cut["results"]) == 100


def test_search_has_its_own_per_second_limit_with_the_secondly_body(make_server):
    sandbox, api = make_server()
    frozen = [time.time()]
    sandbox.clock = lambda: frozen[0]  # the clock stands still: six searches in the same second
    for _ in range(5):
        assert api.post(S, {}).status_code == 200
    response = api.post(S, {})
    assert response.status_code == 429
    body = response.json()
    assert body["message"] == "You have reached your secondly limit."
    assert body["errorType"] == "RATE_LIMIT"
    assert "X-HubSpot-RateLimit-Max" not in response.headers
    assert api.get("/crm/v3/objects/contacts").status_code == 200  # other calls are not in that bucket
    frozen[0] += 1.01
    assert api.post(S, {}).status_code == 200


def test_query_text_and_properties(api):
    api.create_contact(email="zed@example.org", firstname="Zed", lastname="Alpha")
    api.create_contact(email="amy@example.org", firstname="Amy")
    body = _search(api, query="alpha", properties=["firstname"])
    assert [r["properties"] for r in body["results"]] == [{"firstname": "Zed"}]


def test_companies_search_on_hs_lastmodifieddate(api):
    old = api.create_company(name="Old")
    new = api.create_company(name="New")
    mark = new["properties"]["hs_lastmodifieddate"]
    response = api.post(
        "/crm/v3/objects/companies/search",
        {"filterGroups": [{"filters": [_f("hs_lastmodifieddate", "GTE", mark)]}]},
    )
    assert [r["id"] for r in response.json()["results"]] == [new["id"]]
    assert old["id"] != new["id"]


def test_with_an_index_lag_writes_reach_search_only_after_it(make_server):
    sandbox, api = make_server(search_lag_seconds=2.0, search_per_second=None)
    now = [1_000_000.0]
    sandbox.clock = lambda: now[0]
    by_email = {"filterGroups": [{"filters": [_f("email", "EQ", "lag@example.org")]}], "properties": ["firstname"]}
    created = api.create_contact(email="lag@example.org", firstname="Ann")
    assert api.post(S, by_email).json()["total"] == 0  # not searchable yet...
    assert api.post("/crm/v3/objects/contacts", {"properties": {"email": "lag@example.org"}}).status_code == 409
    now[0] += 2.01  # writes under a frozen clock still get their own (later) milliseconds
    assert api.post(S, by_email).json()["results"][0]["properties"]["firstname"] == "Ann"
    api.patch(f"/crm/v3/objects/contacts/{created['id']}", {"properties": {"firstname": "Anne"}})
    api.delete(f"/crm/v3/objects/contacts/{created['id']}")
    assert api.post(S, by_email).json()["results"][0]["properties"]["firstname"] == "Ann"  # the old copy
    now[0] += 2.01  # writes under a frozen clock still get their own (later) milliseconds
    assert api.post(S, by_email).json()["total"] == 0
