"""The Google Contacts provider: People API v1 calls translated to plain records.

Object type ``contacts`` only. A connection may be scoped to one contact group
(``group="contactGroups/..."``): reads then return only its members and
creates add new contacts to it. Writes are sequential (Google asks for that
per user) and batched: 200 per create or update call, 500 per delete call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..base import ChangePage, Provider, Record, WriteRequest, WriteResult
from ..errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    Unavailable,
    ValidationError,
)
from ..fields import FieldOption, FieldSpec
from .api_errors import ExpiredSyncToken, WriteOutcomeUnknown, error_from_status, malformed
from .batching import (
    BATCH_CREATE_LIMIT,
    BATCH_DELETE_LIMIT,
    BATCH_GET_LIMIT,
    BATCH_UPDATE_LIMIT,
    chunks,
    member_changes,
)
from .catalog import build_catalog
from .oauth import GoogleOAuthEndpoints
from .person_fields import READ_MASK, READ_SOURCES, USER_DEFINED_PREFIX, person_field_for
from .translation import (
    IDEMPOTENCY_KEY,
    MY_CONTACTS_GROUP,
    apply_values,
    client_data,
    contact_items,
    memberships_of,
    new_person,
    person_to_record,
    with_groups,
    writable_snapshot,
)
from .transport import GoogleApiTransport, TokenUpdater

T = TypeVar("T")

OBJECT_TYPE = "contacts"
# The group a contact is moved to when its NetSuite record was deleted and the policy is "mark".
DELETED_GROUP_NAME = "Deleted in NetSuite"
CONNECTIONS_PATH = "v1/people/me/connections"
ASSIGNABLE_SYSTEM_GROUPS = (MY_CONTACTS_GROUP, "contactGroups/starred")
# Errors that say the account, not the record, is in trouble: later batches would fail the same way.
_ACCOUNT_LEVEL_ERRORS = (AuthenticationError, PermissionDenied, RateLimited, Unavailable)
# Errors one bad contact can cause for a whole batch: split the batch to isolate it.
_RECORD_LEVEL_ERRORS = (ValidationError, NotFound)


@dataclass
class _Update:
    """One update request being worked on: its position in the chunk and the canonical fields it writes."""

    index: int
    request: WriteRequest
    fields: list[str]

    @property
    def id(self) -> str:
        return self.request.record_id or ""


class GoogleContactsClient(Provider):
    """Client of one Google account's contacts (see the module docstring).

    ``credentials`` is ``{"refresh_token", "access_token"?, "expires_at"?}``;
    refreshed credentials go to ``token_updater`` for the caller to store.
    """

    key = "google_contacts"
    object_types = (OBJECT_TYPE,)

    def __init__(
        self,
        account_email: str,
        credentials: dict[str, Any],
        *,
        client_id: str,
        client_secret: str,
        base_url: str | None = None,
        token_updater: TokenUpdater | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 1.0,
    ):
        self.account_email = account_email
        self.endpoints = GoogleOAuthEndpoints.for_base_url(base_url)
        self.transport = GoogleApiTransport(
            self.endpoints,
            client_id=client_id,
            client_secret=client_secret,
            credentials=credentials,
            token_updater=token_updater,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
        )
        self._user_defined_keys: set[str] = set()
        self._group_names: dict[str, str] | None = None
        self._deleted_group: str | None = None

    def __repr__(self) -> str:
        return f"<GoogleContactsClient {self.account_email or '?'} at {self.endpoints.api_base_url}>"

    @property
    def credentials(self) -> dict[str, Any]:
        """The current credentials (after any refresh)."""
        return self.transport.credentials

    def close(self) -> None:
        self.transport.close()

    # --- account ------------------------------------------------------------
    def verify(self) -> dict[str, Any]:
        """Check the grant: learn the account's email and make sure contacts can be read.

        Returns ``{"email", "account_id", "resource_name"}``. Raises
        :class:`AuthenticationError` when the credentials belong to another
        account than ``account_email`` (when that is set).
        """
        me = self.transport.request("GET", "v1/people/me", params={"personFields": "emailAddresses"})
        emails = sorted(
            (e for e in me.get("emailAddresses") or [] if isinstance(e, dict) and e.get("value")),
            key=lambda e: not (e.get("metadata") or {}).get("primary"),
        )
        if not emails:
            raise AuthenticationError(
                "Google did not tell which account this is (no email on people/me); reconnect the Google account."
            )
        email = str(emails[0]["value"]).strip()
        if self.account_email and email.lower() != self.account_email.strip().lower():
            raise AuthenticationError(
                f"These credentials belong to the Google account {email}, not {self.account_email}; "
                "reconnect the right account."
            )
        # The email scope alone would pass the call above; this one needs the contacts scope.
        self.transport.request(
            "GET", CONNECTIONS_PATH, params={"personFields": "metadata", "pageSize": 1, "sources": READ_SOURCES}
        )
        return {"email": email, "account_id": email, "resource_name": me.get("resourceName")}

    # --- catalog and groups ------------------------------------------------------
    def field_catalog(self, object_type: str) -> list[FieldSpec]:
        """Standard fields, memberships (options: the contact groups), and a custom
        field per userDefined key (from the last read, else from one page of contacts)."""
        self._check(object_type)
        groups = self.contact_groups()
        if not self._user_defined_keys:
            page = self.transport.request(
                "GET",
                CONNECTIONS_PATH,
                params={"personFields": "userDefined", "pageSize": 1000, "sources": READ_SOURCES},
            )
            for person in page.get("connections") or []:
                self._learn_user_defined(person)
        return build_catalog(groups, self._user_defined_keys)

    def contact_groups(self) -> list[FieldOption]:
        """The groups a contact can be put in: My Contacts, Starred and the user's own labels."""
        groups = self._list_groups()
        system = [g for g in groups if g["resourceName"] in ASSIGNABLE_SYSTEM_GROUPS]
        system.sort(key=lambda g: ASSIGNABLE_SYSTEM_GROUPS.index(g["resourceName"]))
        user = [g for g in groups if g.get("groupType") == "USER_CONTACT_GROUP"]
        user.sort(key=lambda g: str(g.get("name") or "").lower())
        return [FieldOption(g["resourceName"], self._group_label(g)) for g in system + user]

    def create_contact_group(self, name: str) -> FieldOption:
        """Create a contact group (label); an existing group of that name is returned as is."""
        name = name.strip()
        if not name:
            raise ValidationError("A contact group needs a name.", path="name")
        try:
            group = self.transport.request("POST", "v1/contactGroups", json_body={"contactGroup": {"name": name}})
        except Conflict:
            # Names are unique per user (409): a retried create, or a group made by hand.
            existing = next((g for g in self._list_groups() if g.get("name") == name), None)
            if existing is None:
                raise
            return FieldOption(existing["resourceName"], self._group_label(existing))
        self._group_names = None
        if not group.get("resourceName"):
            raise malformed("contactGroups.create answered without a resourceName")
        return FieldOption(group["resourceName"], self._group_label(group) or name)

    def modify_group_members(
        self, group: str, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> dict[str, list[str]]:
        """Add contacts to and remove contacts from ``group`` (for "add to group" /
        "remove from group" rule actions). Returns ``{"not_found", "cannot_remove_last"}``:
        contacts that do not exist, and contacts kept because it is their only group."""
        if not group.startswith("contactGroups/"):
            raise ValidationError(f"{group!r} is not a contact group resource name.", path="group")
        not_found: list[str] = []
        cannot_remove_last: list[str] = []
        for add_part, remove_part in member_changes(add, remove):
            body: dict[str, list[str]] = {}
            if add_part:
                body["resourceNamesToAdd"] = add_part
            if remove_part:
                body["resourceNamesToRemove"] = remove_part
            answer = self.transport.request("POST", f"v1/{group}/members:modify", json_body=body)
            not_found += answer.get("notFoundResourceNames") or []
            cannot_remove_last += answer.get("canNotRemoveLastContactGroupResourceNames") or []
        return {"not_found": not_found, "cannot_remove_last": cannot_remove_last}

    # The provider interface's names for groups (the engine and rules use these).
    def groups(self) -> list[FieldOption]:
        """:meth:`contact_groups`."""
        return self.contact_groups()

    def create_group(self, name: str) -> FieldOption:
        """:meth:`create_contact_group`."""
        return self.create_contact_group(name)

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **_: Any) -> list[WriteResult]:
        """Move the contacts to the group :data:`DELETED_GROUP_NAME` (created once per client), the
        Google way of marking a contact deleted in NetSuite without deleting it."""
        self._check(object_type)
        try:
            if self._deleted_group is None:
                self._deleted_group = self.create_contact_group(DELETED_GROUP_NAME).id
            self.modify_group_members(self._deleted_group, add=[r.record_id for r in requests if r.record_id])
        except ProviderError as exc:
            return [WriteResult(key=r.key, error=exc) for r in requests]
        return [WriteResult(key=r.key, record_id=r.record_id) for r in requests]

    # --- reading ----------------------------------------------------------------------
    def read_changes(
        self, object_type: str, cursor: str | None, *, group: str | None = None, page_size: int = 1000
    ) -> Iterator[ChangePage]:
        """Pages of contacts changed since ``cursor`` (a sync token), deletions included.

        Without a cursor, or when Google says the token expired, everything is
        read (``full_read=True``). The new cursor comes on the last page only.
        With ``group``, contacts outside the group are left out (a contact that
        left the group is not reported as deleted: it still exists); deletions
        are all reported, as a tombstone does not say which groups it was in.
        """
        self._check(object_type)
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        self._list_groups()  # fresh group names for memberships (labels made by hand since the last read)
        group_names = self._group_name_map()
        params: dict[str, Any] = {
            "personFields": READ_MASK,
            "pageSize": page_size,
            "requestSyncToken": "true",
            "sources": READ_SOURCES,
        }
        if cursor:
            params["syncToken"] = cursor
        full_read = not cursor
        page_token: str | None = None
        seen_tokens: set[str] = set()
        while True:
            # Google requires every page to repeat the first call's parameters.
            call = dict(params, pageToken=page_token) if page_token else params
            try:
                answer = self.transport.request("GET", CONNECTIONS_PATH, params=call)
            except ProviderError as exc:
                expired = isinstance(exc, ExpiredSyncToken) or exc.status == 410  # 410: older documented answer
                if expired and page_token is None and "syncToken" in params:
                    params.pop("syncToken")
                    full_read = True
                    continue
                raise
            records = []
            for person in answer.get("connections") or []:
                record = person_to_record(person, group_names)
                self._learn_user_defined(person)
                if group and not record.deleted and group not in memberships_of(person):
                    continue
                records.append(record)
            page_token = answer.get("nextPageToken") or None
            if page_token in seen_tokens:
                raise malformed("connections.list returned the same page token twice")
            if page_token:
                seen_tokens.add(page_token)
                yield ChangePage(records=records, full_read=full_read)
                continue
            yield ChangePage(records=records, cursor=answer.get("nextSyncToken"), last=True, full_read=full_read)
            return

    def get_many(self, object_type: str, ids: list[str], *, group: str | None = None) -> list[Record]:
        """The contacts with these resource names, in that order; missing ones (and, with
        ``group``, non-members) are left out."""
        self._check(object_type)
        ids = list(dict.fromkeys(ids))
        people = self._batch_get(ids)
        group_names = self._group_name_map()
        records = []
        for resource_name in ids:
            person = people.get(resource_name)
            if person is None or (group and group not in memberships_of(person)):
                continue
            self._learn_user_defined(person)
            records.append(person_to_record(person, group_names))
        return records

    def find_by_keys(self, keys: Iterable[str]) -> dict[str, Record]:
        """Contacts carrying one of our idempotency ``keys`` in clientData, found by
        one full read of the account (never a search per record). Used after a
        crash to learn which creates went through. A key found on several
        contacts maps to the first one read."""
        wanted = set(keys)
        found: dict[str, Record] = {}
        if not wanted:
            return found
        group_names = self._group_name_map()
        for person in self._all_people():
            key = client_data(person).get(IDEMPOTENCY_KEY)
            if key in wanted and key not in found:
                found[key] = person_to_record(person, group_names)
        return found

    def find_by_emails(self, emails: Iterable[str]) -> dict[str, list[Record]]:
        """Contacts having one of ``emails`` (any of their addresses, case-insensitive,
        trimmed), by one full read; keys are the normalised emails."""
        wanted = {e.strip().lower() for e in emails if e and e.strip()}
        found: dict[str, list[Record]] = {}
        if not wanted:
            return found
        group_names = self._group_name_map()
        for person in self._all_people():
            addresses = {str(e.get("value") or "").strip().lower() for e in contact_items(person, "emailAddresses")}
            for email in addresses & wanted:
                found.setdefault(email, []).append(person_to_record(person, group_names))
        return found

    # --- writing ----------------------------------------------------------------------
    def create_many(
        self, object_type: str, requests: list[WriteRequest], *, group: str | None = None
    ) -> list[WriteResult]:
        """Create contacts, 200 per call, each tagged with its request key in
        clientData; with ``group``, each new contact joins that group."""
        self._check(object_type)
        return _run_chunks(requests, BATCH_CREATE_LIMIT, lambda chunk: self._create_chunk(chunk, group))

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
        return _run_chunks(requests, BATCH_UPDATE_LIMIT, lambda chunk: self._update_chunk(chunk, group))

    def delete_many(
        self, object_type: str, requests: list[WriteRequest], *, group: str | None = None
    ) -> list[WriteResult]:
        """Delete contacts, 500 per call. A contact that is already gone counts as deleted."""
        self._check(object_type)
        return _run_chunks(requests, BATCH_DELETE_LIMIT, self._delete_chunk)

    # --- internals: reads -------------------------------------------------------------
    def _check(self, object_type: str) -> None:
        if object_type != OBJECT_TYPE:
            raise ValidationError(f"Google Contacts has no object type {object_type!r}; only {OBJECT_TYPE!r}.")

    def _learn_user_defined(self, person: dict[str, Any]) -> None:
        for item in contact_items(person, "userDefined"):
            key = str(item.get("key") or "").strip()
            if key:
                self._user_defined_keys.add(key)

    def _list_groups(self) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        page_token = None
        while True:
            params: dict[str, Any] = {"pageSize": 1000}
            if page_token:
                params["pageToken"] = page_token
            answer = self.transport.request("GET", "v1/contactGroups", params=params)
            groups += [g for g in answer.get("contactGroups") or [] if isinstance(g, dict) and g.get("resourceName")]
            page_token = answer.get("nextPageToken")
            if not page_token:
                break
        groups = [g for g in groups if not (g.get("metadata") or {}).get("deleted")]
        self._group_names = {g["resourceName"]: self._group_label(g) for g in groups}
        return groups

    @staticmethod
    def _group_label(group: dict[str, Any]) -> str:
        return str(group.get("formattedName") or group.get("name") or group["resourceName"].rsplit("/", 1)[-1])

    def _group_name_map(self) -> dict[str, str]:
        if self._group_names is None:
            self._list_groups()
        return self._group_names or {}

    def _all_people(self) -> Iterator[dict[str, Any]]:
        """Every contact of the account, by a plain full listing (no sync token involved)."""
        params: dict[str, Any] = {"personFields": READ_MASK, "pageSize": 1000, "sources": READ_SOURCES}
        page_token = None
        while True:
            call = dict(params, pageToken=page_token) if page_token else params
            answer = self.transport.request("GET", CONNECTIONS_PATH, params=call)
            yield from (p for p in answer.get("connections") or [] if isinstance(p, dict))
            page_token = answer.get("nextPageToken")
            if not page_token:
                return

    def _batch_get(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Persons by requested resource name; missing ones are absent from the result."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in chunks(list(dict.fromkeys(ids)), BATCH_GET_LIMIT):
            found.update(self._batch_get_chunk(chunk))
        return found

    def _batch_get_chunk(self, names: list[str]) -> dict[str, dict[str, Any]]:
        params = {"resourceNames": names, "personFields": READ_MASK, "sources": READ_SOURCES}
        try:
            answer = self.transport.request("GET", "v1/people:batchGet", params=params)
        except NotFound:
            # Some servers refuse the whole call for one unknown name: split to find the others.
            if len(names) == 1:
                return {}
            half = len(names) // 2
            return {**self._batch_get_chunk(names[:half]), **self._batch_get_chunk(names[half:])}
        found = {}
        for position, response in enumerate(answer.get("responses") or []):
            person = (response or {}).get("person")
            if not person or error_from_status(response.get("status")) is not None:
                continue
            requested = response.get("requestedResourceName") or (
                names[position] if position < len(names) else person.get("resourceName")
            )
            found[requested] = person
        return found

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
        except _RECORD_LEVEL_ERRORS as exc:
            return _isolate(
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

    # --- internals: updates -----------------------------------------------------------
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
            outcome = fail(plans, exc) if retry_stale else _isolate(plans, exc, send, fail)
        except _RECORD_LEVEL_ERRORS as exc:
            outcome = _isolate(plans, exc, send, fail)
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


def _run_chunks(
    requests: list[WriteRequest], size: int, write: Callable[[list[WriteRequest]], list[WriteResult]]
) -> list[WriteResult]:
    """Write ``requests`` chunk by chunk; one result per request, in order.

    A chunk that fails as a whole gets its error on each of its requests; an
    account-level failure (auth, quota, outage) also fails the chunks after it
    without calling Google again, so that no result is lost and no quota wasted.
    """
    results: list[WriteResult] = []
    stop: ProviderError | None = None
    for chunk in chunks(requests, size):
        if stop is not None:
            results.extend(WriteResult(r.key, record_id=r.record_id, error=stop) for r in chunk)
            continue
        try:
            results.extend(write(chunk))
        except ProviderError as exc:
            results.extend(WriteResult(r.key, record_id=r.record_id, error=exc) for r in chunk)
            if isinstance(exc, _ACCOUNT_LEVEL_ERRORS):
                stop = exc
    return results


def _isolate(
    items: list[T],
    error: ProviderError,
    send: Callable[[list[T]], dict[int, WriteResult]],
    fail: Callable[[list[T], ProviderError], dict[int, WriteResult]],
) -> dict[int, WriteResult]:
    """``items`` were refused together with ``error``: find the ones at fault by halving.

    Google refuses a whole batch for one bad contact. Halving costs about two
    calls per level for one bad contact; when both halves are refused too the
    cause is common to the batch (a deleted group, say), so every item fails
    with its half's error instead of spending quota on a call per contact.
    """
    if len(items) == 1:
        return fail(items, error)
    half = len(items) // 2
    halves = (items[:half], items[half:])
    outcomes: list[dict[int, WriteResult] | ProviderError] = []
    for part in halves:
        try:
            outcomes.append(send(part))
        except (Conflict, *_RECORD_LEVEL_ERRORS) as exc:
            outcomes.append(exc)
    if all(isinstance(o, ProviderError) for o in outcomes):
        return {**fail(halves[0], outcomes[0]), **fail(halves[1], outcomes[1])}
    results: dict[int, WriteResult] = {}
    for part, outcome in zip(halves, outcomes, strict=True):
        results.update(_isolate(part, outcome, send, fail) if isinstance(outcome, ProviderError) else outcome)
    return results


__all__ = ["GoogleContactsClient", "OBJECT_TYPE", "USER_DEFINED_PREFIX"]
