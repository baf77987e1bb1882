"""The Mailchimp sandbox: a local HTTP simulator of the Marketing API v3 for one account.

Routes (same paths as ``https://<dc>.api.mailchimp.com/3.0``, under ``/3.0`` on one base URL):
- ``GET /ping``; ``GET /lists``; ``GET /lists/{id}``; ``POST /lists/{id}`` (batch subscribe);
- ``/lists/{id}/members[/{hash|email|contact_id}[/tags|/actions/delete-permanent]]``;
- ``/lists/{id}/merge-fields[/{merge_id}]``.

A call goes: concurrency gate (429, C.7, via ``FaultConfig.concurrency_limit``) -> HTTP Basic
API key (401 / 403, C.1) -> route (404 / 405 / 501) -> JSON body (400) -> handler ->
``fields`` / ``exclude_fields``. Every error is a problem detail (C.6). See README.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable

from sandbox.common.control import SandboxApp
from sandbox.common.http import Request, Response, json_response

from . import api, fields
from .config import MailchimpSandboxConfig, default_config
from .errors import KEY_INVALID, KEY_MISSING, TOO_MANY, WRONG_DC, ApiError, not_found
from .generator import generate
from .store import Account, Member, subscriber_hash

_ID = r"([^/]+)"
ROUTES: list[tuple[re.Pattern, str, tuple[str, ...]]] = [
    (re.compile(r"^/ping/?$"), "ping", ("GET",)),
    (re.compile(r"^/lists/?$"), "lists", ("GET", "POST")),
    (re.compile(rf"^/lists/{_ID}/?$"), "list", ("GET", "POST", "PATCH", "DELETE")),
    (re.compile(rf"^/lists/{_ID}/members/?$"), "members", ("GET", "POST")),
    (re.compile(rf"^/lists/{_ID}/members/{_ID}/?$"), "member", ("GET", "PUT", "PATCH", "DELETE")),
    (re.compile(rf"^/lists/{_ID}/members/{_ID}/actions/delete-permanent/?$"), "delete_permanent", ("POST",)),
    (re.compile(rf"^/lists/{_ID}/members/{_ID}/tags/?$"), "tags", ("GET", "POST")),
    (re.compile(rf"^/lists/{_ID}/merge-fields/?$"), "merge_fields", ("GET", "POST")),
    (re.compile(rf"^/lists/{_ID}/merge-fields/{_ID}/?$"), "merge_field", ("GET", "PATCH", "DELETE")),
]
# Documented calls the sandbox does not simulate: a loud 501, never a silent 404 or a wrong answer.
NOT_SIMULATED = {("lists", "POST"), ("list", "PATCH"), ("list", "DELETE")}
SEED_KEYS = frozenset({"reset", "lists", "members", "merge_fields", "generate"})


class Clock:
    """The time source the sandbox's parts share; ``now`` may be replaced by tests."""

    def __init__(self, now: Callable[[], float] = time.time):
        self.now = now

    def __call__(self) -> float:
        return self.now()


