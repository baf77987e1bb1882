"""people.connections.list: field masks, paging, sync tokens, deletions and expiry."""

from __future__ import annotations

from .helpers import person, seed_people

CONNECTIONS = "/v1/people/me/connections"
FIELDS = "names,emailAddresses,metadata"


def read_all(api, **params) -> tuple[list[dict], list[dict]]:
    """Every page of a listing: (the pages' bodies, the connections)."""
    pages, people = [], []
    token = None
    while True:
        query = dict(params)
        if token:
            query["pageToken"] = token
        response = api.get(CONNECTIONS, **query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body)
        people.extend(body.get("connections", []))
        token = body.get("nextPageToken")
        if not token:
            return pages, people


def test_person_fields_is_required_and_validated(api, sandbox):
    missing = api.get(CONNECTIONS)
    assert missing.status_code == 400
    assert missing.json()["error"]["message"].startswith("personFields mask is required")
    invalid = api.get(CONNECTIONS, personFields="names,shoeSize")
    assert invalid.status_code == 400
    assert 'Invalid personFields mask path: "shoeSize"' in invalid.json()["error"]["message"]
    assert api.get(CONNECTIONS, personFields="names", pageSize=1001).status_code == 400
    assert api.get(CONNECTIONS, personFields="names", sortOrder="BY_MOOD").status_code == 400
    assert api.get(CONNECTIONS, personFields="names", unknownParam="1").status_code == 400
    assert api.get("/v1/people/c123/connections", personFields="names").status_code == 400


def test_mask_limits_the_fields_returned(api, sandbox):
    seed_people(sandbox, person("Ann", "ann@example.com", phoneNumbers=[{"value": "+1 555 0100", "type": "mobile"}]))
    only_names = api.get(CONNECTIONS, personFields="names").json()["connections"][0]
    assert set(only_names) == {"resourceName", "etag", "names"}
    full = api.get(CONNECTIONS, personFields="names,phoneNumbers,metadata").json()["connections"][0]
    assert full["phoneNumbers"][0]["canonicalForm"] == "+15550100"
    assert full["phoneNumbers"][0]["formattedType"] == "Mobile"
    source = full["metadata"]["sources"][0]
    assert source["type"] == "CONTACT" and source["etag"] and source["updateTime"].endswith("Z")


def test_paging_returns_every_contact_once_and_sync_token_only_on_the_last_page(api, sandbox):
    sandbox.seed({"generate": {"contacts": 250, "seed": 3}})
    pages, people = read_all(api, personFields=FIELDS, pageSize=100, requestSyncToken="true")
    assert [len(p.get("connections", [])) for p in pages] == [100, 100, 50]
    assert len({p["resourceName"] for p in people}) == 250
    assert all("nextSyncToken" not in p for p in pages[:-1])
    assert pages[-1]["nextSyncToken"]
    assert all(p["totalItems"] == 250 for p in pages)
    assert all(p["resourceName"].startswith("people/c") for p in people)


def test_no_sync_token_unless_requested(api, sandbox):
    sandbox.seed({"generate": {"contacts": 3}})
    body = api.get(CONNECTIONS, personFields="names").json()
    assert "nextSyncToken" not in body and "nextPageToken" not in body


def test_page_token_with_other_parameters_is_refused(api, sandbox):
    sandbox.seed({"generate": {"contacts": 30}})
    first = api.get(CONNECTIONS, personFields="names", pageSize=10, requestSyncToken="true").json()
    token = first["nextPageToken"]
    for changed in (
        {"personFields": "names,emailAddresses", "pageSize": 10, "requestSyncToken": "true"},
        {"personFields": "names", "pageSize": 20, "requestSyncToken": "true"},
        {"personFields": "names", "pageSize": 10},
    ):
        response = api.get(CONNECTIONS, pageToken=token, **changed)
        assert response.status_code == 400, changed
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    same = api.get(CONNECTIONS, personFields="names", pageSize=10, requestSyncToken="true", pageToken=token)
    assert same.status_code == 200
    assert api.get(CONNECTIONS, personFields="names", pageToken="garbage").status_code == 400


def test_incremental_sync_returns_changes_and_deletions_only(api, sandbox):
    names = seed_people(sandbox, *(person(f"P{i}", f"p{i}@example.com") for i in range(5)))
    pages, people = read_all(api, personFields=FIELDS, pageSize=2, requestSyncToken="true")
    sync_token = pages[-1]["nextSyncToken"]
    assert len(people) == 5

    nothing = api.get(CONNECTIONS, personFields=FIELDS, requestSyncToken="true", syncToken=sync_token).json()
    assert "connections" not in nothing and nothing["nextSyncToken"]

    sandbox.touch(names[1], names=[{"givenName": "Changed", "familyName": "Test"}])
    sandbox.delete(names[3])
    created = seed_people(sandbox, person("New", "new@example.com"))[0]

    pages, changes = read_all(api, personFields=FIELDS, pageSize=2, requestSyncToken="true", syncToken=sync_token)
    by_name = {c["resourceName"]: c for c in changes}
    assert list(by_name) == [names[1], names[3], created]  # in the order they happened
    assert by_name[names[1]]["names"][0]["givenName"] == "Changed"
    assert by_name[names[3]] == {
        "resourceName": names[3],
        "etag": by_name[names[3]]["etag"],
        "metadata": {"deleted": True},
    }
    assert by_name[created]["emailAddresses"][0]["value"] == "new@example.com"
    next_token = pages[-1]["nextSyncToken"]
    assert all("nextSyncToken" not in p for p in pages[:-1])

    again = api.get(CONNECTIONS, personFields=FIELDS, requestSyncToken="true", syncToken=next_token).json()
    assert "connections" not in again


