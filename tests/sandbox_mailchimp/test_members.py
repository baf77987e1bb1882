"""Members (reference C.2): addressed by the MD5 of the lower-cased email, add, upsert, update,
archive, permanent delete, and the API's refusals."""

from __future__ import annotations

from .helpers import check_error, md5

EMAIL = "Ann.Lee@Northwind-Mail.com"


def test_the_member_id_is_the_md5_of_the_lower_cased_email(api, list_id):
    member = api.add(list_id, EMAIL, merge_fields={"FNAME": "Ann", "LNAME": "Lee"})
    assert member["id"] == md5("ann.lee@northwind-mail.com") == md5(EMAIL)
    assert member["status"] == "subscribed" and member["list_id"] == list_id
    assert member["merge_fields"]["FNAME"] == "Ann" and member["full_name"] == "Ann Lee"
    assert member["last_changed"].endswith("+00:00") and member["timestamp_opt"]
    # The hash, the email itself and the contact_id all address it (C.2).
    for key in (member["id"], EMAIL, member["contact_id"]):
        response = api.get(f"/lists/{list_id}/members/{key}")
        assert response.status_code == 200 and response.json()["id"] == member["id"]


def test_post_of_an_existing_member_is_400_member_exists(api, list_id):
    api.add(list_id, EMAIL)
    response = api.post(f"/lists/{list_id}/members", {"email_address": EMAIL.upper(), "status": "subscribed"})
    assert response.status_code == 400
    body = check_error(response)
    assert body["title"] == "Member Exists"
    assert body["detail"] == f"{EMAIL.upper()} is already a list member. Use PUT to insert or update list members."


def test_post_needs_email_and_status(api, list_id):
    response = api.post(f"/lists/{list_id}/members", {"email_address": EMAIL})
    assert response.status_code == 400
    body = check_error(response)
    assert body["title"] == "Invalid Resource" and [e["field"] for e in body["errors"]] == ["status"]
    response = api.post(f"/lists/{list_id}/members", {"email_address": EMAIL, "status": "archived"})
    assert response.status_code == 400  # archived is reached by DELETE only


def test_invalid_and_fake_looking_emails_are_refused(api, list_id):
    response = api.post(f"/lists/{list_id}/members", {"email_address": "not-an-email", "status": "subscribed"})
    assert response.status_code == 400 and check_error(response)["detail"] == "Please provide a valid email address."
    response = api.post(f"/lists/{list_id}/members", {"email_address": "a@example.com", "status": "subscribed"})
    body = check_error(response)
    assert response.status_code == 400 and body["title"] == "Invalid Resource"
    assert body["detail"] == "a@example.com looks fake or invalid, please enter a real email address."


def test_put_is_an_upsert_with_status_if_new(api, list_id):
    path = f"/lists/{list_id}/members/{md5(EMAIL)}"
    created = api.put(path, {"email_address": EMAIL, "status_if_new": "pending", "merge_fields": {"FNAME": "Ann"}})
    assert created.status_code == 200 and created.json()["status"] == "pending"
    # status_if_new is ignored for an existing member; fields left out keep their values.
    again = api.put(path, {"email_address": EMAIL, "status_if_new": "subscribed", "merge_fields": {"LNAME": "Lee"}})
    assert again.json()["status"] == "pending"
    assert again.json()["merge_fields"]["FNAME"] == "Ann" and again.json()["merge_fields"]["LNAME"] == "Lee"
    # status, when given, changes an existing member.
    changed = api.put(path, {"email_address": EMAIL, "status_if_new": "subscribed", "status": "unsubscribed"})
    assert changed.json()["status"] == "unsubscribed"


