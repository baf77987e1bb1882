"""The rate limits of reference B.8, per portal: a rolling 10-second window, a
daily count (reset at midnight UTC), and the search API's own per-second window.

A refused request charges nothing. Every API request counts in the 10-second and
daily policies, search included. UNCERTAIN: the reference calls search "a separate
bucket"; counting it in the general policies too is the stricter reading.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .config import HubSpotSandboxConfig

DAY = 86400.0


class RateLimiter:
    """Sliding windows; :meth:`charge` returns the exhausted policy's name or None."""

    def __init__(self, config: HubSpotSandboxConfig, clock: Callable[[], float]):
        self.config = config
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self._ten: deque[float] = deque()
        self._search: deque[float] = deque()
        self._day = -1
        self._daily = 0

    def _prune(self, now: float) -> None:
        while self._ten and self._ten[0] <= now - 10.0:
            self._ten.popleft()
        while self._search and self._search[0] <= now - 1.0:
            self._search.popleft()
        day = int(now // DAY)
        if day != self._day:
            self._day, self._daily = day, 0

    def charge(self, search: bool) -> str | None:
        """Count one request, or name the policy that refuses it."""
        now = self.clock()
        self._prune(now)
        c = self.config
        if c.daily_limit is not None and self._daily >= c.daily_limit:
            return "DAILY"
        if c.ten_second_limit is not None and len(self._ten) >= c.ten_second_limit:
            return "TEN_SECONDLY_ROLLING"
        if search and c.search_per_second is not None and len(self._search) >= c.search_per_second:
            return "SECONDLY"
        self._daily += 1
        self._ten.append(now)
        if search:
            self._search.append(now)
        return None

    def headers(self) -> dict[str, str]:
        """The ``X-HubSpot-RateLimit-*`` headers of a normal (non-search) answer."""
        c = self.config
        headers = {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
        if c.ten_second_limit is not None:
            headers["X-HubSpot-RateLimit-Max"] = str(c.ten_second_limit)
            headers["X-HubSpot-RateLimit-Remaining"] = str(max(0, c.ten_second_limit - len(self._ten)))
        if c.daily_limit is not None:
            headers["X-HubSpot-RateLimit-Daily"] = str(c.daily_limit)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(0, c.daily_limit - self._daily))
        return headers

    def usage(self) -> dict:
        self._prune(self.clock())
        return {"ten_seconds": len(self._ten), "daily": self._daily, "search_second": len(self._search)}
