"""The unsubscribe step (syncengine.pipeline.subscriptions): table-driven, pure.

States are written S (subscribed), U (unsubscribed), "" (read, no status), None (not read / no record)."""

from __future__ import annotations

import pytest

from connections.choices import SubscriptionSync as Policy
from connections.providers.registry import SUBSCRIBED, UNSUBSCRIBED
from syncengine.choices import Outcome
from syncengine.pipeline.subscriptions import SideSubscription, Subscriptions, decide

S, U = SUBSCRIBED, UNSUBSCRIBED
TO_APP, TO_NS = "to_app", "to_netsuite"
NS_OUT = {"id": "1", "name": "Soft Opt-Out"}


def _state(value):
    return value or ""


NETSUITE = SideSubscription("ns_status", _state, NS_OUT, "Soft Opt-Out", "NetSuite")
APP = SideSubscription("app_status", _state, U, "unsubscribed", "TheApp")


def subs(policy=Policy.BOTH, app=APP, netsuite=NETSUITE) -> Subscriptions:
    return Subscriptions(policy, netsuite, app)


def values(field, state):
    """A record's values holding ``state`` (None: the record does not hold the field)."""
    return {"email": "a@example.com"} | ({} if state is None else {field: state})


def plan(subscriptions, ns_now, app_now, ns_last=None, app_last=None, *, app_exists=True):
    return decide(
        subscriptions,
        netsuite_values=values("ns_status", ns_now),
        app_values=values("app_status", app_now) if app_exists else None,
        netsuite_snapshot=None if ns_last is None else values("ns_status", ns_last),
        app_snapshot=None if app_last is None else values("app_status", app_last),
    )


def summary(steps) -> dict:
    return {d: (s.outcome, s.writes) for d, s in steps.items()}


CASES = [
    # (name, policy, ns now, app now, ns last, app last, expected {direction: (outcome, writes)})
    ("unsubscribed in the app reaches NetSuite as Soft Opt-Out", Policy.BOTH, S, U, S, S,
     {TO_NS: (Outcome.UNSUBSCRIBED, {"ns_status": NS_OUT})}),
    ("unsubscribed in NetSuite reaches the app", Policy.BOTH, U, S, S, S,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}),
    ("first plan of a pair: an unsubscribe already there is carried", Policy.BOTH, U, S, None, None,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}),
    ("a target with no status is unsubscribed too", Policy.BOTH, U, "", S, None,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}),
    ("NetSuite back to opt-in after the app unsubscribe: refused, nothing written", Policy.BOTH, S, U, U, U,
     {TO_APP: (Outcome.RESUBSCRIBE_REFUSED, {})}),
    ("the app resubscribed while NetSuite stays out: refused", Policy.BOTH, U, S, U, U,
     {TO_NS: (Outcome.RESUBSCRIBE_REFUSED, {})}),
    ("conflict: unsubscribed in NetSuite as the app resubscribes: the unsubscribe wins, the resubscribe is refused",
     Policy.BOTH, U, S, S, U,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U}), TO_NS: (Outcome.RESUBSCRIBE_REFUSED, {})}),
    ("both unsubscribed: nothing", Policy.BOTH, U, U, S, S, {}),
    ("both subscribed: nothing (a subscribe is never carried)", Policy.BOTH, S, S, U, S, {}),
    ("no change: nothing", Policy.BOTH, U, S, U, S, {}),
    ("policy off: nothing at all", Policy.OFF, U, S, S, S, {}),
    ("policy off: no refusal either", Policy.OFF, S, U, U, U, {}),
    ("NetSuite → app only: carried that way", Policy.TO_APP, U, S, S, S,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}),
    ("NetSuite → app only: the app's unsubscribe stays there", Policy.TO_APP, S, U, S, S, {}),
    ("app → NetSuite only: carried that way", Policy.TO_NETSUITE, S, U, S, S,
     {TO_NS: (Outcome.UNSUBSCRIBED, {"ns_status": NS_OUT})}),
    ("app → NetSuite only: NetSuite's unsubscribe stays there", Policy.TO_NETSUITE, U, S, S, S, {}),
    ("a value not read (None) decides nothing", Policy.BOTH, None, S, U, S, {}),
    ("not read on the target: the unsubscribe is still carried", Policy.BOTH, U, None, S, None,
     {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "policy", "ns_now", "app_now", "ns_last", "app_last", "expected"), CASES)
def test_unsubscribe_decisions(name, policy, ns_now, app_now, ns_last, app_last, expected):
    assert summary(plan(subs(policy), ns_now, app_now, ns_last, app_last)) == expected, name


def test_an_unsubscribed_record_is_created_unsubscribed():
    steps = plan(subs(), U, None, app_exists=False)
    assert summary(steps) == {TO_APP: (Outcome.UNSUBSCRIBED, {"app_status": U})}


def test_messages_say_from_where_and_why():
    carried = plan(subs(), S, U, S, S)[TO_NS]
    assert carried.message == "Unsubscribed in TheApp: set to Soft Opt-Out in NetSuite"
    conflict = plan(subs(), U, S, S, U)[TO_APP]
    assert "an unsubscribe wins" in conflict.message
    refused = plan(subs(), S, U, U, U)[TO_APP]
    assert refused.message.startswith("Resubscribed in NetSuite after unsubscribing; not carried to TheApp")
    assert "never re-subscribes anyone who opted out" in refused.message


def test_a_side_whose_catalog_offers_no_unsubscribe_value_is_not_written():
    mute = SideSubscription("ns_status", _state, None, "Soft Opt-Out", "NetSuite")
    assert plan(subs(netsuite=mute), S, U, S, S) == {}


def test_no_step_ever_writes_anything_but_the_unsubscribe_value():
    states = (S, U, "", None)
    for policy in Policy.values:
        for ns_now in states:
            for app_now in states:
                for ns_last in states:
                    for app_last in states:
                        for step in plan(subs(policy), ns_now, app_now, ns_last, app_last).values():
                            assert step.writes in ({}, {"ns_status": NS_OUT}, {"app_status": U})
                            assert (step.outcome == Outcome.UNSUBSCRIBED) == bool(step.writes)
