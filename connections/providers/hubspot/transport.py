"""HTTP to HubSpot's CRM API: a private app's bearer token, timeouts, retries, typed errors.

One :class:`HubSpotTransport` per client. Every call carries ``Authorization: Bearer <token>`` (the wire
format of a private app's token, reference B.1); the base URL is HubSpot's or the account's override. What
may succeed later (429 of the ten-second or per-second policies, 5xx, timeouts, dropped connections, a
garbled body) is retried with the retry policy every provider shares (:class:`~..http.RetryPolicy`,
honouring ``Retry-After`` when HubSpot sends one); a daily limit is not (:class:`.api_errors.DailyLimitReached`).

A create is not idempotent: when one fails without telling whether HubSpot applied it, the transport
raises :class:`.api_errors.WriteOutcomeUnknown` instead of sending it again. A 429 is safe to resend: the
request was refused. A 401 is never taken as "refresh the token" (HubSpot says it is not that signal;
a private-app token does not expire): it is an :class:`~..errors.AuthenticationError`.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from config.redaction import register_secret

from ..errors import AuthenticationError, RateLimited, Unavailable
from ..http import RetryPolicy, is_retryable, never_sent, parse_retry_after
from .api_errors import API_NAME, WriteOutcomeUnknown, error_from_http, malformed

DEFAULT_BASE_URL = "https://api.hubapi.com"
# The ten-second rolling window is the burst limit (reference B.8): a Retry-After, or backoff up to a
# little more than one window, gets the next attempt into a fresh window.
MAX_BACKOFF_SECONDS = 12.0
MAX_RETRY_AFTER_SECONDS = 60.0


class HubSpotTransport:
    """Authenticated JSON requests to one HubSpot account (see the module docstring)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
    ):
        if not token:
            raise AuthenticationError("This HubSpot account has no private app access token; type it again.")
        register_secret(token)
        self._token = token
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=MAX_BACKOFF_SECONDS,
            max_retry_after=MAX_RETRY_AFTER_SECONDS,
            give_up_on_long_retry_after=True,
            provider=API_NAME,
        )
        self.session = requests.Session()

    def __repr__(self) -> str:  # never the token
        return f"<HubSpotTransport {self.base_url}>"

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Send one call (``path`` from the API root, e.g. ``/crm/v3/objects/contacts``) and return its JSON
        object (``{}`` for an answer without a body, such as an archive's 204). A 207 is returned like a 200:
        its ``errors`` are the caller's to read. Retries what may succeed later; raises typed errors."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        return self.retry_policy.call(
            lambda: self._attempt(method, url, path, params, json_body, idempotent),
            retryable=lambda error: is_retryable(error) and not isinstance(error, WriteOutcomeUnknown),
            what=f"{method} {path}",
        )

    def _attempt(self, method, url, path, params, json_body, idempotent: bool) -> dict[str, Any]:
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                timeout=self.timeout,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            )
        except requests.RequestException as exc:
            error = Unavailable(f"{API_NAME} could not be reached or timed out ({type(exc).__name__}).")
            if not idempotent and not never_sent(exc):
                raise WriteOutcomeUnknown(error.message) from None
            raise error from None
        return self._answer(method, path, response, idempotent)

    def _answer(self, method: str, path: str, response: requests.Response, idempotent: bool) -> dict[str, Any]:
        status = response.status_code
        if status >= 400:
            error = error_from_http(status, response.content, parse_retry_after(response.headers.get("Retry-After")))
            if error.retryable and not idempotent and not isinstance(error, RateLimited):
                # A 5xx may come after the create was applied; a 429 means it was refused.
                raise WriteOutcomeUnknown(error.message, status=status, code=error.code)
            raise error
        if not response.content.strip():
            return {}
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            error = malformed(f"{method} {path} answered HTTP {status} with a body that is not a JSON object")
            if not idempotent:
                raise WriteOutcomeUnknown(error.message, status=status, code="MALFORMED")
            raise error
        return data
