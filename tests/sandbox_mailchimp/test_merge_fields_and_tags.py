"""Merge fields (reference C.5): the API, the types, values on members; and tags on members."""

from __future__ import annotations

from .helpers import check_error, md5

EMAIL = "grace@northwind-mail.com"


def test_a_new_audience_has_the_default_merge_fields(api, list_id):
    body = api.get(f"/lists/{list_id}/merge-fields").json()
    assert [m["tag"] for m in body["merge_fields"]] == ["FNAME", "LNAME", "ADDRESS", "PHONE", "BIRTHDAY"]
    assert body["total_items"] == 5 and body["list_id"] == list_id
    assert {m["tag"]: m["type"] for m in body["merge_fields"]}["ADDRESS"] == "address"
    assert api.get(f"/lists/{list_id}/merge-fields", type="text").json()["total_items"] == 2


def test_create_read_update_delete_a_merge_field(api, list_id):
    created = api.post(f"/lists/{list_id}/merge-fields", {"name": "Company", "type": "text", "tag": "company"})
    assert created.status_code == 200
    field = created.json()
    assert field["tag"] == "COMPANY" and field["type"] == "text" and isinstance(field["merge_id"], int)
    path = f"/lists/{list_id}/merge-fields/{field['merge_id']}"
    assert api.get(path).json()["name"] == "Company"
    api.add(list_id, EMAIL, merge_fields={"COMPANY": "Acme"})
    renamed = api.patch(path, {"name": "Employer", "tag": "EMPLOYER"}).json()
    assert renamed["tag"] == "EMPLOYER" and renamed["name"] == "Employer"
    assert api.get(f"/lists/{list_id}/members/{md5(EMAIL)}").json()["merge_fields"]["EMPLOYER"] == "Acme"
    refused = api.patch(path, {"type": "number"})  # type is read-only after creation
    assert refused.status_code == 400 and check_error(refused)["errors"][0]["field"] == "type"
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert "EMPLOYER" not in api.get(f"/lists/{list_id}/members/{md5(EMAIL)}").json()["merge_fields"]


def test_merge_field_refusals(api, list_id):
    for body, field in (
        ({"type": "text"}, "name"),
        ({"name": "X"}, "type"),
        ({"name": "X", "type": "checkbox"}, "type"),
        ({"name": "X", "type": "text", "tag": "FNAME"}, "tag"),
        ({"name": "X", "type": "text", "tag": "WAY_TOO_LONG_TAG"}, "tag"),
        ({"name": "X", "type": "dropdown"}, "options.choices"),
    ):
        response = api.post(f"/lists/{list_id}/merge-fields", body)
        assert response.status_code == 400, body
        assert check_error(response)["errors"][0]["field"] == field, body
    generated = api.post(f"/lists/{list_id}/merge-fields", {"name": "Size", "type": "number"}).json()
    assert generated["tag"] == f"MMERGE{generated['merge_id']}"


def test_member_values_are_checked_against_the_field_types(api, list_id):
    api.post(
        f"/lists/{list_id}/merge-fields",
        {"name": "Plan", "type": "dropdown", "tag": "PLAN", "options": {"choices": ["Free", "Pro"]}},
    )
    api.post(f"/lists/{list_id}/merge-fields", {"name": "Seats", "type": "number", "tag": "SEATS"})
    good = {
        "PLAN": "Pro",
        "SEATS": 3,
        "BIRTHDAY": "02/29",
        "ADDRESS": {"addr1": "1 Main St", "city": "Toronto", "state": "ON", "zip": "M5V 1A1", "country": "CA"},
        "PHONE": "+1 416 555 0100",
    }
    member = api.add(list_id, EMAIL, merge_fields=good)
    assert member["merge_fields"]["ADDRESS"]["city"] == "Toronto" and member["merge_fields"]["SEATS"] == 3
    path = f"/lists/{list_id}/members/{member['id']}"
    response = api.patch(
        path, {"merge_fields": {"PLAN": "Gold", "SEATS": "many", "BIRTHDAY": "13/01", "ADDRESS": {"city": "X"}}}
    )
    assert response.status_code == 400
    body = check_error(response)
    assert body["title"] == "Invalid Resource" and body["detail"] == "Your merge fields were invalid."
    assert [e["field"] for e in body["errors"]] == ["PLAN", "SEATS", "BIRTHDAY", "ADDRESS"]
    assert api.get(path).json()["merge_fields"]["PLAN"] == "Pro"  # nothing of the refused write was kept
    lower = api.patch(path, {"merge_fields": {"fname": "Grace"}})
    assert lower.status_code == 400 and check_error(lower)["errors"][0]["field"] == "fname"


def test_required_merge_fields_and_skip_merge_validation(api, list_id):
    api.post(f"/lists/{list_id}/merge-fields", {"name": "Region", "type": "text", "tag": "REGION", "required": True})
    response = api.post(f"/lists/{list_id}/members", {"email_address": EMAIL, "status": "subscribed"})
    assert response.status_code == 400 and check_error(response)["errors"] == [
        {"field": "REGION", "message": "Please enter a value"}
    ]
    skipped = api.post(
        f"/lists/{list_id}/members", {"email_address": EMAIL, "status": "subscribed"}, skip_merge_validation="true"
    )
    assert skipped.status_code == 200
    # An existing member may be updated without the field, but not have it emptied.
    path = f"/lists/{list_id}/members/{md5(EMAIL)}"
    assert api.patch(path, {"vip": True}).status_code == 200
    assert api.patch(path, {"merge_fields": {"REGION": ""}}).status_code == 400


def test_tags_on_members(api, list_id):
    member = api.add(list_id, EMAIL, tags=["VIP", "Toronto"])
    assert member["tags_count"] == 2 and [t["name"] for t in member["tags"]] == ["VIP", "Toronto"]
    path = f"/lists/{list_id}/members/{member['id']}/tags"
    response = api.post(
        path, {"tags": [{"name": "VIP", "status": "inactive"}, {"name": "Customer", "status": "active"}]}
    )
    assert response.status_code == 204 and response.content == b""
    tags = api.get(path).json()
    assert [t["name"] for t in tags["tags"]] == ["Toronto", "Customer"] and tags["total_items"] == 2
    assert all(isinstance(t["id"], int) and t["date_added"] for t in tags["tags"])
    assert api.post(path, {"tags": [{"name": "X", "status": "on"}]}).status_code == 400
    many = [{"name": f"t{i}", "status": "active"} for i in range(49)]
    assert api.post(path, {"tags": many}).status_code == 400  # more than 50 tags in all
    assert api.get(path).json()["total_items"] == 2
    assert api.post(f"/lists/{list_id}/members/{md5('x@northwind-mail.com')}/tags", {"tags": []}).status_code == 404
