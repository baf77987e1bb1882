"""contactGroups: list, create (unique names), get with members, members:modify."""

from __future__ import annotations

from .helpers import person, seed_people


def test_list_has_the_system_groups_and_member_counts(api, sandbox):
    seed_people(sandbox, person("A"), person("B"))
    body = api.get("/v1/contactGroups").json()
    groups = {g["resourceName"]: g for g in body["contactGroups"]}
    assert groups["contactGroups/myContacts"]["memberCount"] == 2
    assert groups["contactGroups/myContacts"]["groupType"] == "SYSTEM_CONTACT_GROUP"
    assert "memberCount" not in groups["contactGroups/starred"]  # zero is left out, as proto3 JSON does
    assert body["nextSyncToken"] and body["totalItems"] == len(groups)
    assert api.get("/v1/contactGroups", groupFields="name,shoeSize").status_code == 400


def test_list_pages_with_the_first_calls_parameters(api, sandbox):
    for index in range(5):
        assert api.post("/v1/contactGroups", {"contactGroup": {"name": f"G{index}"}}).status_code == 200
    first = api.get("/v1/contactGroups", pageSize=10).json()
    assert len(first["contactGroups"]) == 10 and "nextSyncToken" not in first
    assert api.get("/v1/contactGroups", pageSize=5, pageToken=first["nextPageToken"]).status_code == 400
    rest = api.get("/v1/contactGroups", pageSize=10, pageToken=first["nextPageToken"]).json()
    assert len(rest["contactGroups"]) == 3 and rest["nextSyncToken"]


def test_create_group_and_refuse_a_duplicate_name_with_409(api):
    created = api.post("/v1/contactGroups", {"contactGroup": {"name": "Customers"}})
    assert created.status_code == 200
    group = created.json()
    assert group["resourceName"].startswith("contactGroups/") and group["groupType"] == "USER_CONTACT_GROUP"
    assert group["name"] == group["formattedName"] == "Customers"
    duplicate = api.post("/v1/contactGroups", {"contactGroup": {"name": "customers"}})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["status"] == "ALREADY_EXISTS"
    assert api.post("/v1/contactGroups", {"contactGroup": {"name": ""}}).status_code == 400
    assert (
        api.post("/v1/contactGroups", {"contactGroup": {"name": "X"}, "readGroupFields": "memberCount"}).status_code
        == 400
    )


def test_members_modify_adds_removes_and_reports_problems(api, sandbox):
    names = seed_people(sandbox, person("A"), person("B"))
    group = api.post("/v1/contactGroups", {"contactGroup": {"name": "VIP"}}).json()["resourceName"]
    etag_before = sandbox.person(names[0])["etag"]
    added = api.post(f"/v1/{group}/members:modify", {"resourceNamesToAdd": names + ["people/c1"]})
    assert added.status_code == 200
    assert added.json() == {"notFoundResourceNames": ["people/c1"]}
    fetched = api.get(f"/v1/{group}", maxMembers=10).json()
    assert fetched["memberCount"] == 2 and sorted(fetched["memberResourceNames"]) == sorted(names)
    person_after = api.get(f"/v1/{names[0]}", personFields="memberships").json()
    groups_of_person = [m["contactGroupMembership"]["contactGroupResourceName"] for m in person_after["memberships"]]
    assert groups_of_person == ["contactGroups/myContacts", group]
    assert person_after["etag"] != etag_before  # memberships are person data

    removed = api.post(f"/v1/{group}/members:modify", {"resourceNamesToRemove": [names[0]]})
    assert removed.status_code == 200 and removed.json() == {}
    assert api.get(f"/v1/{group}").json()["memberCount"] == 1
    last = api.post("/v1/contactGroups/myContacts/members:modify", {"resourceNamesToRemove": [names[0]]})
    assert last.json() == {"canNotRemoveLastContactGroupResourceNames": [names[0]]}


def test_members_modify_limits(api, sandbox):
    names = seed_people(sandbox, person("A"))
    too_many = {"resourceNamesToAdd": names * 600, "resourceNamesToRemove": names * 401}
    assert api.post("/v1/contactGroups/myContacts/members:modify", too_many).status_code == 400
    deprecated = api.post("/v1/contactGroups/friends/members:modify", {"resourceNamesToAdd": names})
    assert deprecated.status_code == 400
    assert api.post("/v1/contactGroups/nope/members:modify", {"resourceNamesToAdd": names}).status_code == 404


def test_group_membership_changes_reach_the_sync(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    token = api.get("/v1/people/me/connections", personFields="memberships", requestSyncToken="true").json()[
        "nextSyncToken"
    ]
    group = api.post("/v1/contactGroups", {"contactGroup": {"name": "VIP"}}).json()["resourceName"]
    api.post(f"/v1/{group}/members:modify", {"resourceNamesToAdd": [name]})
    changes = api.get(
        "/v1/people/me/connections", personFields="memberships", requestSyncToken="true", syncToken=token
    ).json()
    assert [c["resourceName"] for c in changes["connections"]] == [name]


def test_update_and_delete_a_group(api, sandbox):
    name = seed_people(sandbox, person("A"))[0]
    group = api.post("/v1/contactGroups", {"contactGroup": {"name": "Old"}}).json()
    renamed = api.request(
        "PUT", f"/v1/{group['resourceName']}", json={"contactGroup": {"name": "New", "etag": group["etag"]}}
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "New"
    stale = api.request(
        "PUT", f"/v1/{group['resourceName']}", json={"contactGroup": {"name": "X", "etag": group["etag"]}}
    )
    assert stale.status_code == 400
    api.post(f"/v1/{group['resourceName']}/members:modify", {"resourceNamesToAdd": [name]})
    assert api.delete(f"/v1/{group['resourceName']}").status_code == 200
    assert api.get(f"/v1/{group['resourceName']}").status_code == 404
    assert sandbox.person(name) is not None  # deleteContacts was not asked
    assert api.delete("/v1/contactGroups/myContacts").status_code == 400
