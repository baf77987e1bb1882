"""Contact reads and writes: get, batchGet, create, update with etags, delete,
and the batch methods with their limits."""

from __future__ import annotations

import pytest

from .helpers import PeopleApiClient, person, seed_people

ALL = (
    "names,emailAddresses,phoneNumbers,organizations,addresses,biographies,urls,birthdays,userDefined,"
    "memberships,clientData,metadata"
)


def create(api, body, **params):
    response = api.post("/v1/people:createContact", body, **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_create_get_round_trip_of_every_synced_field(api):
    body = {
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "ada@example.com", "type": "work"}, {"value": "ada@home.example"}],
        "phoneNumbers": [{"value": "+44 20 7946 0018", "type": "work"}, {"value": "555-010-0199", "type": "mobile"}],
        "organizations": [{"name": "Analytical Engines", "title": "Programmer"}],
        "addresses": [
            {"streetAddress": "12 St James's Sq", "city": "London", "postalCode": "SW1Y 4JH", "countryCode": "GB"}
        ],
        "biographies": [{"value": "First programmer.", "contentType": "TEXT_PLAIN"}],
        "urls": [{"value": "https://ada.example/", "type": "homePage"}],
        "birthdays": [{"date": {"year": 1815, "month": 12, "day": 10}}],
        "userDefined": [{"key": "Customer tier", "value": "Gold"}],
        "clientData": [{"key": "contactsync_key", "value": "k-1"}],
    }
    created = create(api, body, personFields=ALL)
    name = created["resourceName"]
    assert name.startswith("people/c") and name[8:].isdigit()
    fetched = api.get(f"/v1/{name}", personFields=ALL).json()
    assert fetched == created
    assert fetched["names"][0]["displayName"] == "Ada Lovelace"
    assert [e["value"] for e in fetched["emailAddresses"]] == ["ada@example.com", "ada@home.example"]
    assert [e["metadata"].get("primary", False) for e in fetched["emailAddresses"]] == [True, False]
    assert fetched["phoneNumbers"][1]["canonicalForm"] == "+15550100199"
    assert fetched["addresses"][0]["formattedValue"].startswith("12 St James's Sq")
    assert fetched["birthdays"][0]["date"] == {"year": 1815, "month": 12, "day": 10}
    assert fetched["userDefined"][0] == {**body["userDefined"][0], "metadata": fetched["userDefined"][0]["metadata"]}
    assert fetched["clientData"][0]["value"] == "k-1"
    assert fetched["memberships"][0]["contactGroupMembership"]["contactGroupResourceName"] == "contactGroups/myContacts"
    assert fetched["metadata"]["sources"][0]["id"] == format(int(name[8:]), "x")


def test_get_needs_person_fields_and_404s_unknown_contacts(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    assert api.get(f"/v1/{name}").status_code == 400
    missing = api.get("/v1/people/c1", personFields="names")
    assert missing.status_code == 404
    assert missing.json()["error"] == {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}


def test_client_data_is_visible_only_to_the_client_that_wrote_it(api, sandbox, base_url):
    created = create(api, {**person("A"), "clientData": [{"key": "k", "value": "v"}]}, personFields="clientData")
    assert created["clientData"][0]["key"] == "k"
    other_client = sandbox.oauth.issue_tokens(client_id="200000000002-other.apps.googleusercontent.com")
    other = PeopleApiClient(base_url, other_client["access_token"])
    assert "clientData" not in other.get(f"/v1/{created['resourceName']}", personFields="clientData").json()


def test_create_refuses_what_google_refuses(api):
    cases = {
        "unknown field": {"names": [{"givenName": "A", "nickname": "x"}]},
        "wrong type": {"names": [{"givenName": 5}]},
        "two names": {"names": [{"givenName": "A"}, {"givenName": "B"}]},
        "empty email": {"names": [{"givenName": "A"}], "emailAddresses": [{"value": ""}]},
        "bad birthday": {"names": [{"givenName": "A"}], "birthdays": [{"date": {"year": 2001, "month": 2, "day": 30}}]},
        "unknown group": {
            "names": [{"givenName": "A"}],
            "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/nope"}}],
        },
        "deprecated system group": {
            "names": [{"givenName": "A"}],
            "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/friends"}}],
        },
        "nothing": {},
    }
    for label, body in cases.items():
        response = api.post("/v1/people:createContact", body)
        assert response.status_code == 400, label
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT", label
    assert api.post("/v1/people:createContact", person("A"), personFields="bogus").status_code == 400


