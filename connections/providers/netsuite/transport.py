"""HTTP to SuiteTalk REST: TBA signing, timeouts, retries, the account's concurrency slots, typed errors.

Every attempt is signed anew (a fresh OAuth1 nonce and timestamp: NetSuite
refuses a reused nonce), over one :class:`requests.Session` whose connection
pool is at least as big as the concurrency cap. NetSuite's concurrency limit is
per account, and a request over it is refused with 429: each attempt holds one
of the account's slots (``slots``, a :class:`~..slots.SlotGate`) while it is on
the wire, never during a backoff sleep. The gate the product passes is shared by
every client, worker and machine using the account (``connections.slots``); the
default, for a client built on its own, caps this client only.

Retried (:class:`~..http.RetryPolicy`, shared with every provider): 429, 5xx,
connection errors, timeouts and unparseable JSON bodies, with exponential backoff
and jitter, honouring ``Retry-After`` when present. Every write the client makes
is idempotent (PUT by externalId, PATCH, DELETE) and SuiteQL is read-only, so
retrying a request that may have landed is safe.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1

from config.redaction import register_secret

from ..errors import MalformedResponse, Unavailable
from ..http import RetryPolicy
from ..slots import LocalSlots, SlotGate
from .account import host_for, realm_for
from .error_mapping import error_for_response

log = logging.getLogger(__name__)

CREDENTIAL_KEYS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
REST_ROOT = "/services/rest"
RESIGN_AFTER = 60.0  # seconds a signed request may wait for its slot before it is signed again


@dataclass
class ApiResponse:
    """A successful response: status, headers, and the parsed JSON body (None when empty)."""

    status: int
    headers: Mapping[str, str]
    data: Any

    @property
    def server_time(self) -> datetime | None:
        """The server's clock, from the ``Date`` header."""
        try:
            return parsedate_to_datetime(self.headers.get("Date", ""))
        except (TypeError, ValueError):
            return None


class Transport:
    """Signed, retried, concurrency-capped calls to one NetSuite account's REST API."""

    def __init__(
        self,
        account_id: str,
        credentials: Mapping[str, str],
        base_url: str | None = None,
        *,
        concurrency_limit: int = 5,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_after: float = 60.0,
        slots: SlotGate | None = None,
    ):
        missing = [key for key in CREDENTIAL_KEYS if not (credentials or {}).get(key)]
        if missing:
            raise ValueError(f"NetSuite credentials are missing: {', '.join(missing)}")
        if concurrency_limit < 1:
            raise ValueError("concurrency_limit must be at least 1")
        self.account_id = account_id
        self.realm = realm_for(account_id)
        root = (base_url or host_for(account_id)).rstrip("/")
        self.base_url = root[: -len(REST_ROOT)] if root.endswith(REST_ROOT) else root
        self._credentials = {key: str(credentials[key]) for key in CREDENTIAL_KEYS}
        for key in CREDENTIAL_KEYS:
            # Keys and token ids are not secrets in the strict sense, but
            # together with a leaked secret they complete a credential.
            register_secret(self._credentials[key])
        self.concurrency_limit = concurrency_limit
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_retry_after=max_retry_after,
            give_up_on_long_retry_after=True,  # a run should not sleep minutes on one request
            provider=f"NetSuite {self.realm}",
        )
        self.slots = slots if slots is not None else LocalSlots(concurrency_limit)
        self.session = requests.Session()
        self._settings: dict | None = None
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(10, concurrency_limit), max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({"Accept": "application/json", "User-Agent": "contactsync-netsuite/1"})

    def __repr__(self) -> str:
        return f"<Transport {self.realm} at {self.base_url}>"

    def auth(self) -> OAuth1:
        """A new signer; each request gets its own nonce and timestamp when it is signed."""
        return OAuth1(
            client_key=self._credentials["consumer_key"],
            client_secret=self._credentials["consumer_secret"],
            resource_owner_key=self._credentials["token_id"],
            resource_owner_secret=self._credentials["token_secret"],
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=self.realm,
        )

    def url(self, path: str) -> str:
        """The absolute URL of a REST path such as ``/record/v1/customer/7``."""
        return f"{self.base_url}{REST_ROOT}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        expect_json: bool = True,
    ) -> ApiResponse:
        """Send one API call, retrying what may succeed later; raise a typed error otherwise.

        Query parameters go into the URL, where OAuth1 signs them (NetSuite
        refuses an unsigned one). ``expect_json`` False accepts an empty body
        (NetSuite answers writes with 204 and no body).
        """
        operation = f"{method} {path}"

        def attempt() -> ApiResponse:
            error, response = self._attempt(method, path, params, json_body, headers, expect_json, operation)
            if error is not None:
                raise error
            return response

        return self.retry_policy.call(attempt, what=operation)

    def _attempt(self, method, path, params, json_body, headers, expect_json, operation):
        """One signed request; returns (error, None) or (None, response).

        The request is built and signed before its slot is taken, so a slot is held only while the
        request is on the wire (HMAC signing, a nonce and JSON encoding cost CPU, and on a busy
        process the GIL, that would otherwise idle one of the account's N slots). A request that
        waited long for its slot is signed again, so its timestamp stays fresh for NetSuite.
        """
        prepared = self._prepare(method, path, params, json_body, headers)
        signed_at = time.monotonic()
        with self.slots.hold():
            if time.monotonic() - signed_at > RESIGN_AFTER:
                prepared = self._prepare(method, path, params, json_body, headers)
            try:
                raw = self.session.send(prepared, timeout=self.timeout, **self._send_settings(prepared.url))
            except requests.Timeout:
                return Unavailable(f"NetSuite did not answer within {self.timeout:g}s ({operation})"), None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                reason = type(exc).__name__
                return Unavailable(f"Could not reach NetSuite at {self.base_url} ({operation}): {reason}"), None
        if raw.status_code >= 300:
            return (
                error_for_response(
                    raw.status_code, raw.content, raw.headers, account_id=self.realm, operation=operation
                ),
                None,
            )
        data, malformed = None, False
        if raw.content:
            try:
                data = json.loads(raw.content)
            except (ValueError, UnicodeDecodeError):
                malformed = True
        if malformed or (expect_json and data is None):
            message = f"NetSuite answered {operation} with a body that is not valid JSON (HTTP {raw.status_code})"
            return MalformedResponse(message, status=raw.status_code), None
        return None, ApiResponse(raw.status_code, raw.headers, data)

    def _prepare(self, method, path, params, json_body, headers) -> requests.PreparedRequest:
        """The request as it goes on the wire: the session's headers merged in, signed with a new nonce."""
        request = requests.Request(
            method, self.url(path), params=params, json=json_body, headers=dict(headers or {}), auth=self.auth()
        )
        return self.session.prepare_request(request)

    def _send_settings(self, url: str) -> dict:
        """What ``Session.request`` would add to ``send`` (proxies and certificates from the environment),
        worked out once per transport: the environment does not change under a run."""
        if self._settings is None:
            self._settings = self.session.merge_environment_settings(url, {}, None, None, None)
        return self._settings

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt (settable: a caller may want one attempt only)."""
        return self.retry_policy.max_retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self.retry_policy = dataclasses.replace(self.retry_policy, max_retries=value)

    def close(self) -> None:
        self.session.close()
