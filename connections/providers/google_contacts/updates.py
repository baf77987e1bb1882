"""Updating Google contacts in batches: each from the person last read and its etag, a stale etag read
again and retried once (a mixin of :class:`.client.GoogleContactsClient`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..base import WriteRequest, WriteResult
from ..errors import Conflict, NotFound, ProviderError, ValidationError
from .api_errors import malformed
from .person_fields import READ_MASK, READ_SOURCES, person_field_for
from .translation import MY_CONTACTS_GROUP, apply_values, with_groups, writable_snapshot
from .write_batches import RECORD_LEVEL_ERRORS, isolate

if TYPE_CHECKING:
    from .transport import GoogleApiTransport


@dataclass
class _Update:
    """One update request being worked on: its position in the chunk and the canonical fields it writes."""

    index: int
    request: WriteRequest
    fields: list[str]

    @property
    def id(self) -> str:
        return self.request.record_id or ""


class ContactUpdates:
    """The client's updates, called chunk by chunk from :meth:`.writes.ContactWrites.update_many`.

    Uses the client's ``transport``, its batch reads and ``_write_result``.
    """

    transport: GoogleApiTransport

    def _update_chunk(self, chunk: list[WriteRequest], group: str | None) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        plans: list[_Update] = []
        seen_ids: set[str] = set()
        for index, request in enumerate(chunk):
            fields = list(dict.fromkeys(request.fields if request.fields is not None else request.values))
            try:
                for field_id in fields:
                    person_field_for(field_id)
                if not request.record_id:
                    raise ValidationError("An update needs the contact's resource name.", path="record_id")
                if request.record_id in seen_ids:
                    raise ValidationError(f"{request.record_id} is updated twice in one batch.", path="record_id")
            except ValidationError as exc:
                results[index] = WriteResult(request.key, record_id=request.record_id, error=exc)
                continue
            seen_ids.add(request.record_id)
            if not fields:
                results[index] = WriteResult(request.key, record_id=request.record_id)
                continue
            plans.append(_Update(index, request, fields))

        bases: dict[str, dict[str, Any]] = {}
        to_read = []
        for plan in plans:
            meta = plan.request.meta or {}
            if meta.get("etag") and isinstance(meta.get("person"), dict):
                bases[plan.id] = dict(meta["person"], etag=meta["etag"])
            else:
                to_read.append(plan.id)
        fresh = self._batch_get(to_read) if to_read else {}
        for plan_id, person in fresh.items():
            bases[plan_id] = writable_snapshot(person)
        ready = []
        for plan in plans:
            if plan.id in bases:
                ready.append(plan)
            else:
                results[plan.index] = WriteResult(
                    plan.request.key, record_id=plan.id, error=NotFound(f"Contact {plan.id} does not exist.")
                )
        self._send_updates(ready, bases, group, results, retry_stale=True)
        return [results[i] for i in range(len(chunk))]

    def _send_updates(
        self,
        plans: list[_Update],
        bases: dict[str, dict[str, Any]],
        group: str | None,
        results: dict[int, WriteResult],
        *,
        retry_stale: bool,
    ) -> None:
        """Update ``plans`` from ``bases``; stale contacts are read again and retried once."""
        if not plans:
            return

        def send(part: list[_Update]) -> dict[int, WriteResult]:
            return self._send_update_batch(part, bases, group)

        def fail(part: list[_Update], error: ProviderError) -> dict[int, WriteResult]:
            return {p.index: WriteResult(p.request.key, record_id=p.id, error=error) for p in part}

        try:
            outcome = send(plans)
        except Conflict as exc:
            # A stale etag somewhere in the batch (400 FAILED_PRECONDITION); Google does not
            # document which one. First time: re-read them all. After that: isolate the culprits.
            outcome = fail(plans, exc) if retry_stale else isolate(plans, exc, send, fail)
        except RECORD_LEVEL_ERRORS as exc:
            outcome = isolate(plans, exc, send, fail)
        stale = [p for p in plans if isinstance(outcome[p.index].error, Conflict)]
        results.update(outcome)
        if stale and retry_stale:
            self._retry_stale(stale, group, results)

    def _send_update_batch(
        self, plans: list[_Update], bases: dict[str, dict[str, Any]], group: str | None
    ) -> dict[int, WriteResult]:
        # One mask per call (the API has no per-contact mask): the union of the
        # person fields behind this batch's mapped fields. A contact that does not
        # change one of them sends it back as read, guarded by its etag.
        mask_fields = sorted({person_field_for(f) for plan in plans for f in plan.fields})
        contacts = {}
        for plan in plans:
            base = bases[plan.id]
            person: dict[str, Any] = apply_values(base, plan.request.values, plan.fields, mask_fields=mask_fields)
            if "memberships" in person:
                # Keep the connection's scope group, and never leave a contact without a group (Google refuses it).
                memberships = with_groups(person["memberships"], [group])
                person["memberships"] = memberships or with_groups([], [MY_CONTACTS_GROUP])
            person["resourceName"] = plan.id
            person["etag"] = base.get("etag")
            if base.get("metadata"):
                person["metadata"] = base["metadata"]
            contacts[plan.id] = person
        body = {
            "contacts": contacts,
            "updateMask": ",".join(mask_fields),
            "readMask": READ_MASK,
            "sources": list(READ_SOURCES),
        }
        answer = self.transport.request("POST", "v1/people:batchUpdateContacts", json_body=body)
        update_result = answer.get("updateResult")
        update_result = update_result if isinstance(update_result, dict) else {}
        group_names = self._group_name_map()
        results = {}
        for plan in plans:
            response = update_result.get(plan.id)
            if isinstance(response, dict):
                results[plan.index] = self._write_result(plan.request, response, group_names)
            else:
                error = malformed(f"batchUpdateContacts answered nothing for {plan.id}")
                results[plan.index] = WriteResult(plan.request.key, record_id=plan.id, error=error)
        return results

    def _retry_stale(self, plans: list[_Update], group: str | None, results: dict[int, WriteResult]) -> None:
        """Read the contacts again and re-apply only our fields onto them, once:
        whatever changed on Google's side meanwhile is kept."""
        fresh = self._batch_get([p.id for p in plans])
        bases = {plan_id: writable_snapshot(person) for plan_id, person in fresh.items()}
        ready = []
        for plan in plans:
            if plan.id in bases:
                ready.append(plan)
            else:
                error = NotFound(f"Contact {plan.id} was deleted while it was being updated.")
                results[plan.index] = WriteResult(plan.request.key, record_id=plan.id, error=error)
        self._send_updates(ready, bases, group, results, retry_stale=False)
