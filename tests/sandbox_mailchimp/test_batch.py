"""Batch subscribe (reference C.4): POST /lists/{id} with up to 500 members, update_existing,
per-member errors."""

from __future__ import annotations

from .helpers import check_error, md5


def _members(n, start=0, status="subscribed"):
    return [{"email_address": f"p{i}@northwind-mail.com", "status": status} for i in range(start, start + n)]


def test_batch_creates_and_reports(api, list_id):
    response = api.post(f"/lists/{list_id}", {"members": _members(3), "update_existing": False})
    assert response.status_code == 200
    body = response.json()
    assert body["total_created"] == 3 and body["total_updated"] == 0 and body["error_count"] == 0
    assert [m["id"] for m in body["new_members"]] == [md5(f"p{i}@northwind-mail.com") for i in range(3)]
    assert body["updated_members"] == [] and body["errors"] == [] and "_links" in body
    assert api.get(f"/lists/{list_id}/members").json()["total_items"] == 3


def test_existing_members_without_update_existing_are_contact_exists_errors(api, list_id):
    api.add(list_id, "p0@northwind-mail.com", status="pending")
    body = api.post(f"/lists/{list_id}", {"members": _members(2)}).json()
    assert body["total_created"] == 1 and body["error_count"] == 1
    error = body["errors"][0]
    assert error["email_address"] == "p0@northwind-mail.com" and error["error_code"] == "ERROR_CONTACT_EXISTS"
    assert "already a list member" in error["error"]
    assert api.get(f"/lists/{list_id}/members/p0@northwind-mail.com").json()["status"] == "pending"  # unchanged


def test_update_existing_updates(api, list_id):
    api.add(list_id, "p0@northwind-mail.com", status="pending")
    members = _members(2)
    members[0]["merge_fields"] = {"FNAME": "Pat"}
    body = api.post(f"/lists/{list_id}", {"members": members, "update_existing": True}).json()
    assert body["total_created"] == 1 and body["total_updated"] == 1 and body["error_count"] == 0
    updated = body["updated_members"][0]
    assert updated["status"] == "subscribed" and updated["merge_fields"]["FNAME"] == "Pat"


def test_bad_members_are_errors_and_the_rest_is_written(api, list_id):
    members = [
        {"email_address": "not-an-email", "status": "subscribed"},
        {"email_address": "q1@northwind-mail.com", "status": "archived"},
        {"email_address": "q2@northwind-mail.com", "status": "subscribed", "merge_fields": {"NOPE": "x"}},
        {"email_address": "q3@northwind-mail.com"},
        {"email_address": "q4@northwind-mail.com", "status": "subscribed"},
    ]
    body = api.post(f"/lists/{list_id}", {"members": members, "update_existing": True}).json()
    assert body["total_created"] == 1 and body["error_count"] == 4
    assert {e["error_code"] for e in body["errors"]} == {"ERROR_GENERIC"}
    assert [e["email_address"] for e in body["errors"]] == [m["email_address"] for m in members[:4]]
    assert body["errors"][2]["field"] == "NOPE" and body["errors"][2]["field_message"]
    assert body["new_members"][0]["email_address"] == "q4@northwind-mail.com"


def test_compliance_state_in_a_batch(sandbox, api, list_id):
    api.add(list_id, "p0@northwind-mail.com", status="cleaned")
    body = api.post(f"/lists/{list_id}", {"members": _members(1), "update_existing": True}).json()
    assert body["error_count"] == 1 and "compliance state" in body["errors"][0]["error"]


def test_duplicates_in_one_request(api, list_id):
    members = _members(1) + [{"email_address": "P0@northwind-mail.com", "status": "unsubscribed"}]
    body = api.post(f"/lists/{list_id}", {"members": members}).json()
    assert body["total_created"] == 1 and body["error_count"] == 1
    skipped = api.post(f"/lists/{list_id}", {"members": _members(1, start=5) * 2}, skip_duplicate_check="true").json()
    assert skipped["total_created"] == 1 and skipped["error_count"] == 0


def test_500_members_is_the_most(api, list_id):
    assert api.post(f"/lists/{list_id}", {"members": _members(500)}).json()["total_created"] == 500
    response = api.post(f"/lists/{list_id}", {"members": _members(501, start=1000)})
    assert response.status_code == 400 and check_error(response)["title"] == "Invalid Resource"
    assert api.get(f"/lists/{list_id}/members").json()["total_items"] == 500


def test_a_malformed_batch_is_400(api, list_id):
    for body in ({}, {"members": "x"}, {"members": [], "update_existing": "yes"}, {"members": [], "extra": 1}):
        response = api.post(f"/lists/{list_id}", body)
        assert response.status_code == 400, body
    assert api.post("/lists/nolist", {"members": []}).status_code == 404
