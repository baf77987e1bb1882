"""Member statuses (reference C.2): which the API may set, and what may change into what."""

from __future__ import annotations

import pytest

from .helpers import check_error, md5

EMAIL = "chloe@northwind-mail.com"


@pytest.mark.parametrize("status", ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"])
def test_the_five_writable_statuses_can_be_set_on_a_new_member(api, list_id, status):
    assert api.add(list_id, EMAIL, status=status)["status"] == status


def test_archived_is_not_writable(api, list_id):
    for body in (
        {"email_address": EMAIL, "status": "archived"},
        {"email_address": EMAIL, "status": "bogus"},
    ):
        response = api.post(f"/lists/{list_id}/members", body)
        assert response.status_code == 400 and check_error(response)["errors"][0]["field"] == "status"


def _set(api, list_id, status):
    return api.patch(f"/lists/{list_id}/members/{md5(EMAIL)}", {"status": status})


def test_a_cleaned_member_cannot_be_subscribed_again(api, list_id):
    api.add(list_id, EMAIL, status="cleaned")
    for status in ("subscribed", "pending"):
        response = _set(api, list_id, status)
        body = check_error(response)
        assert response.status_code == 400 and body["title"] == "Member In Compliance State"
        assert body["detail"] == (
            f"{EMAIL} is in a compliance state due to unsubscribe, bounce, or compliance review "
            "and cannot be subscribed."
        )


def test_a_bounce_cleans_the_member(sandbox, api, list_id):
    api.add(list_id, EMAIL)
    sandbox.bounce(EMAIL)
    assert api.get(f"/lists/{list_id}/members/{md5(EMAIL)}").json()["status"] == "cleaned"
    assert _set(api, list_id, "subscribed").status_code == 400


def test_unsubscribed_may_go_to_pending_but_not_straight_to_subscribed(api, list_id):
    api.add(list_id, EMAIL, status="unsubscribed")
    refused = _set(api, list_id, "subscribed")
    assert refused.status_code == 400 and check_error(refused)["title"] == "Member In Compliance State"
    assert _set(api, list_id, "pending").json()["status"] == "pending"  # double opt-in


def test_resubscribing_api_unsubscribes_is_a_setting_self_unsubscribes_never(make_server):
    sandbox, api = make_server(api_unsubscribed_may_resubscribe=True)
    list_id = sandbox.config.default_list_id
    api.add(list_id, EMAIL)
    assert _set(api, list_id, "unsubscribed").json()["status"] == "unsubscribed"
    assert _set(api, list_id, "subscribed").json()["status"] == "subscribed"
    sandbox.unsubscribe_by_contact(EMAIL)
    refused = _set(api, list_id, "subscribed")
    assert refused.status_code == 400 and check_error(refused)["title"] == "Member In Compliance State"


def test_pending_confirms_and_transactional_may_subscribe(sandbox, api, list_id):
    api.add(list_id, EMAIL, status="pending")
    sandbox.confirm(EMAIL)
    assert api.get(f"/lists/{list_id}/members/{md5(EMAIL)}").json()["status"] == "subscribed"
    other = "dan@northwind-mail.com"
    api.add(list_id, other, status="transactional")
    response = api.patch(f"/lists/{list_id}/members/{md5(other)}", {"status": "subscribed"})
    assert response.json()["status"] == "subscribed"


def test_the_status_filter_takes_all_six(sandbox, api, list_id):
    for i, status in enumerate(["subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"]):
        sandbox.add_member(f"m{i}@northwind-mail.com", status=status)
    for status in ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"):
        page = api.get(f"/lists/{list_id}/members", status=status).json()
        assert [m["status"] for m in page["members"]] == [status]
    assert api.get(f"/lists/{list_id}/members").json()["total_items"] == 5
    assert api.get(f"/lists/{list_id}/members", status="gone").status_code == 400


def test_archived_members_in_the_default_view_is_a_setting(make_server):
    sandbox, api = make_server(list_archived_by_default=True)
    sandbox.add_member("zed@northwind-mail.com", status="archived")
    page = api.get(f"/lists/{sandbox.config.default_list_id}/members").json()
    assert page["total_items"] == 1 and page["members"][0]["status"] == "archived"
