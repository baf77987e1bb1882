"""The HTTP plumbing every provider shares: one retry and backoff policy.

A transport sends one attempt and raises a typed :class:`~.errors.ProviderError`;
:meth:`RetryPolicy.call` decides whether and when to try again, on top of
`tenacity <https://tenacity.readthedocs.io>`_:

- what is retried: an error whose ``retryable`` is true (429, 5xx, timeouts,
  dropped connections, garbled bodies: the transports map them so), at most
  ``max_retries`` times after the first attempt;
- how long to wait: the server's ``Retry-After`` when it sent one (plus a little
  jitter, so that clients told the same second do not come back together), else
  exponential backoff with "equal jitter" (half of ``min(backoff_max, base * 2**n)``
  fixed, half random), so a client that keeps failing really does wait longer;
- a ``Retry-After`` longer than ``max_retry_after``: either give up at once (the
  server asks for more than a run should sleep) or wait ``max_retry_after``.

Each provider keeps its own figures (NetSuite backs off from 0.5 s up to 30 s,
Google from 1 s up to Google's advised minute); the rules are the same.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
import tenacity
from urllib3.exceptions import NewConnectionError

from .errors import MalformedResponse, ProviderError, RateLimited, Unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: either delta-seconds or an HTTP date (None when absent or unreadable)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_retryable(error: BaseException) -> bool:
    """The default test: a provider error that says the same call may succeed later."""
    return isinstance(error, ProviderError) and error.retryable


def _retry_after(retry_state: tenacity.RetryCallState) -> float | None:
    error = retry_state.outcome.exception() if retry_state.outcome else None
    return getattr(error, "retry_after", None)


@dataclass(frozen=True)
class RetryPolicy:
    """How one provider retries (see the module docstring). Immutable; share it freely."""

    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 60.0
    give_up_on_long_retry_after: bool = True  # False: wait max_retry_after instead
    retry_after_jitter: float | None = None  # None: up to backoff_base
    provider: str = "API"  # for the log line

    # --- tenacity pieces --------------------------------------------------------------
    def _wait(self) -> tenacity.wait.wait_base:
        # Equal jitter as the sum of tenacity's exponential wait and its "full jitter" wait, each on
        # half the ceiling: min(max, base * 2**n) / 2 fixed + uniform(0, min(max, base * 2**n) / 2).
        half_base, half_max = self.backoff_base / 2, self.backoff_max / 2
        backoff = tenacity.wait_exponential(multiplier=half_base, max=half_max) + tenacity.wait_random_exponential(
            multiplier=half_base, max=half_max
        )
        jitter = self.backoff_base if self.retry_after_jitter is None else self.retry_after_jitter
        retry_after_jitter = tenacity.wait_random(0, jitter) if jitter > 0 else tenacity.wait_none()
        cap = self.max_retry_after

        def wait(retry_state: tenacity.RetryCallState) -> float:
            asked = _retry_after(retry_state)
            if asked is None:
                return backoff(retry_state)
            return min(asked, cap) + retry_after_jitter(retry_state)

        return wait

    def _stop(self) -> tenacity.stop.stop_base:
        stop = tenacity.stop_after_attempt(self.max_retries + 1)
        if not self.give_up_on_long_retry_after:
            return stop
        limit = self.max_retry_after

        def asks_too_long(retry_state: tenacity.RetryCallState) -> bool:
            asked = _retry_after(retry_state)
            return asked is not None and asked > limit

        return stop | asks_too_long

    def call(
        self,
        attempt: Callable[[], T],
        *,
        retryable: Callable[[BaseException], bool] = is_retryable,
        what: str = "",
        sleep: Callable[[float], None] = time.sleep,
    ) -> T:
        """Run ``attempt`` until it returns, retrying the errors ``retryable`` accepts; the last error is raised
        as it was (never wrapped). ``what`` names the call in the log line of each retry."""

        def log_retry(retry_state: tenacity.RetryCallState) -> None:
            error = retry_state.outcome.exception()
            log.info(
                "%s%s: %s (attempt %d of %d); retrying in %.2fs",
                self.provider,
                f" {what}" if what else "",
                getattr(error, "message", error),
                retry_state.attempt_number,
                self.max_retries + 1,
                retry_state.upcoming_sleep,
            )

        retrying = tenacity.Retrying(
            stop=self._stop(),
            wait=self._wait(),
            retry=tenacity.retry_if_exception(retryable),
            before_sleep=log_retry,
            sleep=sleep,
            reraise=True,
        )
        return retrying(attempt)


def never_sent(exc: requests.RequestException) -> bool:
    """True when a request that failed surely never reached the server (no connection was made), so even a
    create may be sent again; any other failure may have reached it (its outcome is unknown)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
            continue
        args = getattr(current, "args", ())
        current = next((a for a in args if isinstance(a, BaseException)), None) or current.__cause__
    return False


# --- JSON APIs with a key or a bearer token (Google's People API, HubSpot, Mailchimp) ----------------------
def send_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    params: Any,
    json_body: Any,
    timeout: float,
    idempotent: bool,
    api_name: str,
    outcome_unknown: type[Unavailable],
    headers: dict[str, str] | None = None,
    auth: Any = None,
) -> requests.Response:
    """One JSON request, authenticated by ``headers`` or ``auth`` (requests' own, e.g. HTTP Basic). A failure
    to get an answer becomes :class:`~.errors.Unavailable`, or ``outcome_unknown`` for a write that is not
    idempotent (a create) and may have reached the server (:func:`never_sent`): it must be looked up, not sent
    again."""
    try:
        return session.request(
            method,
            url,
            params=params,
            json=json_body,
            timeout=timeout,
            auth=auth,
            headers={**(headers or {}), "Accept": "application/json"},
        )
    except requests.RequestException as exc:
        error = Unavailable(f"{api_name} could not be reached or timed out ({type(exc).__name__}).")
        if not idempotent and not never_sent(exc):
            raise outcome_unknown(error.message) from None
        raise error from None


def send_bearer(session: requests.Session, method: str, url: str, *, token: str, **options: Any) -> requests.Response:
    """:func:`send_json` with ``Authorization: Bearer <token>``."""
    return send_json(session, method, url, headers={"Authorization": f"Bearer {token}"}, **options)


def json_object(
    response: requests.Response,
    *,
    what: str,
    idempotent: bool,
    error_from_http: Callable[[int, bytes, float | None], ProviderError],
    malformed: Callable[[str], MalformedResponse],
    outcome_unknown: type[Unavailable],
    refine: Callable[[int, ProviderError], ProviderError] | None = None,
) -> dict[str, Any]:
    """The JSON object of an answer (``{}`` for an empty body), or the typed error it stands for, raised:
    the API's own (``error_from_http``, then ``refine`` when given), except that a write that is not
    idempotent and got a 5xx or a garbled body raises ``outcome_unknown`` (it may have been applied; a 429
    means it was refused)."""
    status = response.status_code
    if status >= 400:
        error = error_from_http(status, response.content, parse_retry_after(response.headers.get("Retry-After")))
        error = refine(status, error) if refine is not None else error
        if error.retryable and not idempotent and not isinstance(error, RateLimited):
            raise outcome_unknown(error.message, status=status, code=error.code)
        raise error
    try:
        data = json.loads(response.content) if response.content.strip() else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        error = malformed(f"{what} answered HTTP {status} with a body that is not a JSON object")
        if not idempotent:
            raise outcome_unknown(error.message, status=status, code="MALFORMED")
        raise error
    return data
