"""The HubSpot sandbox: a local HTTP simulator of HubSpot's CRM API for one portal.

Routes (same paths as ``https://api.hubapi.com``, on one base URL):
- ``/crm/v3/objects/{contacts,companies}[/{id}|/batch/{read,create,update,archive}|/search]``;
- ``/crm/v3/properties/{objectType}[/{name}]``;
- ``/crm/v4/objects/{from}/{id}/associations/...`` and ``/crm/v4/associations/{from}/{to}/batch/...``;
- ``/communication-preferences/v3/{definitions,status/email/{email},subscribe,unsubscribe}``.

A call goes: bearer token (401 ``INVALID_AUTHENTICATION``) -> scope (403
``MISSING_SCOPES``) -> rate limits (429, reference B.8) -> route -> JSON body
(400) -> handler. Latency and fault injection come from
:class:`~sandbox.common.control.SandboxApp`. See README.md for every choice.
"""

from __future__ import annotations

import gc
import json
import re
import secrets
import threading
import time
from collections.abc import Callable

from sandbox.common.control import SandboxApp
from sandbox.common.http import Request, Response

from . import associations_api, objects_api, properties_api, subscriptions
from .config import HubSpotSandboxConfig, default_config
from .errors import AUTH_MESSAGE, BAD_TOKEN_MESSAGE, SCOPES_MESSAGE, ApiError, rate_limited
from .generator import generate
from .limits import RateLimiter
from .portal import Portal
from .properties_api import object_type_of
from .search import search
from .store import OBJECT_TYPES
from .upsert import batch_upsert

_T = r"([A-Za-z0-9_-]+)"
_ID = r"([^/]+)"
ROUTES: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"^/crm/v3/objects/{_T}$"), "objects"),
    (re.compile(rf"^/crm/v3/objects/{_T}/search$"), "search"),
    (re.compile(rf"^/crm/v3/objects/{_T}/batch/(read|create|update|upsert|archive)$"), "objects_batch"),
    (re.compile(rf"^/crm/v3/objects/{_T}/{_ID}$"), "object"),
    (re.compile(rf"^/crm/v3/properties/{_T}$"), "properties"),
    (re.compile(rf"^/crm/v3/properties/{_T}/{_ID}$"), "property"),
    (re.compile(rf"^/crm/v4/objects/{_T}/{_ID}/associations/default/{_T}/{_ID}$"), "assoc_default"),
    (re.compile(rf"^/crm/v4/objects/{_T}/{_ID}/associations/{_T}/{_ID}$"), "assoc_pair"),
    (re.compile(rf"^/crm/v4/objects/{_T}/{_ID}/associations/{_T}$"), "assoc_list"),
    (
        re.compile(rf"^/crm/v4/associations/{_T}/{_T}/batch/(read|create|archive|labels/archive|associate/default)$"),
        "assoc_batch",
    ),
    (re.compile(r"^/communication-preferences/v3/definitions$"), "sub_definitions"),
    (re.compile(r"^/communication-preferences/v3/status/email/(.+)$"), "sub_status"),
    (re.compile(r"^/communication-preferences/v3/(subscribe|unsubscribe)$"), "sub_change"),
]
# Documented endpoints the sandbox does not simulate: a loud 501, never a silent 404 or a wrong answer.
NOT_SIMULATED = [
    re.compile(rf"^/crm/v3/objects/{_T}/(merge|gdpr-delete)$"),
    re.compile(rf"^/crm/v3/properties/{_T}/(batch/.*|groups.*)$"),
    re.compile(r"^/crm/v3/associations/.*$"),
    re.compile(r"^/communication-preferences/v4/.*$"),
]
SEED_KEYS = frozenset({"reset", "contacts", "companies", "generate"})
GENERATE_KEYS = frozenset({"contacts", "companies", "seed", "associate_rate"})


class Clock:
    """The time source the sandbox's parts share; ``now`` may be replaced by tests."""

    def __init__(self, now: Callable[[], float] = time.time):
        self.now = now

    def __call__(self) -> float:
        return self.now()


