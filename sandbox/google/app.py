"""The Google sandbox: OAuth 2.0 and the People API v1 on one local server.

Routes (same paths as Google's hosts, on one base URL):
- ``GET {base}/o/oauth2/v2/auth``, ``POST {base}/token``, ``POST {base}/revoke``;
- ``{base}/v1/...``: every route of the discovery document; the sandbox serves
  the contact and contact-group methods and answers 501 for the others.

An API call goes: route (404 if the document has none) -> bearer check (401/403)
-> query binding against the document (400) -> per-minute quota (429) -> body
binding against the document's request schema (400) -> handler. Latency and
fault injection (see :class:`~sandbox.common.control.SandboxApp`) apply to the
API only: the consent page and the token endpoint always answer, so that an
injected burst of 429s lands on the calls a test means.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable

from sandbox.common.control import SandboxApp
from sandbox.common.http import Request, Response, json_response

from . import discovery
from .config import GoogleSandboxConfig, default_config
from .contacts import ContactStore, first_problem
from .errors import ApiError, invalid_argument
from .generator import DEFAULT_GROUP_NAMES, generate_people
from .groups_api import GroupsApi
from .oauth import DEFAULT_TEST_SCOPES, OAuthServer
from .paging import PageTokens, SyncTokens
from .people_api import Call, PeopleApi
from .person_fields import READ_FIELDS, STORED_FIELDS
from .quotas import BUCKETS, METHOD_COSTS, QuotaMeter, exhausted, limits_from

# method id -> (api, handler)
ROUTES = {
    "people.people.connections.list": ("people", "list_connections"),
    "people.people.get": ("people", "get"),
    "people.people.getBatchGet": ("people", "batch_get"),
    "people.people.createContact": ("people", "create"),
    "people.people.updateContact": ("people", "update"),
    "people.people.deleteContact": ("people", "delete"),
    "people.people.batchCreateContacts": ("people", "batch_create"),
    "people.people.batchUpdateContacts": ("people", "batch_update"),
    "people.people.batchDeleteContacts": ("people", "batch_delete"),
    "people.contactGroups.list": ("groups", "list"),
    "people.contactGroups.get": ("groups", "get"),
    "people.contactGroups.batchGet": ("groups", "batch_get"),
    "people.contactGroups.create": ("groups", "create"),
    "people.contactGroups.update": ("groups", "update"),
    "people.contactGroups.delete": ("groups", "delete"),
    "people.contactGroups.members.modify": ("groups", "modify_members"),
}
# The RPC names Google puts in ErrorInfo metadata.
RPC_NAMES = {
    "people.people.connections.list": "ListConnections",
    "people.people.get": "GetPerson",
    "people.people.getBatchGet": "GetPeople",
}
# How Google's parser names the body in its messages.
BODY_ROOTS = {"Person": "person"}
SEED_KEYS = frozenset({"reset", "contactGroups", "persons", "generate", "client_id"})
GENERATE_KEYS = frozenset({"contacts", "seed", "groups", "missing_email_rate", "shared_email_rate"})
_FAULTS = {
    # 4xx: Google's canonical codes and messages (404's observed in the reference; the others are
    # the google.rpc defaults), so that fault tests can refuse requests as Google would.
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
        "other valid authentication credential.",
    ),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request was aborted because it exceeded its deadline."),
}


def rpc_name(method_id: str) -> str:
    service = "ContactGroupService" if ".contactGroups." in method_id else "PeopleService"
    short = RPC_NAMES.get(method_id) or method_id.rsplit(".", 1)[-1]
    return f"google.people.v1.{service}.{short[0].upper()}{short[1:]}"


class Clock:
    """The time source the sandbox's parts share; ``now`` may be replaced."""

    def __init__(self, now: Callable[[], float] = time.time):
        self.now = now

    def __call__(self) -> float:
        return self.now()


