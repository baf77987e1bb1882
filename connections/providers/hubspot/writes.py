"""Creating, updating and archiving HubSpot objects through the batch endpoints (a mixin of
:class:`.client.HubSpotClient`).

At most 100 inputs a call (:data:`.batching.BATCH_LIMIT`). A 207 fails only the inputs its errors name
(:mod:`.batch_answers`); the others succeed. A whole batch refused for one input (a 400 for a bad value, a
409 for an email another contact has: the batch then fails whole, naming only the first such contact, B.6)
is split in halves until the culprit is alone, so the others are still written.

A create refused with ``Contact already exists. Existing ID: N`` (409) is not a failure: the request is
linked to contact N, and none of its values are written over N's (``WriteResult.unwritten``), never a
duplicate. Our sync key lives in a custom property (:data:`.objects.SYNC_KEY_PROPERTY`) the client creates
in the account the first time it creates records, when it is missing.

A create whose outcome is unknown (timeout, 5xx, garbled answer) is never sent again blindly: the client
searches for its sync key; records not found fail this run with a retryable error (the next read finds
them, by key, if HubSpot did create them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..base import Record, WriteRequest, WriteResult
from ..errors import Conflict, NotFound, ProviderError, ValidationError
from .api_errors import WriteOutcomeUnknown, existing_id, value_holder_id
from .associations import COMPANY_FIELD, split_companies
from .batch_answers import read_batch_answer
from .batching import BATCH_LIMIT, chunks
from .objects import SYNC_KEY_LABEL, SYNC_KEY_PROPERTY, ObjectType, object_type
from .reads import objects_path
from .translation import META_SYNC_KEY, object_to_record, to_properties

if TYPE_CHECKING:
    from .transport import HubSpotTransport

# Errors of one input that a whole batch is refused for: split the batch to find it.
_SPLIT_ON = (ValidationError, Conflict, NotFound)

Item = tuple[int, WriteRequest, dict[str, Any]]


def isolate(items: list[Item], send: Callable[[list[Item]], dict[int, WriteResult]], fail) -> dict[int, WriteResult]:
    """``send(items)``; when the batch is refused for one input's sake, send each half apart, down to
    single inputs, whose own refusal ``fail(item, error)`` turns into their result."""
    if not items:
        return {}
    try:
        return send(items)
    except _SPLIT_ON as exc:
        if len(items) == 1:
            return {items[0][0]: fail(items[0], exc)}
        half = len(items) // 2
        return {**isolate(items[:half], send, fail), **isolate(items[half:], send, fail)}


class ObjectWrites:
    """The client's writes. Uses the client's ``transport``, its catalogs and reads."""

    transport: HubSpotTransport
    _sync_key_ready: set[str]

    # --- entry points ------------------------------------------------------------------------------
    def create_many(self, object_type_name: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Create records, 100 a call, each carrying its request's key in our sync key property."""
        info = object_type(object_type_name)
        if requests:
            self.ensure_sync_key_property(info.name)
        requests, companies = split_companies(requests)
        results = self._in_chunks(info, requests, self._create_chunk, with_key=True)
        # A create linked to a contact HubSpot had already (same email) writes none of its values over it,
        # its company neither.
        for result in results:
            if result.key in companies and result.unwritten:
                result.unwritten.append(COMPANY_FIELD)
        linked = {k: v for k, v in companies.items() if not _linked_only(results, k)}
        self.set_companies(info.name, results, linked, created=True)
        return results

    def update_many(self, object_type_name: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Update records, 100 a call, writing each request's ``fields`` (default: its values' keys)."""
        info = object_type(object_type_name)
        requests, companies = split_companies(requests)
        # A contact whose company is all that changes sends no properties, only its association.
        with_properties = [r for r in requests if (r.fields if r.fields is not None else r.values) or not r.record_id]
        sent = self._in_chunks(info, with_properties, self._update_chunk, with_key=False)
        by_key = {result.key: result for result in sent}
        results = [by_key.get(r.key) or WriteResult(r.key, record_id=r.record_id) for r in requests]
        self.set_companies(info.name, results, companies)
        return results

    def delete_many(self, object_type_name: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Archive records (HubSpot's delete: the recycle bin), 100 a call. One already gone counts as deleted."""
        info = object_type(object_type_name)
        results: list[WriteResult] = []
        for chunk in chunks(requests, BATCH_LIMIT):
            items = [(i, r, {}) for i, r in enumerate(chunk) if r.record_id]
            done = isolate(items, lambda part: self._archive(info, part), self._archive_failed)
            for index, request in enumerate(chunk):
                if request.record_id:
                    results.append(done[index])
                else:
                    results.append(WriteResult(request.key, error=ValidationError("A delete needs the record's id.")))
        return results

    # --- the sync key property -----------------------------------------------------------------------
    def ensure_sync_key_property(self, object_type_name: str) -> None:
        """Create our sync key property when the account lacks it (once per client and object type)."""
        info = object_type(object_type_name)
        if info.name in self._sync_key_ready:
            return
        path = f"/crm/v3/properties/{info.name}"
        try:
            self.transport.request("GET", f"{path}/{SYNC_KEY_PROPERTY}")
        except NotFound:
            try:
                self.transport.request("POST", path, json_body=sync_key_property(info))
            except Conflict:
                pass  # created meanwhile (another worker): it exists, which is all we need
        self._sync_key_ready.add(info.name)

    # --- internals ---------------------------------------------------------------------------------
    def _in_chunks(self, info: ObjectType, requests, send_chunk, *, with_key: bool) -> list[WriteResult]:
        catalog = self._catalog(info)
        results: list[WriteResult] = []
        for chunk in chunks(requests, BATCH_LIMIT):
            ready: dict[int, WriteResult] = {}
            items: list[Item] = []
            for index, request in enumerate(chunk):
                if not with_key and not request.record_id:
                    ready[index] = WriteResult(request.key, error=ValidationError("An update needs the record's id."))
                    continue
                try:
                    properties = to_properties(request.values, catalog, request.fields)
                except ValidationError as exc:
                    ready[index] = WriteResult(request.key, record_id=request.record_id, error=exc)
                    continue
                if with_key:
                    properties[SYNC_KEY_PROPERTY] = request.key
                items.append((index, request, properties))
            ready.update(send_chunk(info, catalog, items))
            results.extend(ready[i] for i in range(len(chunk)))
        return results

    # creates
    def _create_chunk(self, info: ObjectType, catalog, items: list[Item]) -> dict[int, WriteResult]:
        return isolate(items, lambda part: self._create_or_recover(info, catalog, part), self._create_failed(info))

    def _create_or_recover(self, info: ObjectType, catalog, items: list[Item]) -> dict[int, WriteResult]:
        try:
            return self._create(info, catalog, items)
        except WriteOutcomeUnknown as exc:
            return self._recover_creates(info, items, exc)

    def _create(self, info: ObjectType, catalog, items: list[Item]) -> dict[int, WriteResult]:
        body = {"inputs": [{"properties": properties} for _, _, properties in items]}
        answer = self.transport.request(
            "POST", f"{objects_path(info.name)}/batch/create", json_body=body, idempotent=False
        )
        parsed = read_batch_answer(answer)
        by_key = {}
        for obj in parsed.results:
            key = (obj.get("properties") or {}).get(SYNC_KEY_PROPERTY)
            if key:
                by_key.setdefault(str(key), obj)
        # Results are matched by our key, which HubSpot returns among the properties set. If it did not,
        # the order is all there is: only trusted when every input came back (UNCERTAIN whether the
        # order is kept).
        positional = not by_key and len(parsed.results) == len(items)
        results = {}
        for position, (index, request, _) in enumerate(items):
            obj = by_key.get(request.key) or (parsed.results[position] if positional else None)
            if obj is None:
                results[index] = WriteResult(request.key, error=parsed.error_for_missing())
                continue
            record = object_to_record(obj, catalog, info)
            results[index] = WriteResult(request.key, record_id=record.id, record=record)
        return results

    def _create_failed(self, info: ObjectType):
        def fail(item: Item, error: ProviderError) -> WriteResult:
            _, request, _ = item
            holder = existing_id(error.message) if isinstance(error, Conflict) else None
            if holder is None and isinstance(error, ValidationError) and "propertyName=email" in error.message:
                holder = value_holder_id(error.message)  # a create racing the search index (B.6)
            if holder is None:
                return WriteResult(request.key, error=error)
            return self._linked(info, request, holder)

        return fail

    def _linked(self, info: ObjectType, request: WriteRequest, record_id: str) -> WriteResult:
        """The result of a create that found its record already there: linked, nothing written over it."""
        found = self.get_many(info.name, [record_id])
        return WriteResult(
            request.key,
            record_id=record_id,
            record=found[0] if found else None,
            unwritten=list(request.fields if request.fields is not None else request.values),
            warnings=[
                f"HubSpot already has this {info.record_noun} (id {record_id}, same email): linked to it, "
                "and none of its values were written over."
            ],
        )

    def _recover_creates(
        self, info: ObjectType, items: list[Item], error: WriteOutcomeUnknown
    ) -> dict[int, WriteResult]:
        found = self.find_by_keys(info.name, [request.key for _, request, _ in items])
        results = {}
        for index, request, _ in items:
            record = found.get(request.key)
            if record is not None:
                results[index] = WriteResult(request.key, record_id=record.id, record=record)
            else:
                results[index] = WriteResult(request.key, error=error)
        return results

    def find_by_keys(self, object_type_name: str, keys: Sequence[str]) -> dict[str, Record]:
        """Records carrying one of our sync ``keys``, by search (100 keys a search). The search index lags
        "a few moments" (B.3): a record created just now may not be found yet."""
        info = object_type(object_type_name)
        catalog = self._catalog(info)
        properties = self._property_names(info, catalog)
        found: dict[str, Record] = {}
        for chunk in chunks(list(dict.fromkeys(k for k in keys if k)), BATCH_LIMIT):
            body = {
                "filterGroups": [{"filters": [{"propertyName": SYNC_KEY_PROPERTY, "operator": "IN", "values": chunk}]}],
                "properties": properties,
                "limit": 200,
            }
            answer = self.transport.request("POST", f"{objects_path(info.name)}/search", json_body=body)
            for obj in read_batch_answer(answer).results:
                record = object_to_record(obj, catalog, info)
                key = record.meta.get(META_SYNC_KEY)
                if key:
                    found.setdefault(key, record)
        return found

    # updates
    def _update_chunk(self, info: ObjectType, catalog, items: list[Item]) -> dict[int, WriteResult]:
        return isolate(
            items,
            lambda part: self._update(info, catalog, part),
            lambda item, error: WriteResult(item[1].key, record_id=item[1].record_id, error=error),
        )

    def _update(self, info: ObjectType, catalog, items: list[Item]) -> dict[int, WriteResult]:
        body = {"inputs": [{"id": request.record_id, "properties": props} for _, request, props in items]}
        parsed = read_batch_answer(
            self.transport.request("POST", f"{objects_path(info.name)}/batch/update", json_body=body)
        )
        by_id = {str(obj.get("id")): obj for obj in parsed.results}
        results = {}
        for index, request, _ in items:
            rid = str(request.record_id)
            if rid in by_id:
                record = object_to_record(by_id[rid], catalog, info)
                results[index] = WriteResult(request.key, record_id=rid, record=record)
            else:
                error = parsed.errors_by_id.get(rid) or parsed.error_for_missing()
                results[index] = WriteResult(request.key, record_id=rid, error=error)
        return results

    # archives
    def _archive(self, info: ObjectType, items: list[Item]) -> dict[int, WriteResult]:
        body = {"inputs": [{"id": request.record_id} for _, request, _ in items]}
        self.transport.request("POST", f"{objects_path(info.name)}/batch/archive", json_body=body)
        return {index: WriteResult(request.key, record_id=request.record_id) for index, request, _ in items}

    @staticmethod
    def _archive_failed(item: Item, error: ProviderError) -> WriteResult:
        _, request, _ = item
        if isinstance(error, NotFound):
            return WriteResult(request.key, record_id=request.record_id)  # already gone: deleted is deleted
        return WriteResult(request.key, record_id=request.record_id, error=error)


def _linked_only(results: list[WriteResult], key: str) -> bool:
    """Whether the create of ``key`` found its record there already (nothing of ours written over it)."""
    return any(r.key == key and r.unwritten for r in results)


def sync_key_property(info: ObjectType) -> dict[str, Any]:
    """The body that creates our sync key property (``PropertyCreate``: name, label, type, fieldType,
    groupName are required, B.4)."""
    return {
        "name": SYNC_KEY_PROPERTY,
        "label": SYNC_KEY_LABEL,
        "type": "string",
        "fieldType": "text",
        "groupName": info.property_group,
        "description": "Written by the NetSuite contact sync: the key that links this record to its NetSuite record.",
        "formField": False,
    }
