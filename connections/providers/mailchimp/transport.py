"""HTTP to Mailchimp's Marketing API: HTTP Basic with the API key, timeouts, retries, typed errors.

One :class:`MailchimpTransport` per client. Every call carries the key as the Basic password (any username,
reference C.1); the base URL is the key's data centre's, or the account's override (a sandbox). What may
succeed later (429 over the 10 simultaneous connections, a bare 403 throttle, 5xx, timeouts, dropped
connections, a garbled body) is retried with the retry policy every provider shares; Mailchimp sends no
rate-limit headers (C.7), so the waits are backoff. A write that is not idempotent (a POST that adds) is
not sent again when its outcome is unknown: :class:`WriteOutcomeUnknown`.
"""

from __future__ import annotations

from typing import Any

import requests

from config.redaction import register_secret

from ..errors import AuthenticationError, Unavailable
from ..http import RetryPolicy, is_retryable, json_object, send_json
from .api_errors import API_NAME, error_from_http, malformed
from .keys import base_url

USER = "netsuite-contact-sync"  # any username will do (reference C.1)
MAX_BACKOFF_SECONDS = 10.0


class WriteOutcomeUnknown(Unavailable):
    """An add failed in a way that does not tell whether Mailchimp applied it: look it up, do not resend."""


class MailchimpTransport:
    """Authenticated JSON requests to one Mailchimp account (see the module docstring)."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url_override: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
    ):
        if not api_key:
            raise AuthenticationError("This Mailchimp account has no API key; type it again.")
        register_secret(api_key)
        self._key = api_key
        self.base_url = base_url(api_key, base_url_override)
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=MAX_BACKOFF_SECONDS,
            provider=API_NAME,
        )
        self.session = requests.Session()

    def __repr__(self) -> str:  # never the key
        return f"<MailchimpTransport {self.base_url}>"

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
        """Send one call (``path`` from the API root, e.g. ``/lists``) and return its JSON object (``{}`` for
        a 204). Retries what may succeed later; raises typed errors."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        return self.retry_policy.call(
            lambda: self._attempt(method, url, path, params, json_body, idempotent),
            retryable=lambda error: is_retryable(error) and not isinstance(error, WriteOutcomeUnknown),
            what=f"{method} {path}",
        )

    def _attempt(self, method, url, path, params, json_body, idempotent: bool) -> dict[str, Any]:
        response = send_json(
            self.session,
            method,
            url,
            params=params,
            json_body=json_body,
            timeout=self.timeout,
            idempotent=idempotent,
            api_name=API_NAME,
            outcome_unknown=WriteOutcomeUnknown,
            auth=(USER, self._key),
        )
        return json_object(
            response,
            what=f"{method} {path}",
            idempotent=idempotent,
            error_from_http=error_from_http,
            malformed=malformed,
            outcome_unknown=WriteOutcomeUnknown,
        )