class GoogleSandbox(SandboxApp):
    """WSGI app simulating Google's OAuth 2.0 server and the People API v1."""

    name = "google"

    def __init__(self, config: GoogleSandboxConfig | None = None):
        self.config = config or default_config()
        super().__init__(faults=self.config.faults)
        # Every part reads time through one Clock, which tests may move (see the
        # ``clock`` property). Not a closure over self: no reference cycle, so a
        # sandbox with 100,000 contacts is freed at once when dropped.
        now = self._clock = Clock()
        project_number = self.config.client_id.split("-", 1)[0]
        self.oauth = OAuthServer(self.config, now)
        self.store = ContactStore(now)
        self.quotas = QuotaMeter(limits_from(self.config), now, project_number)
        self.page_tokens = PageTokens()
        self.sync_tokens = SyncTokens()
        self.people = PeopleApi(self.store, self.config, self.page_tokens, self.sync_tokens, now)
        self.groups = GroupsApi(self.store, self.config, self.page_tokens, self.sync_tokens, now)
        self._local = threading.local()

    @property
    def clock(self) -> Callable[[], float]:
        """The sandbox's time source (``time.time``); assign another to move time in tests."""
        return self._clock.now

    @clock.setter
    def clock(self, now: Callable[[], float]) -> None:
        self._clock.now = now

    # --- configuration for runsandbox --------------------------------------
    def print_config(self, base_url: str) -> dict:
        """What a client needs to talk to this sandbox at ``base_url``."""
        base_url = base_url.rstrip("/")
        return {
            "base_url": base_url,
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "authorize_url": f"{base_url}/o/oauth2/v2/auth",
            "token_url": f"{base_url}/token",
            "revoke_url": f"{base_url}/revoke",
            "api_base_url": base_url,
            "user_email": self.config.user_email,
        }

    # --- SandboxApp hooks --------------------------------------------------------
    def reset_state(self) -> None:
        self.store.reset()
        self.oauth.reset()
        self.quotas.reset()
        self.page_tokens.reset()
        self.sync_tokens.expire_all()  # a token from before the reset refers to data that is gone

    def state(self) -> dict:
        with self.lock:
            store = self.store
            return {
                "user_email": self.config.user_email,
                "contacts": store.live_count,
                "deleted_contacts": len(store.contacts) - store.live_count,
                "change_sequence": store.seq,
                "contact_groups": [
                    {"resourceName": g.resource_name, "name": g.name, "memberCount": store.member_count(g)}
                    for g in store.live_groups()
                ],
                "oauth": self.oauth.counts(),
                "quotas": self.quotas.usage(),
                "consent_granted": self.oauth.consent_granted,
            }

    def fault_response(self, status: int, reason: str) -> Response:
        if status == 429:
            method = getattr(self._local, "method_id", None)
            costs = METHOD_COSTS.get(method or "", {"critical_read": 1})
            return exhausted(BUCKETS[next(iter(costs))], self.quotas.project_number).response()
        code, message = _FAULTS.get(status, ("INTERNAL", "Internal error encountered."))
        return ApiError(status, code, message).response()

    def _serve_api(self, request: Request):
        if not request.path.startswith("/v1/"):
            return self.handle(request), None  # OAuth endpoints: no latency or faults (see module doc)
        method = discovery.find_method(request.method, request.path)
        self._local.method_id = method.id if method else None
        return super()._serve_api(request)

    # --- routing --------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            path = request.path
            if path == "/o/oauth2/v2/auth":
                return self.oauth.authorize(request)
            if path == "/token":
                return self.oauth.token(request)
            if path == "/revoke":
                return self.oauth.revoke(request)
            try:
                if not path.startswith("/v1/"):
                    raise ApiError(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")
                return json_response(self._call(request))
            except ApiError as error:
                return error.response()

    def _call(self, request: Request) -> dict:
        method = discovery.find_method(request.method, request.path)
        if method is None:
            raise ApiError(404, "NOT_FOUND", f"The requested URL {request.path} was not found on this server.")
        route = ROUTES.get(method.id)
        token = self.oauth.authenticate(request, method.scopes, rpc_name(method.id))
        if route is None:
            raise ApiError(501, "UNIMPLEMENTED", f"The sandbox does not simulate {method.id}.")
        problems = discovery.check_query(method, request.query)
        if problems:
            raise _violations(problems[0][1], problems)
        self.quotas.charge(_costs(method.id, request))
        body = self._body(request, method)
        variables = method.path_variables(request.path) or {}
        resource_name = None
        if "peopleId" in variables:
            resource_name = f"people/{variables['peopleId']}"
        elif "contactGroupsId" in variables:
            resource_name = f"contactGroups/{variables['contactGroupsId']}"
        api, handler = route
        return getattr(getattr(self, api), handler)(Call(request, resource_name, body, token))

    @staticmethod
    def _body(request: Request, method: discovery.DiscoveryMethod) -> dict | None:
        if not method.request_ref:
            return None
        if not request.body:
            return {}
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise invalid_argument("Invalid JSON payload received. Unexpected token.")
        problems = discovery.request_body_problems(body, method.request_ref, BODY_ROOTS.get(method.request_ref, ""))
        if problems:
            raise _violations(problems[0][1], problems)
        return body

    # --- Python helpers for tests and the demo ---------------------------------
    def issue_tokens(self, scopes=DEFAULT_TEST_SCOPES) -> dict:
        """A fresh grant without the browser dance, as the token endpoint would
        answer it: ``access_token``, ``refresh_token``, ``expires_in``, ``scope``,
        ``token_type`` (scopes default to contacts + userinfo.email)."""
        with self.lock:
            return self.oauth.issue_tokens(scopes)

    def revoke_refresh_token(self, token: str) -> bool:
        """Revoke a refresh token (and the access tokens of its grant)."""
        with self.lock:
            return self.oauth.revoke_refresh_token(token)

    def expire_access_tokens(self) -> int:
        """Expire every access token now; returns how many were live."""
        with self.lock:
            return self.oauth.expire_access_tokens()

    def expire_sync_tokens(self) -> None:
        """Every sync token issued so far answers EXPIRED_SYNC_TOKEN from now on."""
        with self.lock:
            self.sync_tokens.expire_all()

    def set_consent(self, granted: bool) -> None:
        """Whether the simulated user accepts the consent screen (False: ``error=access_denied``)."""
        with self.lock:
            self.oauth.consent_granted = granted

    def person(self, resource_name: str, client_id: str | None = None) -> dict | None:
        """The contact with every field as the API shows it (clientData of
        ``client_id``, the demo client by default), or None when it does not exist."""
        with self.lock:
            contact = self.store.get(resource_name)
            return contact.render(READ_FIELDS, client_id or self.config.client_id) if contact else None

    def touch(self, resource_name: str, **changes) -> dict:
        """Change a contact as the user would in Google Contacts: the given person
        fields (e.g. ``names=[{"givenName": "Ann"}]``) replace the current ones;
        with no changes, only the etag and updateTime move. Returns the person."""
        with self.lock:
            contact = self.store.get(resource_name)
            if contact is None:
                raise KeyError(resource_name)
            problems = discovery.request_body_problems(changes, "Person", "person")
            if problems:
                raise ValueError("; ".join(message for _, message in problems))
            if "memberships" in changes and not changes["memberships"]:
                raise ValueError("A contact must always have at least one contact group membership.")
            self.store.touch(contact, changes)
            return contact.render(READ_FIELDS, self.config.client_id)

    def delete(self, resource_name: str) -> None:
        """Delete a contact as the user would (a tombstone for the next sync)."""
        with self.lock:
            contact = self.store.get(resource_name)
            if contact is None:
                raise KeyError(resource_name)
            self.store.delete(contact)

    def seed(self, payload: dict) -> dict:
        """Add data: ``{"contactGroups": [name | {name, resourceName?, clientData?}],
        "persons": [Person (may carry resourceName, memberships by group resource name)],
        "generate": {"contacts": N, "seed": 1, "groups": 3, "missing_email_rate": 0.08,
        "shared_email_rate": 0.02}, "reset": false}``. Explicit persons are checked
        as createContact checks them (ValueError otherwise); clientData in them
        belongs to the demo client unless ``client_id`` is given."""
        unknown = set(payload) - SEED_KEYS
        if unknown:
            raise ValueError(f"unknown seed keys {sorted(unknown)}; expected some of {sorted(SEED_KEYS)}")
        unknown = set(payload.get("generate") or {}) - GENERATE_KEYS
        if unknown:
            raise ValueError(f"unknown generate keys {sorted(unknown)}; expected some of {sorted(GENERATE_KEYS)}")
        with self.lock:
            if payload.get("reset"):
                self.reset_state()
            groups = [self._seed_group(spec) for spec in payload.get("contactGroups") or []]
            client_id = payload.get("client_id") or self.config.client_id
            names = [self._seed_person(person, client_id) for person in payload.get("persons") or []]
            generated = 0
            if payload.get("generate"):
                # The collector would walk the growing heap again and again while
                # 100,000 contacts are built; pausing it halves the time.
                collecting = gc.isenabled()
                gc.disable()
                try:
                    generated = self._generate(payload["generate"])
                finally:
                    if collecting:
                        gc.enable()
            return {
                "created": len(names) + generated,
                "resourceNames": names,
                "generated": generated,
                "contactGroups": [g.resource_name for g in groups],
            }

    def _seed_group(self, spec):
        spec = {"name": spec} if isinstance(spec, str) else dict(spec)
        existing = self.store.group_by_name(spec["name"])
        if existing is not None:
            return existing
        return self.store.create_group(spec["name"], spec.get("clientData"), spec.get("resourceName"))

    def _seed_person(self, person: dict, client_id: str) -> str:
        body = {k: v for k, v in person.items() if k != "resourceName"}
        problems = discovery.request_body_problems(body, "Person", "person")
        present = [name for name in (*STORED_FIELDS, "memberships", "clientData") if person.get(name)]
        problems += self.store.person_problems(person, present)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self.store.create(person, client_id).resource_name

    def _generate(self, spec: dict) -> int:
        count = int(spec.get("contacts", 100))
        group_spec = spec.get("groups", 3)
        group_names = list(DEFAULT_GROUP_NAMES[: int(group_spec)]) if isinstance(group_spec, int) else group_spec
        groups = [self._seed_group(name).resource_name for name in group_names]
        people = generate_people(
            count,
            int(spec.get("seed", 1)),
            groups=len(groups),
            missing_email_rate=float(spec.get("missing_email_rate", 0.08)),
            shared_email_rate=float(spec.get("shared_email_rate", 0.02)),
        )
        # A bulk import: the generated contacts share one updateTime.
        update_time = self.store.next_update_time()
        for generated in people:
            person = generated.person
            if generated.group_indexes:
                person["memberships"] = [
                    {"contactGroupMembership": {"contactGroupResourceName": groups[i]}} for i in generated.group_indexes
                ]
            self.store.create(person, None, update_time=update_time, trusted=True)
        return count


def _costs(method_id: str, request: Request) -> dict[str, int]:
    costs = dict(METHOD_COSTS.get(method_id, {}))
    first_page_of_full_sync = (
        request.arg("requestSyncToken") == "true" and not request.arg("syncToken") and not request.arg("pageToken")
    )
    if method_id == "people.people.connections.list" and first_page_of_full_sync:
        costs["full_sync"] = 1  # "The first page of a full sync request has an additional quota."
    return costs


def _violations(message: str, problems: list[tuple[str, str]]) -> ApiError:
    error = first_problem(problems)
    error.message = message
    return error
