"""Which models the change history records, and how.

The models are named by label (``"app.Model"``): this app imports none of
them, so every app may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tracked:
    """How one model's changes are recorded.

    - ``ignore``: fields that are bookkeeping or state, not configuration
      (timestamps, a verification's status);
    - ``secrets``: fields never shown; a change says only that they changed;
    - ``m2m``: many-to-many fields recorded with their object's change;
    - ``connection``: the attribute path to the connection the object belongs
      to, so a connection's history gathers its mappings and rules too.
    """

    label: str
    ignore: frozenset[str] = frozenset()
    secrets: dict[str, str] = field(default_factory=dict)
    m2m: tuple[str, ...] = ()
    connection: str | None = None


TRACKED: tuple[Tracked, ...] = (
    Tracked(
        "connections.ConnectedAccount",
        ignore=frozenset(
            {"created_at", "updated_at", "created_by", "updated_by", "status", "status_message", "verified_at"}
            | {"refused_capabilities"}  # what the engine learned of the account, not an operator's change
        ),
        secrets={"credentials_encrypted": "credentials"},
    ),
    Tracked("connections.Subsidiary", ignore=frozenset({"fetched_at"})),
    Tracked(
        "connections.Connection",
        ignore=frozenset({"created_at", "updated_at", "created_by"}),
        m2m=("owners",),
        connection="pk",
    ),
    Tracked("mappings.FieldMapping", connection="connection_id"),
    Tracked("rules.Rule", connection="connection_id"),
    Tracked("rules.Condition", connection="rule.connection_id"),
    Tracked("rules.Action", connection="rule.connection_id"),
)

BY_LABEL: dict[str, Tracked] = {tracked.label: tracked for tracked in TRACKED}


def tracked_for(model) -> Tracked | None:
    """The tracking of ``model`` (a class or an instance), or None when it is not recorded."""
    return BY_LABEL.get(model._meta.label)
