"""What an account refused once, remembered for a while, so it is not asked again on every run.

Some requests are optional optimisations an account may refuse (NetSuite's
SuiteQL change-count aggregate; a query built from a cached field catalog
that names a field the account no longer has). A refusal is remembered per
account until an expiry (:data:`REFUSAL_MEMORY`), then tried again: an
account's features change (an administrator enables one, a field comes back).

:class:`Capabilities` is plain memory with a hook: the caller
(:func:`connections.clients.client_for`) loads what the account refused from
the database and stores each new refusal there, since runs happen in many
worker processes. No ORM here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

# How long a refusal is remembered before the request is tried again.
REFUSAL_MEMORY = timedelta(days=7)

# The capabilities a NetSuite account may refuse.
SUITEQL_AGGREGATES = "suiteql_aggregates"  # SUM(...) in SuiteQL: the change-count query


def cached_catalog(record_kind: str) -> str:
    """The capability "records can be selected with the cached catalog of ``record_kind``"."""
    return f"cached_catalog:{record_kind}"


class Capabilities:
    """The refusals of one account: ``refused(name)`` until its expiry; ``refuse(name)`` records one.

    ``refused_until`` maps capability names to the time until which they count as
    refused; ``on_refusal(name, until)`` is called for each new refusal (to store it).
    """

    def __init__(
        self,
        refused_until: Mapping[str, datetime] | None = None,
        on_refusal: Callable[[str, datetime], None] | None = None,
        *,
        memory: timedelta = REFUSAL_MEMORY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._until = dict(refused_until or {})
        self._on_refusal = on_refusal
        self._memory = memory
        self._clock = clock

    def refused(self, name: str) -> bool:
        """True while a refusal of ``name`` is remembered (not yet expired)."""
        until = self._until.get(name)
        return until is not None and self._clock() < until

    def refuse(self, name: str) -> None:
        """Remember that the account refused ``name``, until :data:`REFUSAL_MEMORY` from now."""
        until = self._clock() + self._memory
        self._until[name] = until
        if self._on_refusal is not None:
            self._on_refusal(name, until)


def parse_refusals(stored: Mapping[str, str]) -> dict[str, datetime]:
    """``{name: ISO time}`` as stored in JSON, typed; unreadable entries are dropped (tried again)."""
    parsed = {}
    for name, text in stored.items():
        try:
            parsed[name] = datetime.fromisoformat(str(text))
        except ValueError:
            continue
    return parsed
