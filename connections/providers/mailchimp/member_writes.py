"""The engine's writes of an audience's members (the :class:`~..base.Provider` seam, object type
``audience/<list id>``), on top of :mod:`.writes`:

- a create adds the member with the status the connection names (subscribed, or pending with double opt-in),
  or *unsubscribed* when the unsubscribe policy says so: a person opted out in NetSuite joins the audience as
  unsubscribed, never as subscribed;
- an update sends the fields it names (PATCH), then, when the unsubscribe policy writes the status, the
  unsubscribe. Any other status is left unwritten, with a warning: the sync never subscribes anyone;
- a deletion and a "mark deleted" both archive the member (DELETE, reference C.2): Mailchimp keeps its
  history, and it can be added again. A permanent delete is never made (the email could never be added back).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..base import WriteRequest, WriteResult
from ..registry import UNSUBSCRIBED
from .catalog import STATUS
from .objects import list_id_of
from .subscriptions import state_of

NEVER_SUBSCRIBES = "The sync never subscribes anyone in Mailchimp: the member's status was left as it is."


def _writes_status(request: WriteRequest) -> bool:
    return STATUS in request.values and (request.fields is None or STATUS in request.fields)


def _without_status(request: WriteRequest) -> WriteRequest:
    values = {k: v for k, v in request.values.items() if k != STATUS}
    fields = None if request.fields is None else [f for f in request.fields if f != STATUS]
    return replace(request, values=values, fields=fields)


class MemberSeam:
    """The write half of the engine's seam (needs :class:`.writes.MemberWrites`)."""

    def create_many(
        self, object_type: str, requests: list[WriteRequest], *, double_opt_in: bool = False, **scope: Any
    ) -> list[WriteResult]:
        """Add members: ``double_opt_in`` adds them as pending (Mailchimp asks each to confirm)."""
        default = "pending" if double_opt_in else "subscribed"
        statuses = {
            r.key: "unsubscribed" if _writes_status(r) and state_of(r.values[STATUS]) == UNSUBSCRIBED else default
            for r in requests
        }
        return self.create_members(list_id_of(object_type), requests, default, statuses=statuses)

    def update_many(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Change members: the fields each request names, then the unsubscribes it asks for."""
        list_id = list_id_of(object_type)
        results: list[WriteResult | None] = [None] * len(requests)
        sent: list[tuple[int, WriteRequest]] = []
        for index, request in enumerate(requests):
            rest = _without_status(request)
            if rest.fields is not None and not rest.fields or rest.fields is None and not rest.values:
                results[index] = WriteResult(request.key, record_id=request.record_id)  # the status alone
            else:
                sent.append((index, rest))
        for (index, _), result in zip(sent, self.update_members(list_id, [r for _, r in sent]), strict=True):
            results[index] = result
        unsubscribing = []
        for index, request in enumerate(requests):
            result = results[index]
            if result is None or not result.ok or not _writes_status(request):
                continue
            if state_of(request.values[STATUS]) == UNSUBSCRIBED:
                unsubscribing.append((request.record_id, result))
            else:
                result.unwritten.append(STATUS)
                result.warnings.append(NEVER_SUBSCRIBES)
        if unsubscribing:
            errors = self.unsubscribe_members(list_id, [member_id for member_id, _ in unsubscribing])
            for member_id, result in unsubscribing:
                if errors.get(member_id) is not None:
                    result.error = errors[member_id]  # tried again next run (the rest was written, and is again)
        return [r for r in results if r is not None]

    def delete_many(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Archive the members (see the module docstring: never a permanent delete)."""
        return self.archive_members(list_id_of(object_type), requests)

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Archive the members: the deletion policy's "mark" (``Capabilities.deletion_mark`` "archive")."""
        return self.archive_members(list_id_of(object_type), requests)
