"""Keeping one client's searches under HubSpot's per-second search limit (reference B.3, B.8: 5 a second per
account) instead of sending them into a 429 and its backoff.

A read of changes pages through the search one request after another; at sandbox or real latencies a page
takes far less than 200 ms, so without pacing every sixth search of a second is refused, and each refusal
costs a backoff of up to a second. The pacer holds a search until the oldest of the last ``per_second``
searches is a second old (plus a small margin: HubSpot counts on its own clock, when the request arrives).
It paces one client (one run) only; other clients of the account still meet the 429 and its retry.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MARGIN_S = 0.05


class Pacer:
    """At most ``per_second`` calls to :meth:`wait` return within any second (see the module docstring)."""

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=per_second)
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Wait until one more call fits in the limit; returns the seconds waited."""
        with self._lock:
            waited = 0.0
            if len(self._starts) == self.per_second:
                delay = self._starts[0] + 1.0 + MARGIN_S - self._clock()
                if delay > 0:
                    self._sleep(delay)
                    waited = delay
            self._starts.append(self._clock())
            return waited
