"""Mailchimp's member changes are one PATCH a member, sent side by side (issue 19): an error that is still
there after the retries (here a 429, with retries off) fails that member only; the others are written and
their results say so, rather than the whole batch being reported failed."""

from __future__ import annotations

from connections.providers.base import WriteRequest
from connections.providers.errors import RateLimited
from connections.providers.mailchimp.client import MailchimpClient

EMAILS = ["ada@lovelace.io", "grace@hopper.io", "linus@torvalds.io"]


def test_a_member_refused_with_429_after_the_retries_fails_alone(running):
    app, server = running
    app.reset()
    info = app.print_config(server.base_url)
    ids = [app.add_member(email, merge_fields={"LNAME": "Before"}) for email in EMAILS]
    client = MailchimpClient("acct", {"api_key": info["api_key"]}, base_url=info["base_url"], max_retries=0)
    app.faults.update({"burst_429": 1, "methods": ["PATCH"]})  # the first PATCH to arrive gets 429

    results = client.update_members(
        info["list_id"],
        [
            WriteRequest(key=f"k{i}", record_id=member_id, values={"merge.LNAME": "After"}, fields=["merge.LNAME"])
            for i, member_id in enumerate(ids)
        ],
    )

    assert [r.key for r in results] == ["k0", "k1", "k2"]
    failed = [r for r in results if not r.ok]
    assert len(failed) == 1 and isinstance(failed[0].error, RateLimited)
    assert "Too Many Requests" in str(failed[0].error)
    assert sorted(app.member(email)["merge_fields"]["LNAME"] for email in EMAILS) == ["After", "After", "Before"]
    assert [r.record_id for r in results if r.ok] == [i for i, r in zip(ids, results, strict=True) if r.ok]
