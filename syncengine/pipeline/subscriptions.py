"""Unsubscribes (pure): what a pair's email subscription statuses call for, under the connection's policy.

Each side that keeps a subscription status registers where (``registry.SubscriptionField``): a field of its
catalog, how a value reads (subscribed, unsubscribed, or not known) and the one value that writes
"unsubscribed" (NetSuite: Soft Opt-Out, never Confirmed Opt-Out). The policy
(``connections.choices.SubscriptionSync``) says which ways an unsubscribe is carried: off, NetSuite → app,
app → NetSuite, or both.

The rules, whatever the connection's conflict policy:

- **An unsubscribe is carried**: a record that became unsubscribed on one side (or is unsubscribed when
  the pair is first planned under the policy) makes the other side unsubscribed, when the policy carries
  that way. It wins a conflict: resubscribed on the other side at the same time, the unsubscribe is still
  carried.
- **A subscribe never is**: the sync writes no value but "unsubscribed". A record resubscribed on one side
  while the other side is unsubscribed is an outcome "resubscribe refused" with the reason, and nothing is
  written to the other side; nor is the resubscribed side made unsubscribed again (someone chose it there).
- Nothing else: statuses that did not change, or that agree, call for nothing.

A state is read from a record's current values and from its last synced snapshot ("last"): None when the
record or its value was not read (no information: nothing is decided on it), "" when read but not known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connections.choices import SubscriptionSync
from connections.providers.registry import UNSUBSCRIBED

from ..choices import Outcome, Side, SyncDirection

NS, APP = Side.NETSUITE.value, Side.APP.value

_CARRIED = {
    SyncDirection.TO_APP: (SubscriptionSync.TO_APP, SubscriptionSync.BOTH),
    SyncDirection.TO_NETSUITE: (SubscriptionSync.TO_NETSUITE, SubscriptionSync.BOTH),
}


@dataclass(frozen=True)
class SideSubscription:
    """Where one side keeps the status (``field_id``), how a value reads (``state_of``), the value that
    writes "unsubscribed" (None: that side's catalog does not offer it, so nothing is carried there), how a
    message names that value, the side's name ("NetSuite", the app's label), and why a value counts as
    unsubscribed (``reason_of``: "cleaned in Mailchimp (bounced)"; None or '': "unsubscribed in <side>")."""

    field_id: str
    state_of: Callable[[Any], str]
    unsubscribe_value: Any
    unsubscribe_label: str
    label: str
    reason_of: Callable[[Any], str] | None = None

    def reason(self, values: Mapping[str, Any] | None) -> str:
        """Why ``values`` count as unsubscribed, as an outcome's message starts ("Unsubscribed in NetSuite")."""
        said = self.reason_of(values[self.field_id]) if self.reason_of and values and self.field_id in values else ""
        said = said or f"unsubscribed in {self.label}"
        return said[:1].upper() + said[1:]

    def state(self, values: Mapping[str, Any] | None) -> str | None:
        """The state in ``values`` (a record's values or its snapshot); None when they do not hold it."""
        if values is None or self.field_id not in values:
            return None
        return self.state_of(values[self.field_id])


@dataclass(frozen=True)
class Subscriptions:
    """A connection's unsubscribe policy and both sides' subscription fields (plain data, in ``SyncConfig``)."""

    policy: str
    netsuite: SideSubscription
    app: SideSubscription

    def carries(self, direction: str) -> bool:
        """Whether the policy carries unsubscribes in ``direction``."""
        return self.policy in _CARRIED.get(direction, ())

    def side(self, side: str) -> SideSubscription:
        return self.netsuite if side == NS else self.app

    def field_id(self, side: str) -> str:
        return self.side(side).field_id


@dataclass(frozen=True)
class SubscriptionStep:
    """What one direction does about the status: ``outcome`` UNSUBSCRIBED with the value to write
    (``writes``, on the target's subscription field), or RESUBSCRIBE_REFUSED (no write); ``message`` says
    from where and why."""

    direction: str
    outcome: str
    writes: dict[str, Any]
    message: str


@dataclass(frozen=True)
class Observed:
    """One side of a pair: its status now and as last synced (see the module docstring for None and "")."""

    now: str | None
    last: str | None

    @property
    def unsubscribed(self) -> bool:
        return self.now == UNSUBSCRIBED

    @property
    def resubscribed(self) -> bool:
        """Unsubscribed when last synced, and read as not unsubscribed now."""
        return self.last == UNSUBSCRIBED and self.now is not None and self.now != UNSUBSCRIBED


def observe(side: SideSubscription, values: Mapping | None, snapshot: Mapping | None) -> Observed:
    return Observed(side.state(values), side.state(snapshot))


def decide(
    subscriptions: Subscriptions,
    *,
    netsuite_values: Mapping | None,
    app_values: Mapping | None,
    netsuite_snapshot: Mapping | None,
    app_snapshot: Mapping | None,
) -> dict[str, SubscriptionStep]:
    """The step of each direction that has one, by direction (see the module docstring)."""
    observed = {
        NS: observe(subscriptions.netsuite, netsuite_values, netsuite_snapshot),
        APP: observe(subscriptions.app, app_values, app_snapshot),
    }
    steps: dict[str, SubscriptionStep] = {}
    values = {NS: netsuite_values, APP: app_values}
    for direction, source, target in (
        (SyncDirection.TO_APP.value, NS, APP),
        (SyncDirection.TO_NETSUITE.value, APP, NS),
    ):
        if not subscriptions.carries(direction):
            continue
        sides = subscriptions.side(source), subscriptions.side(target)
        step = _step(direction, *sides, observed[source], observed[target], values[source])
        if step is not None:
            steps[direction] = step
    return steps


def _step(
    direction: str,
    source_side: SideSubscription,
    target_side: SideSubscription,
    source: Observed,
    target: Observed,
    source_values: Mapping | None = None,
) -> SubscriptionStep | None:
    if source.unsubscribed and not target.unsubscribed and source.last != UNSUBSCRIBED:
        if target_side.unsubscribe_value is None:
            return None  # the target's catalog offers no value to write (a problem of the configuration, said once)
        reason = source_side.reason(source_values)
        message = f"{reason}: set to {target_side.unsubscribe_label} in {target_side.label}"
        if target.resubscribed:
            message += " (resubscribed there at the same time: an unsubscribe wins)"
        return SubscriptionStep(
            direction, Outcome.UNSUBSCRIBED, {target_side.field_id: target_side.unsubscribe_value}, message
        )
    if source.resubscribed and target.unsubscribed:
        return SubscriptionStep(
            direction,
            Outcome.RESUBSCRIBE_REFUSED,
            {},
            f"Resubscribed in {source_side.label} after unsubscribing; not carried to {target_side.label}, where "
            "the person is unsubscribed: the sync never re-subscribes anyone who opted out",
        )
    return None
