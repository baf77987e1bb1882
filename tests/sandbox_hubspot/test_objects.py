"""``/crm/v3/objects/{contacts,companies}``: list, read, create, update, archive (reference B.2, B.6, B.7)."""

from __future__ import annotations

import json
import re

import pytest

C = "/crm/v3/objects/contacts"
CO = "/crm/v3/objects/companies"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_list_pages_with_after_default_10_and_no_paging_on_the_last_page(sandbox, api):
    sandbox.seed({"generate": {"contacts": 25}})
    seen, after, pages = [], None, 0
    while True:
        body = api.get(C, **({"after": after} if after else {})).json()
        pages += 1
        seen += [r["id"] for r in body["results"]]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
        assert body["paging"]["next"]["link"] == f"?after={after}"
    assert pages == 3 and len(seen) == 25 == len(set(seen))
    assert [len(p) for p in (seen[:10], seen[10:20], seen[20:])] == [10, 10, 5]


def test_list_limit_over_100_is_400_and_100_is_fine(sandbox, api):
    sandbox.seed({"generate": {"contacts": 120}})
    assert len(api.get(C, limit=100).json()["results"]) == 100
    response = api.get(C, limit=101)
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"
    assert api.get(C, limit=0).status_code == 400
    assert api.get(C, after="abc").status_code == 400


def test_default_properties_and_csv_properties(sandbox, api):
    api.create_contact(email="a@example.org", firstname="Ann", phone="+1 555")
    api.create_company(name="Acme", domain="acme.example")
    contact = api.get(C).json()["results"][0]
    assert set(contact["properties"]) == {
        "createdate",
        "email",
        "firstname",
        "lastname",
        "hs_object_id",
        "lastmodifieddate",
    }
    assert contact["properties"]["lastname"] is None
    company = api.get(CO).json()["results"][0]
    assert set(company["properties"]) == {"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"}
    chosen = api.get(C, properties="phone,email").json()["results"][0]
    assert chosen["properties"] == {"phone": "+1 555", "email": "a@example.org"}
    for record in (contact, company):
        assert set(record) == {"id", "properties", "createdAt", "updatedAt", "archived"}
        assert ISO.match(record["createdAt"]) and record["archived"] is False
        assert all(v is None or isinstance(v, str) for v in record["properties"].values())


def test_create_is_201_and_values_come_back_as_strings(api):
    api.post(
        "/crm/v3/properties/contacts",
        {"name": "seats", "label": "Seats", "type": "number", "fieldType": "number", "groupName": "contactinformation"},
    )
    created = api.post(C, {"properties": {"email": "n@example.org", "seats": "17"}})
    assert created.status_code == 201
    body = created.json()
    assert body["properties"]["seats"] == "17"
    assert body["properties"]["hs_object_id"] == body["id"]
    assert api.get(f"{C}/{body['id']}", properties="seats").json()["properties"]["seats"] == "17"


def test_values_that_are_not_strings_are_refused(api):
    response = api.post(C, {"properties": {"email": "n@example.org", "firstname": 5}})
    assert response.status_code == 400
    response = api.post(C, {"properties": {"firstname": None}})
    assert response.status_code == 400


def test_unknown_and_read_only_properties_give_400_with_the_embedded_list(api):
    response = api.post(C, {"properties": {"foo": "x", "email": "a@example.org"}})
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"].startswith("Property values were not valid: ")
    problems = json.loads(body["message"][len("Property values were not valid: ") :])
    assert problems == [
        {"isValid": False, "message": 'Property "foo" does not exist', "error": "PROPERTY_DOESNT_EXIST", "name": "foo"}
    ]
    for read_only in ("lastmodifieddate", "createdate", "hs_object_id", "hs_email_optout"):
        response = api.post(C, {"properties": {read_only: "1"}})
        assert response.status_code == 400, read_only
        assert '"error":"READ_ONLY_VALUE"' in response.json()["message"]
    assert api.get(C).json()["results"] == []  # nothing was created


def test_bad_enumeration_option_is_invalid_option(api):
    response = api.post(C, {"properties": {"lifecyclestage": "bogus"}})
    assert response.status_code == 400
    assert '"error":"INVALID_OPTION"' in response.json()["message"]
    assert api.post(C, {"properties": {"lifecyclestage": "lead"}}).status_code == 201


