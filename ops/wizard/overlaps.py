"""The wizard's overlap warnings: an account already used by another connection.

Overlapping connections are allowed and made safe by the engine (see
:mod:`syncengine.overlap`); the wizard says so before the connection is made,
naming the connections, so that the person setting it up knows that the
people those connections link are matched or left to them, never created a
second time. The wizard's connection syncs all contacts of its app account
(no app scope), so every connection on that account overlaps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from connections.models import ConnectedAccount, Connection
from syncengine.overlap import scopes_overlap

ENGINE_RULE = (
    "Both connections can then reach the same people. This connection pairs a person it finds in its own records "
    "by email, and never creates a person that another connection already links there: such a record is logged "
    "as “Excluded: linked by another connection”, and the dry run counts them."
)


@dataclass(frozen=True)
class OverlapWarning:
    """One account, the other connections that use it, and what the engine will do about it."""

    account: ConnectedAccount
    connections: list[Connection]

    @property
    def text(self) -> str:
        names = ", ".join(f"“{c.name}” ({_describe(c)})" for c in self.connections)
        used = "is already used by the connection" + ("s " if len(self.connections) > 1 else " ")
        return f"{self.account.label} {used}{names}. {ENGINE_RULE}"


def _describe(connection: Connection) -> str:
    scope = f"contact group {connection.app_scope}" if connection.app_scope else "all contacts"
    records = f"{connection.get_contact_type_display()} of {connection.subsidiary.name}"
    return f"{records} ⇄ {connection.app_account.label}, {scope}"


def overlap_warnings(accounts, *, app_scope: str = "", exclude: Connection | None = None) -> list[OverlapWarning]:
    """A warning per account of ``accounts`` that another connection uses with an overlapping scope
    (a NetSuite account: any connection on it; an app account: a connection whose scope overlaps ``app_scope``).

    One query, whatever the number of accounts; ``exclude`` is the wizard's own draft connection.
    """
    accounts = list(accounts)
    ids = [account.pk for account in accounts]
    others = Connection.objects.filter(netsuite_account_id__in=ids) | Connection.objects.filter(app_account_id__in=ids)
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    by_account: dict[int, list[Connection]] = {}
    for connection in others.select_related("subsidiary", "app_account").order_by("name", "pk"):
        by_account.setdefault(connection.netsuite_account_id, []).append(connection)
        if scopes_overlap(connection.app_scope, app_scope):
            by_account.setdefault(connection.app_account_id, []).append(connection)
    return [OverlapWarning(account, by_account[account.pk]) for account in accounts if by_account.get(account.pk)]
