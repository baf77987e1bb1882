"""A change of mappings or rules reaches the pairs already synced.

Each link remembers the fingerprint of the configuration it was last planned
with (``RecordLink.config_fingerprint``). The fingerprint covers whatever
changes what a plan writes: the active mappings (fields, directions, types)
and the rules of both directions (conditions, actions, order, enabled). When
it differs from the current one, the next run re-plans the pair from the
mirror (the values already read; no API is read again) and writes only what
the new configuration changes (:meth:`syncengine.runner.Runner._replan_stale`).

A mapping new to a link has no base in the link's snapshots (which are per
field, and may hold the same field for another mapping): it is merged as never
synced (:func:`new_slots`). The mappings each fingerprint had are kept in
:class:`~syncengine.models.PlannedConfiguration`.

The unsubscribe policy is in it when it is on (it writes). The conflict policy and deletion policies are
not in the fingerprint: they decide between changes, and a re-plan has none but the configuration's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict

from connections.models import Connection

from .choices import LinkState
from .merge import Slot
from .models import PlannedConfiguration, RecordLink
from .sync_config import SyncConfig


def config_fingerprint(config: SyncConfig) -> str:
    """The fingerprint of what a plan of ``config`` writes (pure)."""
    payload = {
        "slots": [
            [slot.netsuite.id, slot.app.id, slot.to_app, slot.to_netsuite, slot.netsuite.type, slot.app.type]
            for slot in config.slots
        ],
        "to_app": [asdict(rule) for rule in config.rules_to_app],
        "to_netsuite": [asdict(rule) for rule in config.rules_to_netsuite],
    }
    if config.subscriptions is not None:
        # Turning unsubscribes on (or another way) re-plans the linked pairs: the unsubscribes already
        # there are carried by the next run. Off leaves the fingerprints of before.
        payload["subscriptions"] = config.subscriptions.policy
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def new_slots(
    slots: Iterable[Slot],
    planned: frozenset[str] | None,
    netsuite_snapshot: Mapping | None,
    app_snapshot: Mapping | None,
) -> frozenset[str]:
    """The keys of the slots new to a link planned with the mappings ``planned`` (pure).

    ``planned`` is None when the link's configuration is unknown (links synced
    before fingerprints existed): a slot then counts as new when exactly one
    side's snapshot holds a value for it, the trace of a mapping that never
    flowed (a second mapping reading a field another mapping already syncs).
    Merged without base, such a slot only fills the empty side; it never
    overwrites a value.
    """
    ns_snapshot, app_snapshot = netsuite_snapshot or {}, app_snapshot or {}
    if planned is not None:
        return frozenset(slot.key for slot in slots if slot.key not in planned)
    return frozenset(slot.key for slot in slots if (slot.netsuite.id in ns_snapshot) != (slot.app.id in app_snapshot))


def remember(connection: Connection, fingerprint: str, config: SyncConfig) -> None:
    """Keep the mappings of the configuration ``fingerprint`` (once per configuration)."""
    PlannedConfiguration.objects.get_or_create(
        connection=connection, fingerprint=fingerprint, defaults={"slots": [slot.key for slot in config.slots]}
    )


def planned_slots(connection: Connection) -> dict[str, frozenset[str]]:
    """The mappings (slot keys) of each configuration the connection's links were planned with."""
    return {
        fingerprint: frozenset(slots)
        for fingerprint, slots in PlannedConfiguration.objects.filter(connection=connection).values_list(
            "fingerprint", "slots"
        )
    }


def stale_links(connection: Connection, fingerprint: str):
    """The linked pairs last planned with another configuration than ``fingerprint``."""
    return RecordLink.objects.filter(connection=connection, state=LinkState.LINKED).exclude(
        config_fingerprint=fingerprint
    )


def stale_link_count(connection: Connection) -> int:
    """How many linked pairs the next run re-plans (the current configuration, from the database only)."""
    from .config_loader import load_config

    return stale_links(connection, config_fingerprint(load_config(connection))).count()
