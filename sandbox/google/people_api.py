"""Handlers of the ``people`` resource: connections.list, get, batchGet, the
contact writes (single and batch) and delete.

Each handler takes a :class:`Call` and returns the JSON body of a 200, or
raises :class:`~sandbox.google.errors.ApiError`. Batch writes are atomic: when
one contact is refused, nothing is written and the 400 carries one status per
refused contact (the document says batch methods return
``Batch{Create,Update}ContactsErrorDetails`` "if not successful"; its exact
shape is not documented, so the sandbox chooses the stricter, all-or-nothing
reading).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sandbox.common.http import Request

from .config import USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE, GoogleSandboxConfig
from .contacts import Contact, ContactStore, first_problem
from .errors import (
    NOT_FOUND_MESSAGE,
    STALE_ETAG_MESSAGE,
    ApiError,
    error_info,
    failed_precondition,
    invalid_argument,
    not_found,
)
from .oauth import AccessToken
from .paging import Listing, PageTokens, SyncTokens, parameters_key
from .person_fields import READ_FIELDS, UPDATABLE_FIELDS, parse_mask, read_mask_from

PROFILE_ID = "100000000000000000001"
PROFILE_RESOURCE = f"people/{PROFILE_ID}"
MAX_BATCH_WRITE = 200
MAX_BATCH_DELETE = 500
MAX_BATCH_GET = 200
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ALLOWED_LIST_SOURCES = ("READ_SOURCE_TYPE_CONTACT", "READ_SOURCE_TYPE_PROFILE")


@dataclass
class Call:
    """One authenticated API call: the request, its path variable (``people/c1``)
    and body (already bound to the method's request schema), and its token."""

    request: Request
    resource_name: str | None
    body: dict | None
    token: AccessToken

    @property
    def client_id(self) -> str:
        return self.token.client_id


def page_size(request: Request, default: int) -> int:
    raw = request.arg("pageSize")
    size = int(raw) if raw else 0
    if size < 0 or size > MAX_PAGE_SIZE:
        raise invalid_argument(f"pageSize must be between 1 and {MAX_PAGE_SIZE}, inclusive.", "page_size")
    return size or default


class PeopleApi:
    """The ``people`` methods over a :class:`ContactStore`."""

    def __init__(
        self,
        store: ContactStore,
        config: GoogleSandboxConfig,
        page_tokens: PageTokens,
        sync_tokens: SyncTokens,
        clock: Callable[[], float],
    ):
        self.store = store
        self.config = config
        self.page_tokens = page_tokens
        self.sync_tokens = sync_tokens
        self.clock = clock

    # --- the user's own profile (people/me) ------------------------------
    def profile(self, mask, token: AccessToken) -> dict:
        """``people/me``. Profile fields need profile scopes: with only the contacts
        scope Google returns little more than resourceName and etag (reported by
        integrators; the sandbox applies it strictly)."""
        out: dict = {"resourceName": PROFILE_RESOURCE, "etag": "%EgUBAi43PRoEAQIFByIMcHJvZmlsZS1zYW5k"}
        account = {"type": "ACCOUNT", "id": PROFILE_ID}
        scopes = set(token.scopes)
        if "metadata" in mask:
            out["metadata"] = {
                "sources": [
                    {
                        "type": "PROFILE",
                        "id": PROFILE_ID,
                        "etag": "#profile-sandbox",
                        "profileMetadata": {"objectType": "PERSON", "userTypes": ["GOOGLE_USER"]},
                    }
                ],
                "objectType": "PERSON",
            }
        if "names" in mask and USERINFO_PROFILE_SCOPE in scopes:
            given, family = self.config.user_given_name, self.config.user_family_name
            out["names"] = [
                {
                    "metadata": {
                        "primary": True,
                        "sourcePrimary": True,
                        "source": {"type": "PROFILE", "id": PROFILE_ID},
                    },
                    "displayName": f"{given} {family}",
                    "familyName": family,
                    "givenName": given,
                    "displayNameLastFirst": f"{family}, {given}",
                    "unstructuredName": f"{given} {family}",
                }
            ]
        if "emailAddresses" in mask and scopes & {
            USERINFO_EMAIL_SCOPE,
            "https://www.googleapis.com/auth/user.emails.read",
        }:
            out["emailAddresses"] = [
                {
                    "metadata": {"primary": True, "verified": True, "sourcePrimary": True, "source": account},
                    "value": self.config.user_email,
                }
            ]
        return out

    def _person(self, resource_name: str, mask, call: Call) -> dict:
        if resource_name in ("people/me", PROFILE_RESOURCE):
            return self.profile(mask, call.token)
        contact = self.store.get(resource_name)
        if contact is None:
            raise not_found()
        return contact.render(mask, call.client_id)

    # --- reads --------------------------------------------------------------
    def get(self, call: Call) -> dict:
        mask = read_mask_from(call.request.arg, required=True)
        return self._person(call.resource_name or "", mask, call)

    def batch_get(self, call: Call) -> dict:
        mask = read_mask_from(call.request.arg, required=True)
        names = call.request.args("resourceNames")
        if not names:
            raise invalid_argument("resourceNames must have at least one entry.", "resource_names")
        if len(names) > MAX_BATCH_GET:
            raise invalid_argument(f"resourceNames must have at most {MAX_BATCH_GET} entries.", "resource_names")
        responses = []
        for name in names:
            try:
                person = self._person(name, mask, call)
            except ApiError as error:
                responses.append(
                    {"requestedResourceName": name, "httpStatusCode": error.code, "status": error.rpc_status()}
                )
            else:
                responses.append({"requestedResourceName": name, "httpStatusCode": 200, "person": person, "status": {}})
        return {"responses": responses}

    def list_connections(self, call: Call) -> dict:
        request = call.request
        if call.resource_name != "people/me":
            raise invalid_argument("Only people/me is valid for people.connections.list.", "resource_name")
        mask = read_mask_from(request.arg, required=True)
        size = page_size(request, DEFAULT_PAGE_SIZE)
        sources = request.args("sources")
        if any(s not in ALLOWED_LIST_SOURCES for s in sources):
            # Stricter than may be needed: connections.list lists the user's contacts only.
            raise invalid_argument("sources may only name READ_SOURCE_TYPE_CONTACT and READ_SOURCE_TYPE_PROFILE.")
        want_sync_token = request.arg("requestSyncToken") == "true"
        page_token, sync_token = request.arg("pageToken"), request.arg("syncToken")
        page_params = parameters_key(request.query, ("pageToken",))
        if page_token:
            listing, offset = self.page_tokens.resolve(page_token, "connections", page_params)
        else:
            listing, offset = self._new_listing(request, sync_token, page_params), 0
        page = listing.items[offset : offset + size]
        contacts = self.store.contacts
        shown = []
        for rn in page:
            contact = contacts[rn]
            if contact.deleted and not sync_token:
                continue  # deleted while a full listing was being paged
            shown.append(contact.render(mask, call.client_id))
        body: dict = {}
        if shown:
            body["connections"] = shown
        if offset + size < len(listing.items):
            body["nextPageToken"] = self.page_tokens.issue(listing, offset + size)
        elif want_sync_token:
            body["nextSyncToken"] = self.sync_tokens.issue(
                "connections", listing.sync_seq, listing.full_sync_time, self._sync_params(request)
            )
        if listing.total:  # proto3 JSON leaves zeros out
            body["totalPeople"] = listing.total
            body["totalItems"] = listing.total
        return body

    @staticmethod
    def _sync_params(request: Request) -> str:
        # The parameters a sync token is bound to. pageSize is left out: the
        # sandbox lets a client page an incremental sync differently.
        return parameters_key(request.query, ("pageToken", "syncToken", "pageSize"))

    def _new_listing(self, request: Request, sync_token: str | None, params: str) -> Listing:
        now = self.clock()
        until = self.store.seq
        if sync_token:
            since, full_sync_time = self.sync_tokens.check(
                sync_token, "connections", self._sync_params(request), now, self.config.sync_token_max_age
            )
            items = self.store.changes_since(since, until)
        else:
            full_sync_time = now
            items = self.store.ordered(request.arg("sortOrder") or "LAST_MODIFIED_ASCENDING")
        return Listing("connections", params, items, len(items), until, full_sync_time)

    # --- writes -----------------------------------------------------------------
    def _check_new(self, person: dict, where: str = "") -> list[tuple[str, str]]:
        present = [name for name in UPDATABLE_FIELDS if person.get(name)]
        problems = self.store.person_problems(person, present)
        if not any(name not in ("memberships", "clientData") for name in present):
            # UNCERTAIN: the sandbox refuses a contact without any contact data.
            problems.append((where or "person", "The contact to create has no data."))
        return problems

    def create(self, call: Call) -> dict:
        mask = parse_mask(call.request.arg("personFields"), "personFields", READ_FIELDS, required=False) or READ_FIELDS
        person = call.body or {}
        problems = self._check_new(person)
        if problems:
            raise first_problem(problems)
        contact = self.store.create(person, call.client_id)
        return contact.render(mask, call.client_id)

    def _etag_problem(self, contact: Contact, person: dict) -> ApiError | None:
        """UNCERTAIN which etag Google checks (reference A.3): the sandbox takes the
        top-level ``etag`` and/or the CONTACT source's etag, needs at least one,
        and checks each one given against its own current value."""
        top = person.get("etag")
        sources = (person.get("metadata") or {}).get("sources") or []
        source_etags = [s.get("etag") for s in sources if s.get("type") == "CONTACT" and s.get("etag")]
        if not top and not source_etags:
            return invalid_argument(
                "Request person must include its etag (person.etag or a CONTACT source in person.metadata.sources) "
                "so that concurrent changes are detected.",
                "person.metadata.sources",
            )
        if (top and top != contact.etag) or any(e != contact.source_etag for e in source_etags):
            return failed_precondition(STALE_ETAG_MESSAGE, [error_info("failedPrecondition", "people.googleapis.com")])
        return None

    def _update_problems(self, contact: Contact, person: dict, mask, where: str) -> list[tuple[str, str]]:
        problems = self.store.person_problems(person, mask, contact.groups)
        if "memberships" in mask and not person.get("memberships"):
            problems.append(
                (f"{where}memberships", "A contact must always have at least one contact group membership.")
            )
        return problems

    def update(self, call: Call) -> dict:
        request = call.request
        update_mask = parse_mask(
            request.arg("updatePersonFields"), "updatePersonFields", UPDATABLE_FIELDS, required=True
        )
        mask = parse_mask(request.arg("personFields"), "personFields", READ_FIELDS, required=False) or READ_FIELDS
        person = call.body or {}
        contact = self.store.get(call.resource_name or "")
        if contact is None:
            raise not_found()
        if person.get("resourceName") and person["resourceName"] != contact.resource_name:
            raise invalid_argument(
                "person.resourceName does not match the resource name in the URL.", "person.resource_name"
            )
        stale = self._etag_problem(contact, person)
        if stale:
            raise stale
        problems = self._update_problems(contact, person, update_mask, "")
        if problems:
            raise first_problem(problems)
        self.store.update(contact, person, update_mask, call.client_id)
        return contact.render(mask, call.client_id)

    def delete(self, call: Call) -> dict:
        contact = self.store.get(call.resource_name or "")
        if contact is None:
            raise not_found()
        self.store.delete(contact)
        return {}

    # --- batch writes -------------------------------------------------------------
    def _read_mask(self, body: dict) -> tuple[str, ...] | None:
        # "If read mask is left empty, the post-mutate-get is skipped and no data
        # will be returned": then the sandbox returns no person at all.
        return parse_mask(body.get("readMask"), "readMask", READ_FIELDS, required=False)

    def batch_create(self, call: Call) -> dict:
        body = call.body or {}
        read_mask = self._read_mask(body)
        contacts = body.get("contacts") or []
        _check_count(contacts, MAX_BATCH_WRITE, "contacts")
        errors: list[tuple[int, ApiError]] = []
        for index, item in enumerate(contacts):
            person = item.get("contactPerson")
            problems = [(f"contacts[{index}].contactPerson", "contactPerson is required.")] if not person else []
            problems = problems or self._check_new(person, f"contacts[{index}].contact_person")
            if problems:
                errors.append((index, first_problem(problems)))
        if errors:
            raise _batch_error("BatchCreateContactsErrorDetails", [e for _, e in errors])
        created = []
        for item in contacts:
            contact = self.store.create(item["contactPerson"], call.client_id)
            entry: dict = {"httpStatusCode": 200, "status": {}}
            if read_mask:
                entry["person"] = contact.render(read_mask, call.client_id)
                entry["requestedResourceName"] = contact.resource_name
            created.append(entry)
        return {"createdPeople": created}

    def batch_update(self, call: Call) -> dict:
        body = call.body or {}
        update_mask = parse_mask(body.get("updateMask"), "updateMask", UPDATABLE_FIELDS, required=True)
        read_mask = self._read_mask(body)
        contacts = body.get("contacts") or {}
        _check_count(contacts, MAX_BATCH_WRITE, "contacts")
        errors: list[ApiError] = []
        targets: list[tuple[Contact, dict]] = []
        for name, person in contacts.items():
            contact = self.store.get(name)
            if contact is None:
                errors.append(not_found(f"{NOT_FOUND_MESSAGE} ({name})"))
                continue
            stale = self._etag_problem(contact, person)
            problems = self._update_problems(contact, person, update_mask, f"contacts[{name}].")
            if stale:
                stale.details = [error_info("failedPrecondition", "people.googleapis.com", {"resourceName": name})]
                errors.append(stale)
            elif problems:
                errors.append(first_problem(problems))
            targets.append((contact, person))
        if errors:
            raise _batch_error("BatchUpdateContactsErrorDetails", errors)
        results = {}
        for contact, person in targets:
            self.store.update(contact, person, update_mask, call.client_id)
            entry: dict = {"httpStatusCode": 200, "status": {}, "requestedResourceName": contact.resource_name}
            if read_mask:
                entry["person"] = contact.render(read_mask, call.client_id)
            results[contact.resource_name] = entry
        return {"updateResult": results}

    def batch_delete(self, call: Call) -> dict:
        names = (call.body or {}).get("resourceNames") or []
        _check_count(names, MAX_BATCH_DELETE, "resourceNames")
        found = []
        for name in dict.fromkeys(names):
            contact = self.store.get(name)
            if contact is None:
                # All or nothing (UNCERTAIN): one unknown name refuses the whole batch.
                raise not_found(f"{NOT_FOUND_MESSAGE} ({name})")
            found.append(contact)
        for contact in found:
            self.store.delete(contact)
        return {}


def _check_count(items, maximum: int, name: str) -> None:
    if not items:
        raise invalid_argument(f"{name} must not be empty.", name)
    if len(items) > maximum:
        raise invalid_argument(f"Too many {name} in the request: {len(items)}. The maximum is {maximum}.", name)


def _batch_error(detail_type: str, errors: list[ApiError]) -> ApiError:
    first = errors[0]
    detail = {
        "@type": f"type.googleapis.com/google.people.v1.{detail_type}",
        "errors": [e.rpc_status() for e in errors],
    }
    return ApiError(first.code, first.status, first.message, [detail])