def test_update_replaces_masked_fields_clears_absent_ones_and_changes_the_etag(api, sandbox):
    created = create(api, person("Ann", "ann@example.com", urls=[{"value": "https://ann.example/"}]), personFields=ALL)
    name = created["resourceName"]
    response = api.patch(
        f"/v1/{name}:updateContact",
        {"etag": created["etag"], "names": [{"givenName": "Anne", "familyName": "Test"}]},
        updatePersonFields="names,urls",
        personFields=ALL,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["names"][0]["givenName"] == "Anne"
    assert "urls" not in updated  # named in the mask, absent from the body: cleared
    assert updated["emailAddresses"][0]["value"] == "ann@example.com"  # not in the mask: kept
    assert updated["etag"] != created["etag"]
    assert updated["metadata"]["sources"][0]["etag"] != created["metadata"]["sources"][0]["etag"]
    assert updated["metadata"]["sources"][0]["updateTime"] > created["metadata"]["sources"][0]["updateTime"]


def test_update_with_a_stale_etag_is_400_failed_precondition(api, sandbox):
    created = create(api, person("Ann"), personFields="names,metadata")
    sandbox.touch(created["resourceName"], names=[{"givenName": "Changed in Google"}])
    for stale_body in (
        {"etag": created["etag"]},
        {"metadata": {"sources": [{"type": "CONTACT", "etag": created["metadata"]["sources"][0]["etag"]}]}},
    ):
        response = api.patch(
            f"/v1/{created['resourceName']}:updateContact",
            {**stale_body, "names": [{"givenName": "Mine"}]},
            updatePersonFields="names",
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == "FAILED_PRECONDITION"
        assert error["message"].startswith("Request person.etag is different than the current person.etag")
    assert sandbox.person(created["resourceName"])["names"][0]["givenName"] == "Changed in Google"

    fresh = api.get(f"/v1/{created['resourceName']}", personFields="names,metadata").json()
    by_source_etag = api.patch(
        f"/v1/{created['resourceName']}:updateContact",
        {"metadata": fresh["metadata"], "names": [{"givenName": "Mine"}]},
        updatePersonFields="names",
    )
    assert by_source_etag.status_code == 200


def test_update_needs_an_etag_and_a_valid_update_mask(api):
    created = create(api, person("Ann"))
    path = f"/v1/{created['resourceName']}:updateContact"
    no_etag = api.patch(path, {"names": [{"givenName": "B"}]}, updatePersonFields="names")
    assert no_etag.status_code == 400 and no_etag.json()["error"]["status"] == "INVALID_ARGUMENT"
    no_mask = api.patch(path, {"etag": created["etag"], "names": [{"givenName": "B"}]})
    assert no_mask.status_code == 400
    assert no_mask.json()["error"]["message"].startswith("updatePersonFields mask is required")
    read_only = api.patch(path, {"etag": created["etag"]}, updatePersonFields="photos")
    assert read_only.status_code == 400
    no_groups = api.patch(path, {"etag": created["etag"], "memberships": []}, updatePersonFields="memberships")
    assert no_groups.status_code == 400
    assert api.patch("/v1/people/c42:updateContact", {"etag": "x"}, updatePersonFields="names").status_code == 404


def test_delete_contact(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    response = api.delete(f"/v1/{name}:deleteContact")
    assert response.status_code == 200 and response.json() == {}
    assert api.get(f"/v1/{name}", personFields="names").status_code == 404
    assert api.delete(f"/v1/{name}:deleteContact").status_code == 404


def test_batch_get_answers_per_name(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    body = api.get("/v1/people:batchGet", resourceNames=[name, "people/c9"], personFields="names").json()
    found, missing = body["responses"]
    assert found["person"]["resourceName"] == name and found["status"] == {}
    assert missing["requestedResourceName"] == "people/c9" and missing["status"]["code"] == 5
    too_many = api.get("/v1/people:batchGet", resourceNames=[name] * 201, personFields="names")
    assert too_many.status_code == 400


def test_batch_create_up_to_200_and_read_mask(api, sandbox):
    contacts = [{"contactPerson": person(f"P{i}", f"p{i}@example.com")} for i in range(200)]
    response = api.post("/v1/people:batchCreateContacts", {"contacts": contacts, "readMask": "names,emailAddresses"})
    assert response.status_code == 200
    created = response.json()["createdPeople"]
    assert len(created) == 200
    assert [c["person"]["emailAddresses"][0]["value"] for c in created[:2]] == ["p0@example.com", "p1@example.com"]
    assert sandbox.state()["contacts"] == 200

    no_mask = api.post("/v1/people:batchCreateContacts", {"contacts": contacts[:2]}).json()["createdPeople"]
    assert all("person" not in c for c in no_mask)  # empty readMask: no post-write read
    too_many = api.post("/v1/people:batchCreateContacts", {"contacts": contacts + contacts[:1], "readMask": "names"})
    assert too_many.status_code == 400
    assert sandbox.state()["contacts"] == 202


def test_batch_create_is_all_or_nothing(api, sandbox):
    contacts = [
        {"contactPerson": person("Good")},
        {"contactPerson": {"names": [{"givenName": "A"}, {"givenName": "B"}]}},
    ]
    response = api.post("/v1/people:batchCreateContacts", {"contacts": contacts, "readMask": "names"})
    assert response.status_code == 400
    detail = response.json()["error"]["details"][0]
    assert detail["@type"].endswith("BatchCreateContactsErrorDetails") and len(detail["errors"]) == 1
    assert sandbox.state()["contacts"] == 0


def test_batch_update_with_etags_and_stale_ones(api, sandbox):
    names = seed_people(sandbox, *(person(f"P{i}") for i in range(3)))
    people = {n: api.get(f"/v1/{n}", personFields="names").json() for n in names}
    sandbox.touch(names[2], names=[{"givenName": "Google side"}])
    body = {
        "contacts": {n: {"etag": p["etag"], "names": [{"givenName": "Ours"}]} for n, p in people.items()},
        "updateMask": "names",
        "readMask": "names",
    }
    stale = api.post("/v1/people:batchUpdateContacts", body)
    assert stale.status_code == 400
    assert stale.json()["error"]["status"] == "FAILED_PRECONDITION"
    assert sandbox.person(names[0])["names"][0]["givenName"] == "P0"  # nothing written

    del body["contacts"][names[2]]
    response = api.post("/v1/people:batchUpdateContacts", body)
    assert response.status_code == 200
    result = response.json()["updateResult"]
    assert set(result) == set(names[:2])
    assert all(r["person"]["names"][0]["givenName"] == "Ours" for r in result.values())
    assert all(r["person"]["etag"] != people[n]["etag"] for n, r in result.items())

    assert api.post("/v1/people:batchUpdateContacts", {**body, "updateMask": ""}).status_code == 400
    too_many = {f"people/c{i}": {"etag": "x"} for i in range(201)}
    assert api.post("/v1/people:batchUpdateContacts", {"contacts": too_many, "updateMask": "names"}).status_code == 400


def test_batch_delete_up_to_500(api, sandbox):
    sandbox.seed({"generate": {"contacts": 501}})
    names = [
        c["resourceName"]
        for c in api.get("/v1/people/me/connections", personFields="names", pageSize=1000).json()["connections"]
    ]
    assert api.post("/v1/people:batchDeleteContacts", {"resourceNames": names}).status_code == 400
    assert api.post("/v1/people:batchDeleteContacts", {"resourceNames": names[:499] + ["people/c1"]}).status_code == 404
    assert sandbox.state()["contacts"] == 501
    response = api.post("/v1/people:batchDeleteContacts", {"resourceNames": names[:500]})
    assert response.status_code == 200 and response.json() == {}
    assert sandbox.state()["contacts"] == 1
    assert api.post("/v1/people:batchDeleteContacts", {"resourceNames": []}).status_code == 400


def test_touch_and_delete_helpers_act_like_the_user(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    before = sandbox.person(name)
    after = sandbox.touch(name, emailAddresses=[{"value": "new@example.com"}])
    assert after["etag"] != before["etag"] and after["emailAddresses"][0]["value"] == "new@example.com"
    with pytest.raises(ValueError):
        sandbox.touch(name, names=[{"given": "typo"}])
    with pytest.raises(ValueError):
        sandbox.touch(name, memberships=[])
    sandbox.delete(name)
    assert sandbox.person(name) is None
    with pytest.raises(KeyError):
        sandbox.delete(name)