def test_existing_email_is_409_naming_the_existing_id(api):
    first = api.create_contact(email="dup@example.org")
    response = api.post(C, {"properties": {"email": "DUP@example.org", "firstname": "B"}})
    assert response.status_code == 409
    body = response.json()
    assert body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {first['id']}"
    assert re.search(r"Existing ID:\s*(\d+)", body["message"]).group(1) == first["id"]


def test_update_to_another_contacts_email_is_400_naming_the_holder(api):
    a = api.create_contact(email="a@example.org")
    b = api.create_contact(email="b@example.org")
    response = api.patch(f"{C}/{b['id']}", {"properties": {"email": "a@example.org"}})
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("Cannot set PropertyValueCoordinates{")
    assert message.endswith(f"on {b['id']}. {a['id']} already has that value.")
    # its own email again is fine
    assert api.patch(f"{C}/{a['id']}", {"properties": {"email": "a@example.org"}}).status_code == 200


def test_patch_overwrites_given_properties_empty_string_clears_and_moves_lastmodified(api):
    created = api.create_contact(email="p@example.org", firstname="Ann", lastname="Lee")
    updated = api.patch(f"{C}/{created['id']}", {"properties": {"firstname": "Anne", "lastname": ""}})
    assert updated.status_code == 200
    got = api.get(f"{C}/{created['id']}").json()
    assert got["properties"]["firstname"] == "Anne"
    assert got["properties"]["lastname"] is None
    assert got["properties"]["lastmodifieddate"] > created["properties"]["lastmodifieddate"]
    assert got["updatedAt"] > created["updatedAt"] and got["createdAt"] == created["createdAt"]
    company = api.create_company(name="Acme")
    api.patch(f"{CO}/{company['id']}", {"properties": {"name": "Acme 2"}})
    after = api.get(f"{CO}/{company['id']}").json()["properties"]
    assert after["hs_lastmodifieddate"] > company["properties"]["hs_lastmodifieddate"]


def test_get_by_id_and_by_email_id_property(api):
    created = api.create_contact(email="find.me@example.org")
    assert api.get(f"{C}/{created['id']}").json()["id"] == created["id"]
    assert api.get(f"{C}/find.me@example.org", idProperty="email").json()["id"] == created["id"]
    missing = api.get(f"{C}/999999")
    assert missing.status_code == 404 and missing.json()["category"] == "OBJECT_NOT_FOUND"
    # a property that is not unique cannot be an idProperty
    assert api.get(f"{C}/Ann", idProperty="firstname").status_code == 400


def test_archive_is_204_and_the_record_only_lists_with_archived_true(api):
    kept = api.create_contact(email="kept@example.org")
    gone = api.create_contact(email="gone@example.org")
    assert api.delete(f"{C}/{gone['id']}").status_code == 204
    assert [r["id"] for r in api.get(C).json()["results"]] == [kept["id"]]
    archived = api.get(C, archived="true").json()["results"]
    assert [r["id"] for r in archived] == [gone["id"]]
    assert archived[0]["archived"] is True and ISO.match(archived[0]["archivedAt"])
    assert api.get(f"{C}/{gone['id']}").status_code == 404
    assert api.get(f"{C}/{gone['id']}", archived="true").json()["archived"] is True
    assert api.delete(f"{C}/{gone['id']}").status_code == 404
    # the archived contact's email is free again
    assert api.post(C, {"properties": {"email": "gone@example.org"}}).status_code == 201


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_methods_a_route_does_not_have_are_refused(api, method):
    created = api.create_contact(email="m@example.org")
    assert api.request(method, f"{C}/{created['id']}", json={}).status_code == 405


def test_a_body_that_is_not_json_is_400(api):
    response = api.session.post(
        f"{api.base_url}{C}",
        data="{not json",
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/crm/v3/objects/contacts/merge"),
        ("POST", "/crm/v3/objects/contacts/gdpr-delete"),
        ("GET", "/crm/v3/properties/contacts/groups"),
        ("PATCH", "/crm/v3/properties/contacts/email"),
        ("POST", "/crm/v3/associations/contacts/companies/batch/read"),
        ("GET", "/crm/v3/objects/contacts?propertiesWithHistory=email"),
    ],
)
def test_documented_endpoints_the_sandbox_does_not_simulate_answer_501(api, method, path):
    response = api.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 501 and response.json()["category"] == "NOT_IMPLEMENTED"
