"""HTTP to the People API: bearer tokens kept fresh, retries, typed errors.

One :class:`GoogleApiTransport` per client. It refreshes the access token
shortly before it expires and once more when Google answers 401, hands new
credentials to ``token_updater`` (the caller stores them encrypted), retries
429, 5xx, timeouts and dropped connections with the retry policy every provider
shares (:class:`~..http.RetryPolicy`: exponential backoff and jitter, honouring
``Retry-After`` when present, which Google does not document), and turns every
other answer into a typed error.

Creates are not idempotent: when one fails in a way that leaves its outcome
unknown, the transport raises :class:`WriteOutcomeUnknown` instead of sending
it again, and the client looks the records up by their idempotency key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from config.redaction import register_secret

from ..errors import AuthenticationError, ProviderError, RateLimited, Unavailable
from ..http import RetryPolicy, is_retryable, json_object, send_bearer
from .api_errors import API_NAME, WriteOutcomeUnknown, error_from_http, malformed
from .oauth import GoogleOAuthEndpoints, refresh_access_token

REFRESH_MARGIN_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 64.0  # Google's guidance for exponential backoff caps at about a minute

TokenUpdater = Callable[[dict[str, Any]], None]


def _refused_after_refresh(status: int, error: ProviderError) -> ProviderError:
    """A 401 comes after the transport refreshed the token once already: the account must be reconnected."""
    if status != 401:
        return error
    return AuthenticationError(
        f"{API_NAME} refused a freshly refreshed access token; reconnect the Google account.",
        status=401,
        code=error.code,
    )


class GoogleApiTransport:
    """Authenticated JSON requests to the People API with retries (see the module docstring)."""

    def __init__(
        self,
        endpoints: GoogleOAuthEndpoints,
        *,
        client_id: str,
        client_secret: str,
        credentials: dict[str, Any],
        token_updater: TokenUpdater | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 1.0,
    ):
        if not credentials.get("refresh_token"):
            raise AuthenticationError("This Google connection has no refresh token; reconnect the Google account.")
        self.endpoints = endpoints
        self._client_id = client_id
        self._client_secret = client_secret
        self._credentials = dict(credentials)
        self._token_updater = token_updater
        self.timeout = timeout
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=MAX_BACKOFF_SECONDS,
            max_retry_after=MAX_BACKOFF_SECONDS,
            give_up_on_long_retry_after=False,  # a longer Retry-After is waited for a minute, then tried
            retry_after_jitter=0.0,
            provider=API_NAME,
        )
        self._margin = REFRESH_MARGIN_SECONDS
        self._lock = threading.Lock()
        # Public so that a caller may add hooks or proxies; the bearer header is set per request.
        self.session = requests.Session()
        for secret in (client_secret, credentials.get("refresh_token"), credentials.get("access_token")):
            register_secret(secret)

    def __repr__(self) -> str:
        return f"<GoogleApiTransport {self.endpoints.api_base_url}>"

    @property
    def credentials(self) -> dict[str, Any]:
        """A copy of the current credentials (the caller stores them encrypted)."""
        with self._lock:
            return dict(self._credentials)

    def close(self) -> None:
        self.session.close()

    # --- tokens -------------------------------------------------------------
    def _access_token(self) -> str:
        with self._lock:
            token = self._credentials.get("access_token")
            expires_at = self._credentials.get("expires_at")
            fresh = token and expires_at is not None and float(expires_at) - self._margin > time.time()
        if fresh:
            return token
        return self.refresh()

    def refresh(self, *, stale_token: str | None = None) -> str:
        """Get a new access token (retrying transient failures) and hand the credentials to ``token_updater``.

        ``stale_token`` is the token a 401 was answered for: when another thread
        already replaced it, that newer token is used instead of refreshing twice.
        """
        with self._lock:
            current = self._credentials.get("access_token")
            if stale_token is not None and current and current != stale_token:
                return current
            refresh_token = self._credentials["refresh_token"]
        new = self.retry_policy.call(
            lambda: refresh_access_token(
                self.endpoints, self._client_id, self._client_secret, refresh_token, timeout=self.timeout
            ),
            retryable=lambda error: isinstance(error, (Unavailable, RateLimited)),
            what="token refresh",
        )
        lifetime = float(new["expires_at"]) - time.time()
        with self._lock:
            self._credentials.update(new)
            # A short-lived token (a sandbox set to seconds) would otherwise be
            # "about to expire" from birth and be refreshed before every call.
            self._margin = max(0.0, min(REFRESH_MARGIN_SECONDS, lifetime / 2))
            snapshot = dict(self._credentials)
        if self._token_updater is not None:
            self._token_updater(snapshot)
        return new["access_token"]

    # --- requests -------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Send one API call (``path`` relative to the API root, e.g. ``v1/people:batchGet``) and
        return its JSON object. Retries what may succeed later; raises typed errors."""
        url = f"{self.endpoints.api_base_url}/{path.lstrip('/')}"
        refreshed_for_401 = False

        def attempt() -> dict[str, Any]:
            nonlocal refreshed_for_401
            token = self._access_token()
            response = self._send(method, url, params, json_body, token, idempotent)
            if response.status_code == 401 and not refreshed_for_401:
                # The token may have been revoked or expired early: one refresh, then one more try
                # (part of this attempt: it is not a failure of the API).
                refreshed_for_401 = True
                token = self.refresh(stale_token=token)
                response = self._send(method, url, params, json_body, token, idempotent)
            return self._answer(method, path, response, idempotent)

        # A write whose outcome is unknown must not be sent again: the caller looks it up instead.
        return self.retry_policy.call(
            attempt,
            retryable=lambda error: is_retryable(error) and not isinstance(error, WriteOutcomeUnknown),
            what=f"{method} {path}",
        )

    def _send(self, method: str, url: str, params, json_body, token: str, idempotent: bool) -> requests.Response:
        """One HTTP request; a failure to get an answer becomes :class:`Unavailable` (or
        :class:`WriteOutcomeUnknown` for a create that may have reached Google)."""
        return send_bearer(
            self.session,
            method,
            url,
            token=token,
            params=params,
            json_body=json_body,
            timeout=self.timeout,
            idempotent=idempotent,
            api_name=API_NAME,
            outcome_unknown=WriteOutcomeUnknown,
        )

    def _answer(self, method: str, path: str, response: requests.Response, idempotent: bool) -> dict[str, Any]:
        """The JSON object of a response, or the typed error it stands for (raised)."""
        return json_object(
            response,
            what=f"{method} {path}",
            idempotent=idempotent,
            error_from_http=error_from_http,
            malformed=malformed,
            outcome_unknown=WriteOutcomeUnknown,
            refine=_refused_after_refresh,
        )
