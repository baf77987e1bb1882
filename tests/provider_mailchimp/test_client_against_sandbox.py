"""Mailchimp's reading client over real HTTP against the Mailchimp sandbox (issue 19): the key is checked
(another data centre, a bad key), an audience's catalog comes from its merge fields, and its members are read
in pages of 1,000, then only those changed since the cursor."""

from __future__ import annotations

import urllib.request

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import AuthenticationError
from connections.providers.fields import FieldType
from connections.providers.mailchimp.api_errors import ComplianceState, ForgottenEmail
from connections.providers.mailchimp.client import MailchimpClient
from connections.providers.mailchimp.cursor import load_cursor
from connections.providers.mailchimp.keys import subscriber_hash
from connections.providers.mailchimp.subscriptions import reason_of, state_of, unsubscribe_value
from connections.providers.registry import SUBSCRIBED, UNSUBSCRIBED


@pytest.fixture
def mailchimp(running):
    app, server = running
    app.reset()
    return app, app.print_config(server.base_url)


def client(info: dict, key: str | None = None) -> MailchimpClient:
    return MailchimpClient("acct", {"api_key": key or info["api_key"]}, base_url=info["base_url"], max_retries=0)


def test_the_key_is_checked_and_the_audiences_listed(mailchimp, running):
    _, info = mailchimp
    assert {"id": info["list_id"], "name": "Demo audience"} in client(info).verify()["audiences"]
    other_dc = info["api_key"].rsplit("-", 1)[0] + "-us99"
    with pytest.raises(AuthenticationError, match="another data centre"):
        client(info, other_dc).verify()
    with pytest.raises(AuthenticationError, match="Check the API key"):
        client(info, "0" * 32 + "-" + info["api_key"].rsplit("-", 1)[1]).verify()
    assert urllib.request.urlopen(f"{running[1].base_url}/_sandbox/state", timeout=5).status == 200


def test_the_catalog_holds_the_standard_fields_and_the_merge_fields(mailchimp):
    _, info = mailchimp
    catalog = {f.id: f for f in client(info).audience_catalog(info["list_id"])}
    assert catalog["email"].type == FieldType.EMAIL
    assert catalog["merge.FNAME"].type == FieldType.TEXT and catalog["merge.ADDRESS"].type == FieldType.ADDRESS


def test_members_are_read_in_pages_then_only_the_changed_ones(mailchimp):
    app, info = mailchimp
    app.seed({"generate": {"members": 2_500, "seed": 3}})
    mc = client(info)
    catalog = mc.audience_catalog(info["list_id"])
    pages = list(mc.read_members(info["list_id"], None, catalog))
    assert [len(p.records) for p in pages] == [1000, 1000, 500]
    assert [p.last for p in pages] == [False, False, True] and pages[-1].cursor
    records = [r for p in pages for r in p.records]
    assert len({r.id for r in records}) == 2_500
    assert all(r.id == subscriber_hash(r.values["email"]) for r in records)

    app.clock = lambda: 4_102_444_800.0  # 2100-01-01: one member changes much later than the rest
    changed = records[17].values["email"]
    mc.transport.request(
        "PATCH", f"/lists/{info['list_id']}/members/{subscriber_hash(changed)}", json_body={"language": "fr"}
    )
    later = list(mc.read_members(info["list_id"], pages[-1].cursor, catalog))
    emails = [r.values["email"] for p in later for r in p.records]
    # The member changed, and the overlap's members (the generator stamps one a second: the last 5 minutes'
    # 300 of them, which the engine's mirror finds unchanged); not the audience again.
    assert emails[-1] == changed and len(emails) <= 302
    assert load_cursor(later[-1].cursor).since > load_cursor(pages[-1].cursor).since


def test_new_members_are_added_in_a_batch_an_existing_one_is_linked_and_a_refusal_fails_only_its_own(mailchimp):
    app, info = mailchimp
    mc = client(info)
    list_id = info["list_id"]
    mc.create_members(list_id, [WriteRequest("k0", {"email": "kept@northwind-mail.com"})], "subscribed")
    requests = [
        WriteRequest("k1", {"email": "ada@northwind-mail.com", "merge.FNAME": "Ada"}),
        WriteRequest("k2", {"email": "Kept@Northwind-Mail.com", "merge.FNAME": "Someone"}),  # there
        WriteRequest("k3", {"email": "nobody@example.com"}),  # a fake-looking address: refused
        WriteRequest("k4", {"merge.FNAME": "No email"}),
    ]
    ada, kept, fake, no_email = mc.create_members(list_id, requests, "pending")
    assert ada.ok and ada.record_id == subscriber_hash("ada@northwind-mail.com")
    assert ada.record.values["status"]["id"] == "pending" and ada.record.values["merge.FNAME"] == "Ada"
    assert kept.ok and kept.record_id == subscriber_hash("kept@northwind-mail.com") and "linked" in kept.warnings[0]
    assert set(kept.unwritten) == {"email", "merge.FNAME"}
    assert not fake.ok and "nobody@example.com" in str(fake.error)
    assert not no_email.ok and "needs an email" in str(no_email.error)
    member = mc.transport.request("GET", f"/lists/{list_id}/members/{kept.record_id}")
    assert member["merge_fields"]["FNAME"] == ""  # nothing written over the member it found