def test_changes_made_while_paging_a_full_read_reach_the_next_sync(api, sandbox):
    names = seed_people(sandbox, *(person(f"P{i}") for i in range(4)))
    first = api.get(CONNECTIONS, personFields="names", pageSize=2, requestSyncToken="true").json()
    sandbox.touch(names[0], names=[{"givenName": "Edited"}])  # already read on page 1
    last = api.get(
        CONNECTIONS, personFields="names", pageSize=2, requestSyncToken="true", pageToken=first["nextPageToken"]
    ).json()
    seen = [c["resourceName"] for c in first["connections"] + last["connections"]]
    assert sorted(seen) == sorted(names)
    changes = api.get(
        CONNECTIONS, personFields="names", pageSize=2, requestSyncToken="true", syncToken=last["nextSyncToken"]
    ).json()
    assert [c["resourceName"] for c in changes["connections"]] == [names[0]]


def test_expired_sync_token_is_400_failed_precondition_with_reason(api, sandbox):
    seed_people(sandbox, person("A"))
    token = api.get(CONNECTIONS, personFields="names", requestSyncToken="true").json()["nextSyncToken"]
    sandbox.expire_sync_tokens()
    response = api.get(CONNECTIONS, personFields="names", requestSyncToken="true", syncToken=token)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "FAILED_PRECONDITION"
    assert error["details"][0]["reason"] == "EXPIRED_SYNC_TOKEN"
    assert error["message"].startswith("Sync token is expired")
    # A full read without the token works and gives a new one.
    assert api.get(CONNECTIONS, personFields="names", requestSyncToken="true").json()["nextSyncToken"]


def test_sync_tokens_expire_with_age_counted_from_the_full_sync(make_server):
    app, api = make_server(sync_token_max_age=60)
    app.seed({"persons": [person("A")]})
    real_clock = app.clock
    token = api.get(CONNECTIONS, personFields="names", requestSyncToken="true").json()["nextSyncToken"]
    app.clock = lambda: real_clock() + 40
    token2 = api.get(CONNECTIONS, personFields="names", requestSyncToken="true", syncToken=token).json()
    app.clock = lambda: real_clock() + 70  # 70 s after the full sync, 30 s after the incremental one
    response = api.get(CONNECTIONS, personFields="names", requestSyncToken="true", syncToken=token2["nextSyncToken"])
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["reason"] == "EXPIRED_SYNC_TOKEN"


def test_sync_token_with_other_parameters_or_garbled_is_invalid_argument(api, sandbox):
    seed_people(sandbox, person("A"))
    token = api.get(CONNECTIONS, personFields="names", requestSyncToken="true").json()["nextSyncToken"]
    other_mask = api.get(CONNECTIONS, personFields="names,urls", requestSyncToken="true", syncToken=token)
    assert other_mask.status_code == 400 and other_mask.json()["error"]["status"] == "INVALID_ARGUMENT"
    garbled = api.get(CONNECTIONS, personFields="names", requestSyncToken="true", syncToken=token[:-4] + "AAAA")
    assert garbled.status_code == 400 and garbled.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_reset_makes_old_sync_tokens_expired(api, sandbox):
    seed_people(sandbox, person("A"))
    token = api.get(CONNECTIONS, personFields="names", requestSyncToken="true").json()["nextSyncToken"]
    sandbox.reset()
    api.access_token = sandbox.issue_tokens()["access_token"]
    response = api.get(CONNECTIONS, personFields="names", requestSyncToken="true", syncToken=token)
    assert response.json()["error"]["details"][0]["reason"] == "EXPIRED_SYNC_TOKEN"


def test_sort_orders(api, sandbox):
    names = seed_people(sandbox, person("Carl"), person("Anna"), person("Bert"))
    sandbox.touch(names[0])
    last_modified = api.get(CONNECTIONS, personFields="names").json()["connections"]
    assert [c["resourceName"] for c in last_modified] == [names[1], names[2], names[0]]
    newest_first = api.get(CONNECTIONS, personFields="names", sortOrder="LAST_MODIFIED_DESCENDING").json()
    assert [c["resourceName"] for c in newest_first["connections"]] == [names[0], names[2], names[1]]
    by_first = api.get(CONNECTIONS, personFields="names", sortOrder="FIRST_NAME_ASCENDING").json()
    assert [c["names"][0]["givenName"] for c in by_first["connections"]] == ["Anna", "Bert", "Carl"]