class MailchimpSandbox(SandboxApp):
    """WSGI app simulating Mailchimp's Marketing API v3 (audiences, members, tags, merge fields)."""

    name = "mailchimp"

    def __init__(self, config: MailchimpSandboxConfig | None = None):
        self.config = config or default_config()
        super().__init__(faults=self.config.faults)
        self._clock = Clock()
        self.account = Account(self.config, self._clock)

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
            "base_url": base_url.rstrip("/") + "/3.0",
            "api_key": self.config.api_keys[0],
            "dc": self.config.dc,
            "list_id": self.config.default_list_id,
        }

    # --- SandboxApp hooks ------------------------------------------------------------
    def reset_state(self) -> None:
        self.account.reset()

    def state(self) -> dict:
        with self.lock:
            return {
                "dc": self.config.dc,
                "lists": {
                    a.id: {
                        "name": a.name,
                        "members": a.counts(),
                        "forgotten": len(a.forgotten),
                        "merge_fields": [m.tag for m in a.merge_fields.values()],
                    }
                    for a in self.account.lists.values()
                },
            }

    def fault_response(self, status: int, reason: str) -> Response:
        if status == 429:
            return ApiError(429, "Too Many Requests", TOO_MANY).response()
        # UNCERTAIN: the reference gives no 5xx wording; the problem-detail shape with a plain title.
        titles = {500: "Internal Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}
        return ApiError(status, titles.get(status, "Internal Server Error"), "An unexpected error occurred.").response()

    # --- the API -----------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            try:
                self._authenticate(request)
                if not (request.path == "/3.0" or request.path.startswith("/3.0/")):
                    raise not_found()
                path = request.path[len("/3.0") :] or "/"
                route, groups, methods = self._route(path)
                if route is None:
                    raise not_found()
                if request.method not in methods:
                    error = ApiError(
                        405,
                        "Method Not Allowed",
                        "The requested method and resource are not compatible. "
                        "See the Allow header for this resource's available methods.",
                    )
                    response = error.response()
                    response.headers["Allow"] = ", ".join(methods)
                    return response
                if (route, request.method) in NOT_SIMULATED:
                    raise ApiError(501, "Not Implemented", f"The sandbox does not simulate {request.method} {path}")
                status, body = self._dispatch(request, route, groups)
                if status == 204:
                    return Response(status=204)
                body = fields.apply(body, request.arg("fields"), request.arg("exclude_fields"))
                return json_response(body, status)
            except ApiError as error:
                return error.response()

    def _authenticate(self, request: Request) -> None:
        """HTTP Basic, any user name, the API key as password (C.1)."""
        header = request.header("authorization") or ""
        kind, _, credentials = header.partition(" ")
        if not header or kind.lower() != "basic":
            # UNCERTAIN: OAuth bearer tokens (C.1) are not simulated; anything but Basic is a missing key.
            raise ApiError(401, "API Key Missing", KEY_MISSING)
        try:
            _, _, key = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(401, "API Key Invalid", KEY_INVALID)
        if not key:
            raise ApiError(401, "API Key Missing", KEY_MISSING)
        dc = key.rsplit("-", 1)[1] if "-" in key else ""
        if re.match(r"^[a-z]+\d+$", dc) and dc != self.config.dc:
            # UNCERTAIN: a well-formed key of another data center is 403 Wrong Datacenter (C.6 names it);
            # an unknown key of this data center, or one without a suffix, 401 API Key Invalid.
            raise ApiError(403, "Wrong Datacenter", WRONG_DC)
        if key not in self.config.api_keys:
            raise ApiError(401, "API Key Invalid", KEY_INVALID)

    @staticmethod
    def _route(path: str):
        for pattern, name, methods in ROUTES:
            match = pattern.match(path)
            if match:
                return name, match.groups(), methods
        return None, (), ()

    @staticmethod
    def _body(request: Request):
        if not request.body:
            raise ApiError(400, "JSON Parse Error", "We encountered an unspecified JSON parsing error.")
        try:
            return json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "JSON Parse Error", "We encountered an unspecified JSON parsing error.")

    def _dispatch(self, request: Request, route: str, groups: tuple[str, ...]) -> tuple[int, object]:
        account, method = self.account, request.method
        if route == "ping":
            return 200, {"health_status": "Everything's Chimpy!"}
        if route == "lists":
            return 200, api.lists(account, request)
        list_id = groups[0]
        if route == "list":
            if method == "GET":
                return 200, api.one_list(account, list_id)
            return 200, api.batch_subscribe(account, request, list_id, self._body(request))
        if route == "members":
            if method == "GET":
                return 200, api.list_members(account, request, list_id)
            return 200, api.add_member(account, request, list_id, self._body(request))
        if route == "member":
            key = groups[1]
            if method == "GET":
                return 200, api.get_member(account, list_id, key)
            if method == "PUT":
                return 200, api.put_member(account, request, list_id, key, self._body(request))
            if method == "PATCH":
                return 200, api.patch_member(account, request, list_id, key, self._body(request))
            api.archive_member(account, list_id, key)
            return 204, None
        if route == "delete_permanent":
            api.delete_permanent(account, list_id, groups[1])
            return 204, None
        if route == "tags":
            if method == "GET":
                return 200, api.member_tags(account, request, list_id, groups[1])
            api.update_member_tags(account, list_id, groups[1], self._body(request))
            return 204, None
        if route == "merge_fields":
            if method == "GET":
                return 200, api.list_merge_fields(account, request, list_id)
            return 200, api.add_merge_field(account, list_id, self._body(request))
        merge_id = groups[1]
        if method == "GET":
            return 200, api.get_merge_field(account, list_id, merge_id)
        if method == "PATCH":
            return 200, api.update_merge_field(account, list_id, merge_id, self._body(request))
        api.delete_merge_field(account, list_id, merge_id)
        return 204, None

    # --- Python helpers for tests and the demo -----------------------------------------------
    def seed(self, payload: dict) -> dict:
        """Add data, bypassing the API's refusals only where said:
        ``{"reset": false, "lists": [{"id": "...", "name": "..."}],
        "merge_fields": [{"list_id": "...", "tag": "COMPANY", "name": "Company", "type": "text"}],
        "members": [{"list_id": "...", "email_address": "...", "status": "subscribed", "merge_fields": {...},
        "tags": [...], "unsubscribed_by_contact": false, "forgotten": false}],
        "generate": {"members": N, "list_id": "...", "seed": 1}}``. Members go through the API's checks
        (a bad one is a ValueError); ``status`` may be any of the six, ``forgotten`` makes it permanently deleted."""
        unknown = set(payload) - SEED_KEYS
        if unknown:
            raise ValueError(f"unknown seed keys {sorted(unknown)}")
        with self.lock:
            if payload.get("reset"):
                self.account.reset()
            result: dict = {"lists": [], "members": [], "merge_fields": []}
            for item in payload.get("lists", []):
                result["lists"].append(self.account.create_list(item["name"], item.get("id")).id)
            default = self.config.default_list_id
            for item in payload.get("merge_fields", []):
                item = dict(item)
                list_id = item.pop("list_id", default)
                result["merge_fields"].append(self._api_call(api.add_merge_field, self.account, list_id, item)["tag"])
            for item in payload.get("members", []):
                result["members"].append(self.add_member(**item))
            if "generate" in payload:
                spec = dict(payload["generate"])
                audience = self.account.lists[spec.pop("list_id", default)]
                result["generated"] = generate(self.account, audience, **spec)
            return result

    @staticmethod
    def _api_call(function, *args):
        try:
            return function(*args)
        except ApiError as error:
            raise ValueError(f"{error.title}: {error.detail} {error.errors or ''}".strip()) from None

    def add_member(
        self,
        email_address: str,
        status: str = "subscribed",
        list_id: str | None = None,
        unsubscribed_by_contact: bool = False,
        forgotten: bool = False,
        **fields_,
    ) -> str:
        """Add one member (as a sign-up form would); returns its subscriber hash."""
        with self.lock:
            audience = self.account.lists[list_id or self.config.default_list_id]
            body = {"email_address": email_address, "status": "subscribed" if status == "archived" else status}
            body.update(fields_)
            try:
                member, _ = self.account.write_member(audience, body, mode="post")
            except Exception as error:
                if isinstance(error, ApiError):
                    raise ValueError(f"{error.title}: {error.detail} {error.errors or ''}".strip()) from None
                raise
            if status == "archived":
                self.account.archive(member)
            member.unsubscribed_by_contact = unsubscribed_by_contact and status == "unsubscribed"
            if forgotten:
                self.account.delete_permanently(audience, member)
            return member.id

    def member(self, email_or_hash: str, list_id: str | None = None) -> dict | None:
        """A member as the API renders it (any status), or None."""
        with self.lock:
            audience = self.account.lists[list_id or self.config.default_list_id]
            found = audience.find_member(email_or_hash)
            return api.render_member(audience, found) if found else None

    def _member(self, email: str, list_id: str | None) -> Member:
        audience = self.account.lists[list_id or self.config.default_list_id]
        found = audience.members.get(subscriber_hash(email))
        if found is None:
            raise KeyError(email)
        return found

    def unsubscribe_by_contact(self, email: str, list_id: str | None = None) -> None:
        """The contact clicks an unsubscribe link: never resubscribable by the API (compliance state)."""
        with self.lock:
            member = self._member(email, list_id)
            member.status, member.unsubscribed_by_contact = "unsubscribed", True
            member.last_changed = self.account.now()

    def bounce(self, email: str, list_id: str | None = None) -> None:
        """The address bounces hard: the member is cleaned."""
        with self.lock:
            member = self._member(email, list_id)
            member.status = "cleaned"
            member.last_changed = self.account.now()

    def confirm(self, email: str, list_id: str | None = None) -> None:
        """A pending member confirms the double opt-in email: subscribed."""
        with self.lock:
            member = self._member(email, list_id)
            if member.status != "pending":
                raise ValueError(f"{email} is {member.status}, not pending")
            member.status = "subscribed"
            member.last_changed = self.account.now()


__all__ = ["MailchimpSandbox", "default_config"]