def test_put_refusals(api, list_id):
    path = f"/lists/{list_id}/members/{md5(EMAIL)}"
    missing = api.put(path, {"email_address": EMAIL})
    assert missing.status_code == 400 and check_error(missing)["errors"][0]["field"] == "status_if_new"
    other = api.put(path, {"email_address": "someone.else@northwind-mail.com", "status_if_new": "subscribed"})
    assert other.status_code == 400  # the body's address must be the one the hash names
    bad = api.put(path, {"email_address": EMAIL, "status_if_new": "archived"})
    assert bad.status_code == 400
    unknown = api.put(path, {"email_address": EMAIL, "status_if_new": "subscribed", "id": "x"})
    assert unknown.status_code == 400 and check_error(unknown)["errors"][0]["field"] == "id"
    assert api.get(path).status_code == 404  # nothing was created by the refused writes


def test_patch_updates_and_has_no_transactional(api, list_id):
    member = api.add(list_id, EMAIL)
    path = f"/lists/{list_id}/members/{member['id']}"
    response = api.patch(path, {"merge_fields": {"FNAME": "Annie"}, "vip": True})
    assert response.status_code == 200 and response.json()["merge_fields"]["FNAME"] == "Annie"
    assert response.json()["vip"] is True
    assert api.patch(path, {"status": "transactional"}).status_code == 400
    assert api.patch(f"/lists/{list_id}/members/{md5('nobody@northwind-mail.com')}", {"vip": True}).status_code == 404


def test_patch_to_another_address_moves_the_member(api, list_id):
    member = api.add(list_id, EMAIL)
    taken = api.add(list_id, "bob@northwind-mail.com")
    path = f"/lists/{list_id}/members/{member['id']}"
    refused = api.patch(path, {"email_address": taken["email_address"]})
    assert refused.status_code == 400 and check_error(refused)["title"] == "Member Exists"
    moved = api.patch(path, {"email_address": "ann.new@northwind-mail.com"}).json()
    assert moved["id"] == md5("ann.new@northwind-mail.com") and moved["contact_id"] == member["contact_id"]
    assert api.get(path).status_code == 404


def test_delete_archives_and_a_re_add_unarchives(api, list_id):
    member = api.add(list_id, EMAIL)
    path = f"/lists/{list_id}/members/{member['id']}"
    response = api.delete(path)
    assert response.status_code == 204 and response.content == b""
    assert api.get(path).json()["status"] == "archived"
    assert api.delete(path).status_code == 404  # already archived
    listed = api.get(f"/lists/{list_id}/members").json()
    assert listed["total_items"] == 0  # hidden from the default view
    assert api.get(f"/lists/{list_id}/members", status="archived").json()["total_items"] == 1
    # A POST of an archived address adds it back (no "Member Exists").
    back = api.post(f"/lists/{list_id}/members", {"email_address": EMAIL, "status": "subscribed"})
    assert back.status_code == 200 and back.json()["status"] == "subscribed" and back.json()["id"] == member["id"]


def test_after_a_permanent_delete_a_re_add_is_forgotten_email_not_subscribed(api, list_id):
    member = api.add(list_id, EMAIL)
    path = f"/lists/{list_id}/members/{member['id']}"
    response = api.post(f"{path}/actions/delete-permanent", None)
    assert response.status_code == 204
    assert api.get(path).status_code == 404
    detail = (
        f"{EMAIL} was permanently deleted and cannot be re-imported. "
        "The contact must re-subscribe to get back on the list."
    )
    for response in (
        api.post(f"/lists/{list_id}/members", {"email_address": EMAIL, "status": "subscribed"}),
        api.put(path, {"email_address": EMAIL, "status_if_new": "subscribed"}),
    ):
        body = check_error(response)
        assert response.status_code == 400 and body["title"] == "Forgotten Email Not Subscribed"
        assert body["detail"] == detail
    batch = api.post(f"/lists/{list_id}", {"members": [{"email_address": EMAIL, "status": "subscribed"}]}).json()
    assert batch["error_count"] == 1 and batch["errors"][0]["error_code"] == "ERROR_GENERIC"
    assert "permanently deleted" in batch["errors"][0]["error"]


def test_a_body_that_is_not_json_is_400(api, list_id):
    response = api.session.post(
        f"{api.base_url}/lists/{list_id}/members", data=b"{not json", auth=("u", api.key), timeout=5
    )
    assert response.status_code == 400 and check_error(response)["title"] == "JSON Parse Error"