def test_a_change_never_sends_a_status_and_an_archive_is_the_mark(mailchimp):
    app, info = mailchimp
    mc = client(info)
    list_id = info["list_id"]
    (ada,) = mc.create_members(list_id, [WriteRequest("k1", {"email": "ada@northwind-mail.com"})], "subscribed")
    mc.transport.request("PATCH", f"/lists/{list_id}/members/{ada.record_id}", json_body={"status": "unsubscribed"})
    (changed,) = mc.update_members(
        list_id,
        [WriteRequest("k1", {"merge.FNAME": "Ada", "status": {"id": "subscribed"}}, record_id=ada.record_id)],
    )
    assert changed.ok and changed.record.values["merge.FNAME"] == "Ada"
    assert changed.record.values["status"]["id"] == "unsubscribed"  # a status is never written by a change
    (archived,) = mc.archive_members(list_id, [WriteRequest("k1", record_id=ada.record_id)])
    assert archived.ok
    (again,) = mc.archive_members(list_id, [WriteRequest("k1", record_id=ada.record_id)])  # already archived
    assert again.ok
    (gone,) = mc.update_members(
        list_id, [WriteRequest("k9", {"merge.FNAME": "X"}, record_id=subscriber_hash("x@y.io"))]
    )
    assert not gone.ok


def test_an_address_deleted_for_good_is_never_added_again_and_says_so(mailchimp):
    app, info = mailchimp
    mc = client(info)
    list_id = info["list_id"]
    (ada,) = mc.create_members(list_id, [WriteRequest("k1", {"email": "ada@northwind-mail.com"})], "subscribed")
    mc.transport.request("POST", f"/lists/{list_id}/members/{ada.record_id}/actions/delete-permanent")
    (again,) = mc.create_members(list_id, [WriteRequest("k2", {"email": "ada@northwind-mail.com"})], "subscribed")
    assert isinstance(again.error, ForgottenEmail)


def test_an_unsubscribe_is_written_as_the_status_and_read_back_with_its_reason(mailchimp):
    app, info = mailchimp
    mc = client(info)
    list_id = info["list_id"]
    catalog = mc.audience_catalog(list_id)
    status = next(f for f in catalog if f.id == "status")
    assert unsubscribe_value(status) == {"id": "unsubscribed", "name": "Unsubscribed"}
    ada, bob = mc.create_members(
        list_id,
        [
            WriteRequest("k1", {"email": "ada@northwind-mail.com"}),
            WriteRequest("k2", {"email": "bob@northwind-mail.com"}),
        ],
        "subscribed",
    )
    assert state_of(ada.record.values["status"]) == SUBSCRIBED
    assert mc.unsubscribe_members(list_id, [ada.record_id]) == {ada.record_id: None}
    records = {r.id: r for p in mc.read_members(list_id, None, catalog) for r in p.records}
    assert state_of(records[ada.record_id].values["status"]) == UNSUBSCRIBED
    assert reason_of(records[ada.record_id].values["status"]) == "unsubscribed in Mailchimp"
    assert state_of(records[bob.record_id].values["status"]) == SUBSCRIBED
    # Subscribing her again is what the policy never does; the sandbox refuses it too (reference C.2: UNCERTAIN).
    with pytest.raises(ComplianceState):
        mc.transport.request("PATCH", f"/lists/{list_id}/members/{ada.record_id}", json_body={"status": "subscribed"})


@pytest.mark.parametrize(
    ("status", "state", "reason"),
    [
        ("subscribed", SUBSCRIBED, ""),
        ("unsubscribed", UNSUBSCRIBED, "unsubscribed in Mailchimp"),
        ("cleaned", UNSUBSCRIBED, "cleaned in Mailchimp (bounced)"),
        ("pending", "", ""),
        ("transactional", "", ""),
        ("archived", "", ""),
        (None, "", ""),
    ],
)
def test_a_member_status_reads_as_a_subscription_state(status, state, reason):
    value = {"id": status, "name": str(status).capitalize()} if status else None
    assert (state_of(value), reason_of(value)) == (state, reason)


@pytest.mark.parametrize("change", ["changed", "archived"])
def test_a_member_changed_or_archived_during_a_paged_read_makes_no_other_one_slip(mailchimp, change):
    """Pages go by offset sorted by last change: a member read already that changes (moves to the end) or is
    archived (leaves the listing) meanwhile shifts the rest, and one member would slip between two pages. The
    read sees the shift (a member twice, or a smaller total) and reads the listing again."""
    app, info = mailchimp
    app.seed({"generate": {"members": 2_500, "seed": 3}})
    list_id = info["list_id"]
    mc, other = client(info), client(info)  # ``other``: someone else's tool, changing the audience meanwhile
    everyone = {r.id for p in other.read_members(list_id, None) for r in p.records}
    assert len(everyone) == 2_500
    reading = mc.transport.request
    first_page: list[dict] = []

    def request(method, path, **options):
        answer = reading(method, path, **options)
        if method == "GET" and path.endswith("/members") and not first_page:
            first_page.extend(answer["members"])  # a member of the first page, once it has been read:
            member = f"/lists/{list_id}/members/{first_page[10]['id']}"
            if change == "changed":
                other.transport.request("PATCH", member, json_body={"language": "fr"})
            else:
                other.transport.request("DELETE", member)
        return answer

    mc.transport.request = request
    pages = list(mc.read_members(list_id, None))

    # Everyone read (the archived member too: it was read before it left), nobody slipped between two pages.
    assert {r.id for p in pages for r in p.records} == everyone
    assert pages[-1].last and pages[-1].cursor
