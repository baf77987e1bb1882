"""A member's tags over real HTTP against the Mailchimp sandbox (issue 19, item 4): the rule actions' group
calls put one tag on and take one tag off members through the member tags endpoint, by the tag's name, and
leave every other tag of the member as it was; the catalog offers tags as a read-only groups field with open
options, and a member's tags read back with their names as ids."""

from __future__ import annotations

import pytest

from connections.providers.errors import ProviderError
from connections.providers.fields import FieldType
from connections.providers.mailchimp.client import MailchimpClient
from connections.providers.mailchimp.keys import subscriber_hash


@pytest.fixture
def mailchimp(running):
    app, server = running
    app.reset()
    info = app.print_config(server.base_url)
    mc = MailchimpClient("acct", {"api_key": info["api_key"]}, base_url=info["base_url"], max_retries=0)
    return app, mc, info["list_id"]


def tags_of(app, email: str) -> list[str]:
    return [t["name"] for t in app.member(email)["tags"]]


def tag_calls(app) -> list[tuple[str, str]]:
    """``(method, "<member id>/tags")`` of each call on a member's tags."""
    return [(r["method"], r["path"].rsplit("/members/", 1)[1]) for r in app.requests() if r["path"].endswith("/tags")]


def test_a_tag_is_put_on_and_taken_off_by_name_and_the_members_other_tags_are_kept(mailchimp):
    app, mc, list_id = mailchimp
    ada = app.add_member("ada@lovelace.io", tags=["Newsletter", "Met at a fair"])
    grace = app.add_member("grace@hopper.io")
    audience = f"audience/{list_id}"

    # "Customer" is no tag of the audience yet: Mailchimp makes it on first use.
    assert mc.modify_group_members("Customer", add=[ada, grace], object_type=audience) == {"not_found": []}
    assert tags_of(app, "ada@lovelace.io") == ["Newsletter", "Met at a fair", "Customer"]
    assert tags_of(app, "grace@hopper.io") == ["Customer"]
    # One call a member, on the member tags endpoint; no member body was written.
    assert sorted(tag_calls(app)) == sorted(("POST", f"{h}/tags") for h in (ada, grace))
    assert not [r for r in app.requests() if r["method"] in ("PUT", "PATCH")]

    mc.modify_group_members("Newsletter", remove=[ada], object_type=audience)
    assert tags_of(app, "ada@lovelace.io") == ["Met at a fair", "Customer"]  # only the tag named went

    records = {r.values["email"]: r for p in mc.read_members(list_id, None) for r in p.records}
    assert records["ada@lovelace.io"].values["tags"] == [
        {"id": "Met at a fair", "name": "Met at a fair"},
        {"id": "Customer", "name": "Customer"},
    ]
    assert records["grace@hopper.io"].values["tags"] == [{"id": "Customer", "name": "Customer"}]


def test_a_member_gone_is_reported_and_a_refused_tag_raises_after_the_others_were_tagged(mailchimp):
    app, mc, list_id = mailchimp
    full = app.add_member("full@tags.io", tags=[f"T{n}" for n in range(50)])  # Mailchimp's most (C.2)
    ada = app.add_member("ada@lovelace.io")
    gone = subscriber_hash("nobody@nowhere.io")
    audience = f"audience/{list_id}"

    assert mc.modify_group_members("VIP", add=[ada, gone], object_type=audience) == {"not_found": [gone]}
    with pytest.raises(ProviderError, match="refused the tag 'Customer' for 1 member"):
        mc.modify_group_members("Customer", add=[full, ada], object_type=audience)
    assert tags_of(app, "ada@lovelace.io") == ["VIP", "Customer"]  # the refusal of one member stopped no other
    assert len(tags_of(app, "full@tags.io")) == 50


def test_the_catalog_offers_tags_as_a_read_only_groups_field_any_name_being_a_tag(mailchimp):
    _, mc, list_id = mailchimp
    tags = {f.id: f for f in mc.audience_catalog(list_id)}["tags"]
    assert (tags.type, tags.writable, tags.open_options) == (FieldType.GROUPS, False, True)
    assert mc.create_group(" Customer ").id == "Customer"  # nothing to create: its id is its name
