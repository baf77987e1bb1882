"""Writing an audience's members (reference C.2, C.4): new members by batch subscribe, changes by PATCH, and
archiving by DELETE. What is never done: a status sent with a change (only the subscription policy writes a
status, and never a re-subscribe), or a member added again after a permanent delete (Mailchimp refuses it).

A new member's id is known before it exists (the MD5 of its email), so a batch subscribe is safe to send
again: with ``update_existing`` false, a member that is there already comes back as ``ERROR_CONTACT_EXISTS``,
and its request is *linked* to it, none of its values written over (``WriteResult.unwritten``), as HubSpot's
409 is.
"""

from __future__ import annotations

from typing import Any

from ..base import WriteRequest, WriteResult
from ..errors import MalformedResponse, NotFound, ProviderError, ValidationError
from .api_errors import ForgottenEmail
from .catalog import EMAIL
from .keys import subscriber_hash
from .parallel import errors_of, in_parallel
from .translation import member_body, record_of

BATCH = 500  # batch subscribe's maximum (reference C.4)
NEW_MEMBER_STATUSES = ("subscribed", "pending")  # pending: double opt-in, Mailchimp asks the person first
# An address permanently deleted from the audience: no call can add it again (reference C.2), so the sync
# never will; ops staff must know it is not a passing error.
FORGOTTEN = (
    "The sync can never add it again: Mailchimp's API refuses a permanently deleted address for good; only the "
    "person can re-subscribe, through one of the audience's sign-up forms. The record is not tried again until "
    "it changes."
)


def _email(request: WriteRequest) -> str:
    return str(request.values.get(EMAIL) or "").strip()


class MemberWrites:
    """The write half of :class:`~.client.MailchimpClient` (needs ``self.transport``)."""

    transport: Any

    def create_members(
        self,
        list_id: str,
        requests: list[WriteRequest],
        status_if_new: str,
        *,
        statuses: dict[str, str] | None = None,
    ) -> list[WriteResult]:
        """Add ``requests`` as new members with ``status_if_new`` (subscribed, or pending for double opt-in),
        500 a call; one result per request, in order. ``statuses``: another status for some requests (by
        key): *unsubscribed*, for a person opted out already (never a status that subscribes anyone else)."""
        if status_if_new not in NEW_MEMBER_STATUSES:
            raise ValueError(f"a new member is {' or '.join(NEW_MEMBER_STATUSES)}, not {status_if_new!r}")
        own = {key: status for key, status in (statuses or {}).items() if status != status_if_new}
        if any(status not in (*NEW_MEMBER_STATUSES, "unsubscribed") for status in own.values()):
            raise ValueError(f"a new member is {', '.join(NEW_MEMBER_STATUSES)} or unsubscribed")
        results: dict[str, WriteResult] = {}
        for start in range(0, len(requests), BATCH):
            chunk = requests[start : start + BATCH]
            sendable = []
            for request in chunk:
                if not _email(request):
                    results[request.key] = WriteResult(request.key, error=ValidationError("A member needs an email."))
                else:
                    sendable.append(request)
            if sendable:
                results.update(self._subscribe(list_id, sendable, status_if_new, own))
        return [results[r.key] for r in requests]

    def _subscribe(
        self, list_id: str, requests: list[WriteRequest], status: str, statuses: dict[str, str]
    ) -> dict[str, WriteResult]:
        body = {
            "members": [
                {**member_body(r.values, r.fields), "email_address": _email(r), "status": statuses.get(r.key, status)}
                for r in requests
            ],
            "update_existing": False,
        }
        answer = self.transport.request("POST", f"/lists/{list_id}", json_body=body)
        by_email = {_email(r).lower(): r for r in requests}
        results: dict[str, WriteResult] = {}
        for member in answer.get("new_members") or []:
            request = by_email.get(str(member.get("email_address") or "").lower())
            if request is not None:
                record = record_of(member)
                results[request.key] = WriteResult(request.key, record_id=record.id, record=record)
        for error in answer.get("errors") or []:
            request = by_email.get(str(error.get("email_address") or "").lower())
            if request is None or request.key in results:
                continue
            results[request.key] = self._failed_add(request, error)
        for request in requests:
            if request.key not in results:
                results[request.key] = WriteResult(
                    request.key,
                    error=MalformedResponse(f"Mailchimp's batch answer does not mention {_email(request)}."),
                )
        return results

    @staticmethod
    def _failed_add(request: WriteRequest, error: dict[str, Any]) -> WriteResult:
        text = str(error.get("error") or "refused")
        field = error.get("field")
        if error.get("field_message"):
            text = f"{text} ({field}: {error['field_message']})" if field else f"{text} ({error['field_message']})"
        if error.get("error_code") == "ERROR_CONTACT_EXISTS":
            return WriteResult(
                request.key,
                record_id=subscriber_hash(_email(request)),
                unwritten=list(request.fields if request.fields is not None else request.values),
                warnings=[
                    "Mailchimp already has this member (same email): linked to it, and none of its values were "
                    "written over."
                ],
            )
        said = f"Mailchimp refused {_email(request)}: {text}"
        if "permanently deleted" in text:
            return WriteResult(request.key, error=ForgottenEmail(f"{said}. {FORGOTTEN}", path=field))
        return WriteResult(request.key, error=ValidationError(said, path=field))

    def update_members(self, list_id: str, requests: list[WriteRequest]) -> list[WriteResult]:
        """Change members (``record_id``: the member id), only the fields each request names; never a status.
        One PATCH a member, side by side (:func:`.parallel.in_parallel`). A member's error (a refusal, or a 429
        or 5xx still there after the retries) fails that member only: the others were written, and say so."""

        def update(request: WriteRequest) -> WriteResult:
            body = member_body(request.values, request.fields)
            try:
                member = self.transport.request(
                    "PATCH", f"/lists/{list_id}/members/{request.record_id}", json_body=body
                )
            except ProviderError as error:
                return WriteResult(request.key, error=error)
            record = record_of(member) if member else None
            # A new email moves the member to its hash (sandbox UNCERTAIN 16): the link must follow.
            moved = record.id if record is not None and record.id and record.id != request.record_id else ""
            return WriteResult(request.key, record_id=moved or request.record_id, record=record, moved_to=moved)

        return in_parallel(update, requests)

    def unsubscribe_members(self, list_id: str, member_ids: list[str]) -> dict[str, ProviderError | None]:
        """Set members to *unsubscribed* (the unsubscribe policy; never any other status): by member id, None
        when done, else the error."""

        def unsubscribe(member_id: str) -> None:
            self.transport.request(
                "PATCH", f"/lists/{list_id}/members/{member_id}", json_body={"status": "unsubscribed"}
            )

        return dict(zip(member_ids, errors_of(unsubscribe, member_ids), strict=True))

    def archive_members(self, list_id: str, requests: list[WriteRequest]) -> list[WriteResult]:
        """Archive members (the deletion policy's "mark": Mailchimp keeps their history); one already gone
        counts as archived."""

        def archive(request: WriteRequest) -> WriteResult:
            try:
                self.transport.request("DELETE", f"/lists/{list_id}/members/{request.record_id}")
            except NotFound:
                pass
            except ProviderError as error:
                return WriteResult(request.key, error=error)
            return WriteResult(request.key, record_id=request.record_id)

        return in_parallel(archive, requests)
