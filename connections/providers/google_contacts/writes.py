"""Creating and deleting Google contacts in batches, and the common plumbing of the writes (a mixin of
:class:`.client.GoogleContactsClient`; updates are in :mod:`.updates`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import WriteRequest, WriteResult
from ..errors import NotFound, ValidationError
from .api_errors import WriteOutcomeUnknown, error_from_status, malformed
from .batching import BATCH_CREATE_LIMIT, BATCH_DELETE_LIMIT, BATCH_UPDATE_LIMIT
from .person_fields import READ_MASK, READ_SOURCES
from .translation import IDEMPOTENCY_KEY, client_data, new_person, person_to_record
from .write_batches import RECORD_LEVEL_ERRORS, isolate, run_chunks

if TYPE_CHECKING:
    from .transport import GoogleApiTransport


class ContactWrites:
    """The entry points of every write (chunked by :func:`.write_batches.run_chunks`), creates and deletes.

    A create whose outcome is unknown is recovered by idempotency key (:meth:`.reads.ContactReads.find_by_keys`).
    Uses the client's ``transport``, ``_check``, its reads and group names; the updates themselves are
    :class:`.updates.ContactUpdates`.
    """

    transport: GoogleApiTransport

    # --- writing ----------------------------------------------------------------------
    def create_many(
        self, object_type: str, requests: list[WriteRequest], *, group: str | None = None
    ) -> list[WriteResult]:
        """Create contacts, 200 per call, each tagged with its request key in
        clientData; with ``group``, each new contact joins that group."""
        self._check(object_type)
        return run_chunks(requests, BATCH_CREATE_LIMIT, lambda chunk: self._create_chunk(chunk, group))

    def update_many(
        self, object_type: str, requests: list[WriteRequest], *, group: str | None = None
    ) -> list[WriteResult]:
        """Update contacts, 200 per call, writing only the person fields behind each
        request's ``fields`` (default: the keys of its ``values``).

        Each update starts from the person in ``request.meta`` and its etag (or
        from a fresh read when the meta lacks them). A stale etag makes the
        contact be read again and only our fields be re-applied, once.
        """
        self._check(object_type)
        return run_chunks(requests, BATCH_UPDATE_LIMIT, lambda chunk: self._update_chunk(chunk, group))

    def delete_many(
        self, object_type: str, requests: list[WriteRequest], *, group: str | None = None
    ) -> list[WriteResult]:
        """Delete contacts, 500 per call. A contact that is already gone counts as deleted."""
        self._check(object_type)
        return run_chunks(requests, BATCH_DELETE_LIMIT, self._delete_chunk)

    # --- internals: creates -----------------------------------------------------------
    def _create_chunk(self, chunk: list[WriteRequest], group: str | None) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        items: list[tuple[int, WriteRequest, dict[str, Any]]] = []
        for index, request in enumerate(chunk):
            try:
                items.append((index, request, new_person(request.values, request.key, group=group)))
            except ValidationError as exc:
                results[index] = WriteResult(request.key, error=exc)
        try:
            results.update(self._create_batch(items))
        except WriteOutcomeUnknown:
            results.update(self._recover_creates(items))
        return [results[i] for i in range(len(chunk))]

    def _create_batch(self, items: list[tuple[int, WriteRequest, dict[str, Any]]]) -> dict[int, WriteResult]:
        """Create ``items``; a batch refused for one bad contact is split to isolate it."""
        if not items:
            return {}
        try:
            return self._send_creates(items)
        except RECORD_LEVEL_ERRORS as exc:
            return isolate(
                items,
                exc,
                self._send_creates,
                lambda part, error: {index: WriteResult(request.key, error=error) for index, request, _ in part},
            )

    def _send_creates(self, items: list[tuple[int, WriteRequest, dict[str, Any]]]) -> dict[int, WriteResult]:
        body = {
            "contacts": [{"contactPerson": person} for _, _, person in items],
            "readMask": READ_MASK,
            "sources": list(READ_SOURCES),
        }
        answer = self.transport.request("POST", "v1/people:batchCreateContacts", json_body=body, idempotent=False)
        created = answer.get("createdPeople")
        if not isinstance(created, list):
            raise WriteOutcomeUnknown("Google People API: batchCreateContacts answered without createdPeople.")
        by_key = {}
        for response in created:
            key = client_data((response or {}).get("person") or {}).get(IDEMPOTENCY_KEY)
            if key is not None:
                by_key.setdefault(key, response)
        group_names = self._group_name_map()
        results = {}
        for position, (index, request, _) in enumerate(items):
            response = by_key.get(request.key) or (created[position] if position < len(created) else None)
            if not isinstance(response, dict):
                raise WriteOutcomeUnknown("Google People API: batchCreateContacts answered fewer people than sent.")
            results[index] = self._write_result(request, response, group_names)
        return results

    def _recover_creates(self, items: list[tuple[int, WriteRequest, dict[str, Any]]]) -> dict[int, WriteResult]:
        """After a create whose outcome is unknown: keep what Google did create
        (found by key), create the rest once more."""
        existing = self.find_by_keys(request.key for _, request, _ in items)
        results = {
            index: WriteResult(request.key, record_id=existing[request.key].id, record=existing[request.key])
            for index, request, _ in items
            if request.key in existing
        }
        missing = [item for item in items if item[1].key not in existing]
        try:
            results.update(self._create_batch(missing))
        except WriteOutcomeUnknown as exc:
            results.update({index: WriteResult(request.key, error=exc) for index, request, _ in missing})
        return results

    def _write_result(self, request: WriteRequest, response: dict[str, Any], group_names) -> WriteResult:
        label = request.record_id or request.key
        error = error_from_status(response.get("status"), record=label)
        person = response.get("person")
        if error is not None:
            return WriteResult(request.key, record_id=request.record_id, error=error)
        if not person or not person.get("resourceName"):
            return WriteResult(request.key, record_id=request.record_id, error=malformed(f"no person for {label}"))
        record = person_to_record(person, group_names)
        return WriteResult(request.key, record_id=record.id, record=record)

    # --- internals: deletes -----------------------------------------------------------
    def _delete_chunk(self, chunk: list[WriteRequest]) -> list[WriteResult]:
        names = list(dict.fromkeys(r.record_id for r in chunk if r.record_id))
        if names:
            try:
                self.transport.request("POST", "v1/people:batchDeleteContacts", json_body={"resourceNames": names})
            except NotFound:
                # One name already gone fails the call: delete the ones that remain.
                remaining = list(self._batch_get(names))
                if remaining:
                    self.transport.request(
                        "POST", "v1/people:batchDeleteContacts", json_body={"resourceNames": remaining}
                    )
        return [
            WriteResult(r.key, record_id=r.record_id)
            if r.record_id
            else WriteResult(r.key, error=ValidationError("A delete needs the contact's resource name."))
            for r in chunk
        ]