def _scope(route: str, method: str, groups: tuple[str, ...]) -> str:
    """The scope a call needs (reference B.1)."""
    reads = route == "search" or (route in ("objects_batch", "assoc_batch") and groups[-1] == "read")
    write = method != "GET" and not reads
    if route.startswith("sub_"):
        return f"communication_preferences.{'write' if write else 'read'}"
    object_type = object_type_of(groups[0]) if groups else "contacts"
    kind = "schemas" if route in ("properties", "property") else "objects"
    return f"crm.{kind}.{object_type}.{'write' if write else 'read'}"


class HubSpotSandbox(SandboxApp):
    """WSGI app simulating HubSpot's CRM API (contacts, companies, properties,
    associations, email subscriptions) for one portal and its private app."""

    name = "hubspot"

    def __init__(self, config: HubSpotSandboxConfig | None = None):
        self.config = config or default_config()
        super().__init__(faults=self.config.faults)
        self._clock = Clock()
        self.portal = Portal(self.config, self._clock)
        self.limits = RateLimiter(self.config, self._clock)
        self.tokens: dict[str, tuple[str, ...]] = {self.config.token: tuple(self.config.scopes)}
        self._local = threading.local()

    @property
    def clock(self) -> Callable[[], float]:
        """The sandbox's time source (``time.time``); assign another to move time in tests."""
        return self._clock.now

    @clock.setter
    def clock(self, now: Callable[[], float]) -> None:
        self._clock.now = now

    def print_config(self, base_url: str) -> dict:
        """What a client needs to talk to this sandbox at ``base_url``."""
        return {
            "base_url": base_url.rstrip("/"),
            "access_token": self.config.token,
            "portal_id": self.config.portal_id,
            "scopes": list(self.config.scopes),
        }

    def issue_token(self, scopes: tuple[str, ...] | None = None) -> str:
        """Another private-app token of the portal, with ``scopes`` (all by default)."""
        token = f"pat-na1-{secrets.token_hex(4)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(6)}"
        with self.lock:
            self.tokens[token] = tuple(self.config.scopes if scopes is None else scopes)
        return token

    # --- SandboxApp hooks --------------------------------------------------------
    def reset_state(self) -> None:
        self.portal.reset()
        self.limits.reset()
        self.tokens = {self.config.token: tuple(self.config.scopes)}

    def state(self) -> dict:
        with self.lock:
            return {
                "portal_id": self.config.portal_id,
                **{t: self.portal.store(t).counts() for t in OBJECT_TYPES},
                "associations": self.portal.associations.count(),
                "custom_properties": {
                    t: sorted(n for n, p in self.portal.store(t).definitions.items() if not p.hubspot_defined)
                    for t in OBJECT_TYPES
                },
                "rate_limits": self.limits.usage(),
            }

    def fault_response(self, status: int, reason: str) -> Response:
        if status == 429:
            return rate_limited("TEN_SECONDLY_ROLLING", self.config.app_id, self.config.portal_id)
        # UNCERTAIN: the reference shows no 5xx body; the general error shape is used.
        return ApiError(status, "INTERNAL_ERROR" if status < 504 else "TIMEOUT", "internal error").response()

    # --- the API ---------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            try:
                route, groups = self._route(request.path)
                scopes = self._authenticate(request)
                if any(pattern.match(request.path) for pattern in NOT_SIMULATED) or (
                    request.arg("propertiesWithHistory") is not None
                ):
                    raise ApiError(
                        501, "NOT_IMPLEMENTED", f"The sandbox does not simulate {request.method} {request.path}"
                    )
                scope = _scope(route, request.method, groups) if route else None
                if scope and scope not in scopes:
                    raise ApiError(
                        403,
                        "MISSING_SCOPES",
                        SCOPES_MESSAGE,
                        errors=[{"message": SCOPES_MESSAGE, "context": {"requiredGranularScopes": [scope]}}],
                    )
                policy = self.limits.charge(search=route == "search")
                if policy:
                    return rate_limited(policy, self.config.app_id, self.config.portal_id)
                if route is None:
                    raise ApiError(404, "OBJECT_NOT_FOUND", f"No route for {request.method} {request.path}")
                response = self._dispatch(request, route, groups)
            except ApiError as error:
                response = error.response()
            if not request.path.endswith("/search"):  # search answers carry no rate-limit headers (B.8)
                response.headers.update(self.limits.headers())
            return response

    @staticmethod
    def _route(path: str) -> tuple[str | None, tuple[str, ...]]:
        for pattern, name in ROUTES:
            match = pattern.match(path)
            if match:
                return name, match.groups()
        return None, ()

    def _authenticate(self, request: Request) -> tuple[str, ...]:
        """The scopes of the request's bearer token; 401 when it has none or an unknown one."""
        header = request.header("authorization") or ""
        if not header:
            raise ApiError(401, "INVALID_AUTHENTICATION", AUTH_MESSAGE)
        kind, _, token = header.partition(" ")
        scopes = self.tokens.get(token.strip()) if kind.lower() == "bearer" else None
        if scopes is None:
            raise ApiError(401, "INVALID_AUTHENTICATION", BAD_TOKEN_MESSAGE)
        return scopes

    @staticmethod
    def _body(request: Request):
        if not request.body:
            raise ApiError(400, "VALIDATION_ERROR", "Invalid input JSON: no body")
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            # UNCERTAIN: a body that is not declared JSON is refused (415), the stricter choice.
            raise ApiError(415, "VALIDATION_ERROR", f"Content type '{content_type}' not supported")
        try:
            return json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "VALIDATION_ERROR", f"Invalid input JSON: {exc}")

    def _dispatch(self, request: Request, route: str, groups: tuple[str, ...]) -> Response:
        method, portal = request.method, self.portal

        def allowed(*methods: str) -> None:
            if method not in methods:
                raise ApiError(405, "VALIDATION_ERROR", f"HTTP {method} is not supported by {request.path}")

        if route.startswith("sub_"):
            if route == "sub_definitions":
                allowed("GET")
                return subscriptions.definitions(portal)
            if route == "sub_status":
                allowed("GET")
                return subscriptions.status(portal, groups[0])
            allowed("POST")
            return subscriptions.change(portal, self._body(request), groups[0] == "subscribe")
        if route == "assoc_batch":
            allowed("POST")
            a, b = object_type_of(groups[0]), object_type_of(groups[1])
            return associations_api.batch(portal, a, b, groups[2], self._body(request))
        object_type = object_type_of(groups[0])
        if route == "objects":
            allowed("GET", "POST")
            if method == "GET":
                return objects_api.list_objects(portal, request, object_type)
            return objects_api.create(portal, object_type, self._body(request))
        if route == "search":
            allowed("POST")
            return search(portal, object_type, self._body(request))
        if route == "objects_batch":
            allowed("POST")
            body = self._body(request)
            action = groups[1]
            if action == "read":
                return objects_api.batch_read(portal, request, object_type, body)
            if action == "create":
                return objects_api.batch_create(portal, object_type, body)
            if action == "update":
                return objects_api.batch_update(portal, object_type, body)
            if action == "upsert":
                return batch_upsert(portal, object_type, body)
            return objects_api.batch_archive(portal, object_type, body)
        if route == "object":
            allowed("GET", "PATCH", "DELETE")
            if method == "GET":
                return objects_api.get_object(portal, request, object_type, groups[1])
            if method == "PATCH":
                return objects_api.update(portal, request, object_type, groups[1], self._body(request))
            return objects_api.archive(portal, object_type, groups[1])
        if route == "properties":
            allowed("GET", "POST")
            if method == "GET":
                return properties_api.list_properties(portal, request, object_type)
            return properties_api.create_property(portal, object_type, self._body(request))
        if route == "property":
            if method == "PATCH":
                raise ApiError(501, "NOT_IMPLEMENTED", "The sandbox does not simulate updating a property")
            allowed("GET", "DELETE")
            if method == "GET":
                return properties_api.get_property(portal, object_type, groups[1])
            return properties_api.archive_property(portal, object_type, groups[1])
        to_type = object_type_of(groups[2])
        if route == "assoc_default":
            allowed("PUT")
            return associations_api.put_default(portal, object_type, groups[1], to_type, groups[3])
        if route == "assoc_pair":
            allowed("PUT", "DELETE")
            if method == "PUT":
                return associations_api.put_labelled(
                    portal, object_type, groups[1], to_type, groups[3], self._body(request)
                )
            return associations_api.delete_pair(portal, object_type, groups[1], to_type, groups[3])
        allowed("GET")
        return associations_api.list_pair(portal, request, object_type, groups[1], to_type)

    # --- Python helpers for tests and the demo ---------------------------------
    def seed(self, payload: dict) -> dict:
        """Add data: ``{"contacts": [{"properties": {...}, "archived": false}], "companies": [...],
        "generate": {"contacts": N, "companies": M, "seed": 1, "associate_rate": 0.7}, "reset": false}``.
        Explicit records are checked as a create is (read-only properties allowed)."""
        unknown = set(payload) - SEED_KEYS
        if unknown:
            raise ValueError(f"unknown seed keys {sorted(unknown)}; expected some of {sorted(SEED_KEYS)}")
        spec = payload.get("generate") or {}
        unknown = set(spec) - GENERATE_KEYS
        if unknown:
            raise ValueError(f"unknown generate keys {sorted(unknown)}; expected some of {sorted(GENERATE_KEYS)}")
        with self.lock:
            if payload.get("reset"):
                self.reset_state()
            ids = {t: [self._seed_record(t, item) for item in payload.get(t) or []] for t in OBJECT_TYPES}
            generated = {}
            if spec:
                collecting = gc.isenabled()
                gc.disable()  # the collector would walk the growing heap again and again
                try:
                    generated = generate(
                        self.portal,
                        int(spec.get("contacts", 0)),
                        int(spec.get("companies", 0)),
                        int(spec.get("seed", 1)),
                        float(spec.get("associate_rate", 0.7)),
                    )
                finally:
                    if collecting:
                        gc.enable()
            return {"ids": ids, "generated": generated}

    def _seed_record(self, object_type: str, item: dict) -> str:
        store = self.portal.store(object_type)
        properties = dict(item.get("properties") or {})
        unknown = [n for n in properties if n not in store.definitions]
        if unknown or not all(isinstance(v, str) for v in properties.values()):
            raise ValueError(f"unknown properties {unknown} or values that are not strings")
        if object_type == "contacts" and properties.get("email") and store.email_holder(properties["email"]):
            raise ValueError(f"email {properties['email']} is taken")
        record = store.create(properties, self.portal.now_ms())
        if item.get("archived"):
            store.archive(record, self.portal.now_ms())
        return str(record.id)

    def record(self, object_type: str, record_id: str) -> dict | None:
        """Every stored property of a record (active or archived), or None."""
        with self.lock:
            found = self.portal.store(object_type).records.get(int(record_id))
            if found is None:
                return None
            return found.render(sorted(found.properties))

    def touch(self, object_type: str, record_id: str, **properties: str) -> dict:
        """Change a record as a user would in HubSpot's UI (read-only properties refused); moves its
        modification time even with no change. Returns the record."""
        with self.lock:
            store = self.portal.store(object_type)
            record = store.get(record_id)
            if record is None:
                raise KeyError(record_id)
            values = self.portal.checked_properties(object_type, properties)
            store.update(record, values, self.portal.now_ms())
            return record.render(sorted(record.properties))

    def archive(self, object_type: str, record_id: str) -> None:
        """Delete a record as a user would (it goes to the recycle bin)."""
        with self.lock:
            store = self.portal.store(object_type)
            record = store.get(record_id)
            if record is None:
                raise KeyError(record_id)
            store.archive(record, self.portal.now_ms())

    def opt_out_of_all(self, email: str) -> None:
        """The contact unsubscribes from all email (as from an email footer): ``hs_email_optout`` becomes
        "true" and the subscriptions read NOT_SUBSCRIBED (PORTAL_WIDE_STATUS)."""
        with self.lock:
            self.portal.opted_out.add(email.strip().lower())
            self.portal.set_optout_property(email.strip().lower(), "hs_email_optout", "true")
