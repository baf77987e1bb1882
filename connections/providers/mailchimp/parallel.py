"""Calls made one member at a time (a change, an archive, a read by id: Mailchimp has no batch for them),
sent side by side up to the account's connection limit (reference C.7: 10 simultaneous connections; more
answer 429, which the transport retries, so another worker of the same account only slows this one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ..errors import ProviderError

CONNECTIONS = 10  # simultaneous connections per account (reference C.7)

T = TypeVar("T")
R = TypeVar("R")


def in_parallel(call: Callable[[T], R], items: Iterable[T], *, workers: int = CONNECTIONS) -> list[R]:
    """``call`` on each item, at most ``workers`` at once; the results in the items' order. The first
    exception raised by a call is raised here (after the others finished)."""
    items = list(items)
    if len(items) <= 1 or workers <= 1:
        return [call(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="mailchimp") as pool:
        return list(pool.map(call, items))


def errors_of(
    call: Callable[[T], object], items: Iterable[T], *, workers: int = CONNECTIONS
) -> list[ProviderError | None]:
    """``call`` on each item side by side (:func:`in_parallel`), for its effect: the ``ProviderError`` each one
    raised, or None, in the items' order. One item's refusal does not stop the others."""

    def attempt(item: T) -> ProviderError | None:
        try:
            call(item)
        except ProviderError as error:
            return error
        return None

    return in_parallel(attempt, items, workers=workers)
