"""Unsubscribes between NetSuite and a Mailchimp audience through the engine, over HTTP against both sandboxes
(issue 19, part 3), with the HubSpot issue's policy (``Connection.subscription_sync``): a member unsubscribed
or cleaned (bounced) in Mailchimp makes NetSuite Soft Opt-Out, with the reason; a NetSuite opt-out makes the
member unsubscribed, or adds them unsubscribed; nobody is ever subscribed again ("resubscribe refused", logged
once); new members join subscribed, or pending with double opt-in. Each test looks at both sandboxes."""

from __future__ import annotations

import pytest

from connections.choices import SubscriptionSync
from syncengine.choices import Outcome, SyncDirection

from .helpers import ns_person, seed
from .mailchimp_checks import (
    SOFT_OPT_IN,
    SOFT_OPT_OUT,
    STATUS,
    app_writes,
    members,
    message,
    ns_set_status,
    ns_status,
    outcomes,
    quiet_run,
    run,
    status_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

TO_APP, TO_NS = SyncDirection.TO_APP, SyncDirection.TO_NETSUITE


def status_writes(app, since: int = 0) -> list[dict]:
    """The PATCH calls after the ``since``-th request (the status is only ever written by a PATCH)."""
    return [r for r in app_writes(app, since) if r["method"] == "PATCH"]


def linked_ada(sandboxes, mailchimp, connect, **fields):
    """Ada, Soft Opt-In in NetSuite, synced into the audience (subscribed, pending with double opt-in) by a
    first run."""
    app, _ = mailchimp
    connection = connect(subscription_sync=SubscriptionSync.BOTH, **fields)
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@lovelace.io", **{STATUS: SOFT_OPT_IN})])
    assert outcomes(run(connection)) == {(TO_APP, Outcome.CREATED, "ada@lovelace.io")}
    assert status_of(app, "ada@lovelace.io") == ("pending" if fields.get("double_opt_in") else "subscribed")
    return connection


def test_an_unsubscribe_in_mailchimp_reaches_netsuite_as_soft_opt_out_with_the_reason(
    sandboxes, mailchimp, mailchimp_connect
):
    app, _ = mailchimp
    connection = linked_ada(sandboxes, mailchimp, mailchimp_connect)
    app.unsubscribe_by_contact("ada@lovelace.io")  # a click in a campaign's footer

    carried = run(connection)

    assert outcomes(carried) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@lovelace.io")}
    assert message(carried, "ada@lovelace.io", Outcome.UNSUBSCRIBED) == (
        "Unsubscribed in Mailchimp: set to Soft Opt-Out in NetSuite"
    )
    assert ns_status(sandboxes, "ada@lovelace.io") == "Soft Opt-Out"  # never Confirmed Opt-Out
    assert status_of(app, "ada@lovelace.io") == "unsubscribed"
    quiet_run(connection, sandboxes, app)  # NetSuite's change read back: an echo, nothing sent back


def test_a_cleaned_member_reaches_netsuite_as_soft_opt_out_saying_it_bounced(sandboxes, mailchimp, mailchimp_connect):
    app, _ = mailchimp
    connection = linked_ada(sandboxes, mailchimp, mailchimp_connect)
    app.bounce("ada@lovelace.io")  # a hard bounce: Mailchimp cleans the member

    carried = run(connection)

    assert outcomes(carried) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@lovelace.io")}
    assert message(carried, "ada@lovelace.io", Outcome.UNSUBSCRIBED) == (
        "Cleaned in Mailchimp (bounced): set to Soft Opt-Out in NetSuite"
    )
    assert ns_status(sandboxes, "ada@lovelace.io") == "Soft Opt-Out"
    assert status_of(app, "ada@lovelace.io") == "cleaned"
    quiet_run(connection, sandboxes, app)


def test_an_opt_out_in_netsuite_unsubscribes_the_member_and_an_opted_out_newcomer_joins_unsubscribed(
    sandboxes, mailchimp, mailchimp_connect
):
    app, _ = mailchimp
    connection = linked_ada(sandboxes, mailchimp, mailchimp_connect, double_opt_in=True)
    app.confirm("ada@lovelace.io")
    run(connection)
    seed(sandboxes, netsuite=[ns_person("Linus", "T", "linus@torvalds.io", **{STATUS: SOFT_OPT_OUT})])
    ns_set_status(sandboxes, "ada@lovelace.io", SOFT_OPT_OUT)
    mark = len(app.requests())

    carried = run(connection)

    assert outcomes(carried) == {
        (TO_APP, Outcome.UNSUBSCRIBED, "ada@lovelace.io"),
        (TO_APP, Outcome.CREATED, "linus@torvalds.io"),
    }
    assert message(carried, "ada@lovelace.io", Outcome.UNSUBSCRIBED) == (
        "Unsubscribed in NetSuite: set to Unsubscribed in Mailchimp"
    )
    assert {email: m["status"] for email, m in members(app).items()} == {
        "ada@lovelace.io": "unsubscribed",
        "linus@torvalds.io": "unsubscribed",  # opted out already: never subscribed, nor asked to (pending)
    }
    assert [r["path"].rsplit("/", 1)[-1] for r in status_writes(app, mark)] == [
        app.member("ada@lovelace.io")["id"]
    ]  # one PATCH: Ada's unsubscribe (Linus joined by batch subscribe)
    assert ns_status(sandboxes, "linus@torvalds.io") == "Soft Opt-Out"
    quiet_run(connection, sandboxes, app)


@pytest.mark.parametrize(("leaves", "left_as"), [("unsubscribe_by_contact", "unsubscribed"), ("bounce", "cleaned")])
def test_netsuite_set_back_to_soft_opt_in_never_resubscribes_the_member_and_is_logged_once(
    sandboxes, mailchimp, mailchimp_connect, leaves, left_as
):
    app, _ = mailchimp
    connection = linked_ada(sandboxes, mailchimp, mailchimp_connect)
    getattr(app, leaves)("ada@lovelace.io")
    assert outcomes(run(connection)) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@lovelace.io")}
    ns_set_status(sandboxes, "ada@lovelace.io", SOFT_OPT_IN)  # someone in NetSuite sets it back
    mark = len(app.requests())

    refused = run(connection)

    assert outcomes(refused) == {(TO_APP, Outcome.RESUBSCRIBE_REFUSED, "ada@lovelace.io")}
    assert message(refused, "ada@lovelace.io", Outcome.RESUBSCRIBE_REFUSED) == (
        "Resubscribed in NetSuite after unsubscribing; not carried to Mailchimp, where the person is "
        "unsubscribed: the sync never re-subscribes anyone who opted out"
    )
    assert app_writes(app, mark) == []  # nothing sent to Mailchimp at all
    assert status_of(app, "ada@lovelace.io") == left_as
    assert ns_status(sandboxes, "ada@lovelace.io") == "Soft Opt-In"  # NetSuite's choice is not undone either
    quiet_run(connection, sandboxes, app)  # logged once
    assert status_of(app, "ada@lovelace.io") == left_as


@pytest.mark.parametrize(("double_opt_in", "joins_as"), [(False, "subscribed"), (True, "pending")])
def test_new_members_from_netsuite_join_subscribed_or_pending_with_double_opt_in(
    sandboxes, mailchimp, mailchimp_connect, double_opt_in, joins_as
):
    app, _ = mailchimp
    connection = mailchimp_connect(subscription_sync=SubscriptionSync.BOTH, double_opt_in=double_opt_in)
    seed(
        sandboxes,
        netsuite=[
            ns_person("Ada", "Lovelace", "ada@lovelace.io", **{STATUS: SOFT_OPT_IN}),
            ns_person("Grace", "Hopper", "grace@hopper.io"),
        ],
    )

    first = run(connection)

    assert outcomes(first) == {
        (TO_APP, Outcome.CREATED, "ada@lovelace.io"),
        (TO_APP, Outcome.CREATED, "grace@hopper.io"),
    }
    assert {email: m["status"] for email, m in members(app).items()} == {
        "ada@lovelace.io": joins_as,
        "grace@hopper.io": joins_as,
    }
    assert [r["path"] for r in app_writes(app)] == [f"/3.0/lists/{app.config.default_list_id}"]  # one batch
    quiet_run(connection, sandboxes, app)
    assert {ns_status(sandboxes, e) for e in ("ada@lovelace.io", "grace@hopper.io")} == {"Soft Opt-In"}


def test_unsubscribed_and_cleaned_members_new_to_netsuite_are_created_there_as_soft_opt_out(
    sandboxes, mailchimp, mailchimp_connect
):
    app, _ = mailchimp
    connection = mailchimp_connect(subscription_sync=SubscriptionSync.BOTH)
    app.seed(
        {
            "members": [
                {
                    "email_address": "carol@shaw.io",
                    "status": "unsubscribed",
                    "merge_fields": {"FNAME": "Carol", "LNAME": "S"},
                },
                {"email_address": "dan@bounce.io", "status": "cleaned", "merge_fields": {"FNAME": "Dan", "LNAME": "B"}},
                {"email_address": "eve@subscribed.io", "merge_fields": {"FNAME": "Eve", "LNAME": "S"}},
            ]
        }
    )

    first = run(connection)

    assert outcomes(first) == {
        (TO_NS, Outcome.CREATED, "carol@shaw.io"),
        (TO_NS, Outcome.CREATED, "dan@bounce.io"),
        (TO_NS, Outcome.CREATED, "eve@subscribed.io"),
    }
    assert {e: ns_status(sandboxes, e) for e in ("carol@shaw.io", "dan@bounce.io", "eve@subscribed.io")} == {
        "carol@shaw.io": "Soft Opt-Out",
        "dan@bounce.io": "Soft Opt-Out",
        "eve@subscribed.io": "Soft Opt-In",
    }
    assert {email: m["status"] for email, m in members(app).items()} == {
        "carol@shaw.io": "unsubscribed",
        "dan@bounce.io": "cleaned",
        "eve@subscribed.io": "subscribed",
    }
    quiet_run(connection, sandboxes, app)
