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

from typing import Any

import requests

from config.redaction import register_secret

from ..errors import AuthenticationError
from ..http import RetryPolicy, is_retryable, json_object, send_bearer
from .api_errors import API_NAME, WriteOutcomeUnknown, error_from_http, malformed
from .pacing import Pacer

DEFAULT_BASE_URL = "https://api.hubapi.com"
# The ten-second rolling window is the burst limit (reference B.8): a Retry-After, or backoff up to a
# little more than one window, gets the next attempt into a fresh window.
MAX_BACKOFF_SECONDS = 12.0
# A Professional (or Enterprise) private app's burst limit, and the search API's own (reference B.3, B.8).
TEN_SECOND_LIMIT = 190
SEARCH_PER_SECOND = 5
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
        self.search_pacer = Pacer(SEARCH_PER_SECOND)

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
        paced = method == "POST" and path.endswith("/search")  # the search's own per-second limit

        def attempt() -> dict[str, Any]:
            if paced:
                self.search_pacer.wait()
            return self._attempt(method, url, path, params, json_body, idempotent)

        return self.retry_policy.call(
            attempt,
            retryable=lambda error: is_retryable(error) and not isinstance(error, WriteOutcomeUnknown),
            what=f"{method} {path}",
        )

    def _attempt(self, method, url, path, params, json_body, idempotent: bool) -> dict[str, Any]:
        unknown = {"idempotent": idempotent, "outcome_unknown": WriteOutcomeUnknown}
        response = send_bearer(
            self.session,
            method,
            url,
            token=self._token,
            params=params,
            json_body=json_body,
            timeout=self.timeout,
            api_name=API_NAME,
            **unknown,
        )
        return json_object(
            response, what=f"{method} {path}", error_from_http=error_from_http, malformed=malformed, **unknown
        )
