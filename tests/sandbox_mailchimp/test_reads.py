"""Reading members (reference C.3): count/offset up to 1,000, total_items, the change filters,
sorting, fields/exclude_fields."""

from __future__ import annotations

import time

from sandbox.mailchimp.store import iso

from .helpers import check_error


def test_count_defaults_to_10_and_pages_with_offset(sandbox, api, list_id):
    sandbox.seed({"generate": {"members": 25, "statuses": False}})
    first = api.get(f"/lists/{list_id}/members").json()
    assert len(first["members"]) == 10 and first["total_items"] == 25 and first["list_id"] == list_id
    seen = []
    for offset in (0, 10, 20):
        page = api.get(f"/lists/{list_id}/members", count=10, offset=offset).json()
        seen += [m["id"] for m in page["members"]]
    assert len(seen) == 25 == len(set(seen))
    assert api.get(f"/lists/{list_id}/members", offset=30).json()["members"] == []


def test_count_up_to_1000_and_no_more(sandbox, api, list_id):
    sandbox.seed({"generate": {"members": 1005, "statuses": False}})
    page = api.get(f"/lists/{list_id}/members", count=1000).json()
    assert len(page["members"]) == 1000 and page["total_items"] == 1005
    for bad in ({"count": 1001}, {"count": 0}, {"offset": -1}, {"count": "ten"}):
        response = api.get(f"/lists/{list_id}/members", **bad)
        assert response.status_code == 400, bad
        check_error(response)


def test_since_last_changed_is_strictly_after_at_whole_seconds(sandbox, api, list_id):
    now = [1_800_000_000.0]
    sandbox.clock = lambda: now[0]
    try:
        api.add(list_id, "a@northwind-mail.com")
        now[0] += 0.6  # the same second
        api.add(list_id, "b@northwind-mail.com")
        now[0] += 1
        api.add(list_id, "c@northwind-mail.com")
        watermark = iso(1_800_000_000)
        page = api.get(f"/lists/{list_id}/members", since_last_changed=watermark).json()
        assert [m["email_address"] for m in page["members"]] == ["c@northwind-mail.com"]
        assert page["total_items"] == 1
        before = api.get(f"/lists/{list_id}/members", before_last_changed=iso(1_800_000_001)).json()
        assert before["total_items"] == 2
        # A change moves last_changed, so the member comes back in the next incremental read.
        now[0] += 5
        api.patch(f"/lists/{list_id}/members/a@northwind-mail.com", {"merge_fields": {"FNAME": "A"}})
        later = api.get(f"/lists/{list_id}/members", since_last_changed=watermark).json()
        assert {m["email_address"] for m in later["members"]} == {"a@northwind-mail.com", "c@northwind-mail.com"}
        assert api.get(f"/lists/{list_id}/members", since_last_changed="yesterday").status_code == 400
    finally:
        sandbox.clock = time.time


def test_sort_by_last_changed(sandbox, api, list_id):
    now = [1_800_000_000.0]
    sandbox.clock = lambda: now[0]
    try:
        for name in ("x", "y", "z"):
            api.add(list_id, f"{name}@northwind-mail.com")
            now[0] += 1
        api.patch(f"/lists/{list_id}/members/x@northwind-mail.com", {"vip": True})
        asc = api.get(f"/lists/{list_id}/members", sort_field="last_changed", sort_dir="ASC").json()
        assert [m["email_address"][0] for m in asc["members"]] == ["y", "z", "x"]
        desc = api.get(f"/lists/{list_id}/members", sort_field="last_changed", sort_dir="DESC").json()
        assert [m["email_address"][0] for m in desc["members"]] == ["x", "z", "y"]
        assert api.get(f"/lists/{list_id}/members", sort_field="email_address").status_code == 400
        assert api.get(f"/lists/{list_id}/members", vip_only="true").json()["total_items"] == 1
    finally:
        sandbox.clock = time.time


def test_fields_and_exclude_fields(sandbox, api, list_id):
    sandbox.seed({"generate": {"members": 3, "statuses": False}})
    only = api.get(f"/lists/{list_id}/members", fields="members.email_address,members.status,total_items").json()
    assert set(only) == {"members", "total_items"} and only["total_items"] == 3
    assert all(set(m) == {"email_address", "status"} for m in only["members"])
    dropped = api.get(f"/lists/{list_id}/members", exclude_fields="members.merge_fields,_links").json()
    assert "_links" not in dropped and "merge_fields" not in dropped["members"][0]
    assert "email_address" in dropped["members"][0]
    one = api.get(f"/lists/{list_id}/members/{only['members'][0]['email_address']}", fields="id,merge_fields.FNAME")
    assert set(one.json()) == {"id", "merge_fields"} and set(one.json()["merge_fields"]) == {"FNAME"}
    response = api.get(f"/lists/{list_id}/members", fields="members.no_such_field")
    assert response.status_code == 422 and check_error(response)["title"] == "Requested Fields Invalid"


def test_filters_that_are_not_simulated_say_so(api, list_id):
    response = api.get(f"/lists/{list_id}/members", interest_category_id="abc")
    assert response.status_code == 501
