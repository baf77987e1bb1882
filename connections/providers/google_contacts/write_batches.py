"""Running writes batch by batch: chunks of the sizes Google accepts, a whole-account failure that stops the
chunks after it, and a refused batch halved to find the contacts at fault."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..base import WriteRequest, WriteResult
from ..errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    Unavailable,
    ValidationError,
)
from .batching import chunks

T = TypeVar("T")

# Errors that say the account, not the record, is in trouble: later batches would fail the same way.
ACCOUNT_LEVEL_ERRORS = (AuthenticationError, PermissionDenied, RateLimited, Unavailable)
# Errors one bad contact can cause for a whole batch: split the batch to isolate it.
RECORD_LEVEL_ERRORS = (ValidationError, NotFound)


def run_chunks(
    requests: list[WriteRequest], size: int, write: Callable[[list[WriteRequest]], list[WriteResult]]
) -> list[WriteResult]:
    """Write ``requests`` chunk by chunk; one result per request, in order.

    A chunk that fails as a whole gets its error on each of its requests; an
    account-level failure (auth, quota, outage) also fails the chunks after it
    without calling Google again, so that no result is lost and no quota wasted.
    """
    results: list[WriteResult] = []
    stop: ProviderError | None = None
    for chunk in chunks(requests, size):
        if stop is not None:
            results.extend(WriteResult(r.key, record_id=r.record_id, error=stop) for r in chunk)
            continue
        try:
            results.extend(write(chunk))
        except ProviderError as exc:
            results.extend(WriteResult(r.key, record_id=r.record_id, error=exc) for r in chunk)
            if isinstance(exc, ACCOUNT_LEVEL_ERRORS):
                stop = exc
    return results


def isolate(
    items: list[T],
    error: ProviderError,
    send: Callable[[list[T]], dict[int, WriteResult]],
    fail: Callable[[list[T], ProviderError], dict[int, WriteResult]],
) -> dict[int, WriteResult]:
    """``items`` were refused together with ``error``: find the ones at fault by halving.

    Google refuses a whole batch for one bad contact. Halving costs about two
    calls per level for one bad contact; when both halves are refused too the
    cause is common to the batch (a deleted group, say), so every item fails
    with its half's error instead of spending quota on a call per contact.
    """
    if len(items) == 1:
        return fail(items, error)
    half = len(items) // 2
    halves = (items[:half], items[half:])
    outcomes: list[dict[int, WriteResult] | ProviderError] = []
    for part in halves:
        try:
            outcomes.append(send(part))
        except (Conflict, *RECORD_LEVEL_ERRORS) as exc:
            outcomes.append(exc)
    if all(isinstance(o, ProviderError) for o in outcomes):
        return {**fail(halves[0], outcomes[0]), **fail(halves[1], outcomes[1])}
    results: dict[int, WriteResult] = {}
    for part, outcome in zip(halves, outcomes, strict=True):
        results.update(isolate(part, outcome, send, fail) if isinstance(outcome, ProviderError) else outcome)
    return results
