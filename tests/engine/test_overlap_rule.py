"""The overlap rule (syncengine.overlap), table-tested: which other connection's link forbids a create."""

from __future__ import annotations

import pytest

from syncengine.choices import LinkState
from syncengine.overlap import ForeignLink, ForeignLinks, scopes_overlap

NS, APP = "netsuite", "app"


def link(email="ann@x.com", key="cs-1", target_id="42", state=LinkState.LINKED, name="Demo", pk=1) -> ForeignLink:
    return ForeignLink(pk, name, key, email, target_id, state)


@pytest.mark.parametrize(
    ("target", "links", "email", "sync_key", "expected"),
    [
        pytest.param(NS, [link()], "ann@x.com", "", ("cs-1", False), id="same email, linked: blocked"),
        pytest.param(NS, [link()], "bob@x.com", "", None, id="other email: created"),
        pytest.param(NS, [], "ann@x.com", "cs-1", None, id="no other connection: created"),
        pytest.param(NS, [link()], "new@x.com", "cs-1", ("cs-1", True), id="its sync key, email changed: blocked"),
        pytest.param(NS, [link(email="")], "ann@x.com", "cs-9", None, id="someone else's key, no email: created"),
        pytest.param(
            NS,
            [link(target_id=None, state=LinkState.CREATING)],
            "ann@x.com",
            "",
            ("cs-1", False),
            id="create in flight: blocked",
        ),
        pytest.param(
            NS,
            [link(state=LinkState.DELETED_IN_NETSUITE)],
            "ann@x.com",
            "cs-1",
            None,
            id="its record was deleted on the target side: created",
        ),
        pytest.param(
            APP,
            [link(state=LinkState.DELETED_IN_NETSUITE)],
            "ann@x.com",
            "",
            ("cs-1", False),
            id="deleted on the other side only: still holds the target record",
        ),
        pytest.param(APP, [link(target_id=None)], "ann@x.com", "", None, id="linked without a target record: created"),
        pytest.param(
            NS,
            [link(name="Zed", key="cs-2", pk=2), link(name="Demo", key="cs-3", pk=3)],
            "ann@x.com",
            "",
            ("cs-3", False),
            id="several: the first by connection name",
        ),
        pytest.param(
            NS,
            [link(key="cs-2", pk=2), link(email="bob@x.com", key="cs-3", pk=3)],
            "ann@x.com",
            "cs-3",
            ("cs-3", True),
            id="the sync key wins over the email",
        ),
    ],
)
def test_which_link_blocks_a_create(target, links, email, sync_key, expected):
    blocked = ForeignLinks(target, links).blocker(email, sync_key)
    assert (None if blocked is None else (blocked.link.key, blocked.by_key)) == expected


def test_the_message_names_the_connection_its_record_and_why():
    blocked = ForeignLinks(NS, [link(name="Demo customers")]).blocker("ann@x.com", "")
    message = blocked.message(NS)
    assert "“Demo customers”" in message and "NetSuite record 42" in message and "ann@x.com" in message
    keyed = ForeignLinks(APP, [link()]).blocker("", "cs-1").message(APP)
    assert "sync key" in keyed and "the app record 42" in keyed


@pytest.mark.parametrize(
    ("scope", "other", "overlap"),
    [("", "", True), ("", "VIP", True), ("VIP", "", True), ("VIP", "VIP", True), ("VIP", "Press", False)],
)
def test_app_scopes_overlap_unless_two_different_groups(scope, other, overlap):
    assert scopes_overlap(scope, other) is overlap
