"""The engine's seam of the Mailchimp client over real HTTP against the sandbox (issue 19): everything is
addressed by the connection's object type ``audience/<list id>``; a create takes the connection's new-member
status (subscribed, pending with double opt-in) or unsubscribed when the unsubscribe policy says so; an update
writes its fields then unsubscribes, and never subscribes anyone; a deletion archives; a new email moves the
member and the result says where."""

from __future__ import annotations

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import ValidationError
from connections.providers.mailchimp.client import MailchimpClient
from connections.providers.mailchimp.keys import subscriber_hash
from connections.providers.mailchimp.member_writes import NEVER_SUBSCRIBES
from connections.providers.mailchimp.objects import audience_object

UNSUBSCRIBE = {"id": "unsubscribed", "name": "Unsubscribed"}
SUBSCRIBE = {"id": "subscribed", "name": "Subscribed"}


@pytest.fixture
def mailchimp(running):
    app, server = running
    app.reset()
    info = app.print_config(server.base_url)
    client = MailchimpClient("acct", {"api_key": info["api_key"]}, base_url=info["base_url"], max_retries=0)
    return app, client, audience_object(info["list_id"])


def test_an_object_type_without_an_audience_is_refused_before_any_request(mailchimp):
    app, client, _ = mailchimp
    for object_type in ("audience", "contacts", ""):
        with pytest.raises(ValidationError, match="names no Mailchimp audience"):
            list(client.read_changes(object_type, None))
    assert app.requests() == []


def test_creates_take_the_connection_status_or_unsubscribed_never_subscribed_for_an_opt_out(mailchimp):
    app, client, audience = mailchimp
    plain, opted_out = client.create_many(
        audience,
        [
            WriteRequest("k1", {"email": "ada@lovelace.io", "merge.FNAME": "Ada"}),
            WriteRequest("k2", {"email": "bob@builder.io", "status": UNSUBSCRIBE}),
        ],
    )
    assert plain.ok and opted_out.ok
    assert app.member("ada@lovelace.io")["status"] == "subscribed"
    assert app.member("bob@builder.io")["status"] == "unsubscribed"
    (pending,) = client.create_many(audience, [WriteRequest("k3", {"email": "cy@pending.io"})], double_opt_in=True)
    assert pending.ok and pending.record_id == subscriber_hash("cy@pending.io")
    assert app.member("cy@pending.io")["status"] == "pending"


def test_an_update_writes_its_fields_then_unsubscribes_and_never_subscribes(mailchimp):
    app, client, audience = mailchimp
    ada = app.add_member("ada@lovelace.io", merge_fields={"FNAME": "Ada"})
    bob = app.add_member("bob@builder.io", status="unsubscribed")
    out, kept = client.update_many(
        audience,
        [
            WriteRequest("k1", {"merge.FNAME": "Augusta", "status": UNSUBSCRIBE}, record_id=ada),
            WriteRequest("k2", {"status": SUBSCRIBE}, record_id=bob, fields=["status"]),
        ],
    )
    assert out.ok and not out.unwritten
    member = app.member("ada@lovelace.io")
    assert (member["status"], member["merge_fields"]["FNAME"]) == ("unsubscribed", "Augusta")
    assert kept.ok and kept.unwritten == ["status"] and kept.warnings == [NEVER_SUBSCRIBES]
    assert app.member("bob@builder.io")["status"] == "unsubscribed"
    # The status alone sends no PATCH of fields: one request for Bob's would be a subscribe, never made.
    assert not [r for r in app.requests() if r["method"] == "PATCH" and r["path"].endswith(bob)]


def test_a_new_email_moves_the_member_and_the_result_says_where(mailchimp):
    app, client, audience = mailchimp
    old = app.add_member("ada@lovelace.io")
    (moved,) = client.update_many(audience, [WriteRequest("k1", {"email": "ada@byron.io"}, record_id=old)])
    assert moved.ok and moved.moved_to == subscriber_hash("ada@byron.io") == moved.record_id
    assert app.member("ada@byron.io") is not None and app.member("ada@lovelace.io") is None
    (same,) = client.update_many(audience, [WriteRequest("k1", {"merge.FNAME": "Ada"}, record_id=moved.moved_to)])
    assert same.ok and same.moved_to == ""


def test_deletions_and_marks_archive_and_the_next_read_since_a_cursor_sees_them(mailchimp):
    app, client, audience = mailchimp
    ada = app.add_member("ada@lovelace.io")
    bob = app.add_member("bob@builder.io")
    pages = list(client.read_changes(audience, None))
    cursor = pages[-1].cursor
    assert {r.id for p in pages for r in p.records} == {ada, bob} and cursor
    (deleted,) = client.delete_many(audience, [WriteRequest("k1", record_id=ada)])
    (marked,) = client.mark_deleted(audience, [WriteRequest("k2", record_id=bob)])
    assert deleted.ok and marked.ok
    assert app.member(ada)["status"] == app.member(bob)["status"] == "archived"
    assert not [r for r in app.requests() if "delete-permanent" in r["path"]]
    later = [r for p in client.read_changes(audience, cursor) for r in p.records]
    assert {(r.id, r.deleted) for r in later} >= {(ada, True), (bob, True)}
