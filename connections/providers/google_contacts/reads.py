"""Reading Google contacts: changes since a sync token, contacts by resource name, and full reads
that find contacts by idempotency key or email (a mixin of :class:`.client.GoogleContactsClient`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..base import ChangePage, Record
from ..errors import NotFound, ProviderError
from ..fields import FieldSpec
from .api_errors import ExpiredSyncToken, error_from_status, malformed
from .batching import BATCH_GET_LIMIT, chunks
from .catalog import build_catalog
from .person_fields import READ_MASK, READ_SOURCES
from .translation import IDEMPOTENCY_KEY, client_data, contact_items, memberships_of, person_to_record

if TYPE_CHECKING:
    from .transport import GoogleApiTransport

CONNECTIONS_PATH = "v1/people/me/connections"


class ContactReads:
    """The client's reads: the field catalog, changes, contacts by resource name, key or email.

    Uses the client's ``transport``, ``_check`` and the group names of :class:`.groups.ContactGroups`.
    """

    transport: GoogleApiTransport
    _user_defined_keys: set[str]

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

    # --- internals -------------------------------------------------------------
    def _learn_user_defined(self, person: dict[str, Any]) -> None:
        for item in contact_items(person, "userDefined"):
            key = str(item.get("key") or "").strip()
            if key:
                self._user_defined_keys.add(key)

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
