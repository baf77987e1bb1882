"""Per-minute quotas of the People API for the sandbox's single user.

Each request charges one or more buckets (see :data:`METHOD_COSTS`, after the
reference's A.8); a request that would overflow any bucket within the last 60
seconds (a sliding window) is refused with 429 RESOURCE_EXHAUSTED, shaped like
the real body quoted in the reference, and charges nothing. Google documents no
``Retry-After`` header, so none is sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .config import GoogleSandboxConfig
from .errors import SERVICE, ApiError, error_info

WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class Bucket:
    """A quota bucket as Google names it in a 429 body."""

    key: str
    metric: str  # display name of the quota metric
    limit: str  # display name of the limit
    quota_metric: str
    quota_limit: str


# The critical-write names are those of the real 429 in the reference; the
# others follow the same pattern with the console's bucket names.
BUCKETS = {
    "critical_read": Bucket(
        "critical_read",
        "Critical read requests (Contact and Profile Reads)",
        "Critical read requests (Contact and Profile Reads) per minute per user",
        "people.googleapis.com/critical_read_requests",
        "CriticalReadsPerMinutePerProjectPerUser",
    ),
    "critical_write": Bucket(
        "critical_write",
        "Critical write requests",
        "Critical write requests per minute per user",
        "people.googleapis.com/critical_write_requests",
        "CriticalWritesPerMinutePerProjectPerUser",
    ),
    "write": Bucket(
        "write",
        "Write requests (Contact Deletes and Contact Group Writes)",
        "Write requests (Contact Deletes and Contact Group Writes) per minute per user",
        "people.googleapis.com/write_requests",
        "WritesPerMinutePerProjectPerUser",
    ),
    "read": Bucket(
        "read",
        "Read requests (Contact Group Reads)",
        "Read requests (Contact Group Reads) per minute per user",
        "people.googleapis.com/read_requests",
        "ReadsPerMinutePerProjectPerUser",
    ),
    "full_sync": Bucket(
        "full_sync",
        "Full sync requests",
        "Full sync requests per minute per user",
        "people.googleapis.com/full_sync_requests",
        "FullSyncRequestsPerMinutePerProjectPerUser",
    ),
}

_READ = {"critical_read": 1}
_WRITE = {"critical_read": 1, "critical_write": 1}
_BATCH_WRITE = {"critical_read": 6, "critical_write": 6}
METHOD_COSTS: dict[str, dict[str, int]] = {
    "people.people.connections.list": _READ,
    "people.people.get": _READ,
    "people.people.getBatchGet": _READ,
    "people.people.searchContacts": _READ,
    "people.people.createContact": _WRITE,
    "people.people.updateContact": _WRITE,
    "people.people.batchCreateContacts": _BATCH_WRITE,
    "people.people.batchUpdateContacts": _BATCH_WRITE,
    "people.people.deleteContact": {"write": 1},
    "people.people.batchDeleteContacts": {"write": 10},
    "people.contactGroups.list": {"read": 1},
    "people.contactGroups.get": {"read": 1},
    "people.contactGroups.batchGet": {"read": 1},
    "people.contactGroups.create": {"write": 1},
    "people.contactGroups.update": {"write": 1},
    "people.contactGroups.delete": {"write": 1},
    "people.contactGroups.members.modify": {"write": 1},
}


def limits_from(config: GoogleSandboxConfig) -> dict[str, int | None]:
    return {
        "critical_read": config.read_quota_per_minute,
        "critical_write": config.write_quota_per_minute,
        "write": config.other_write_quota_per_minute,
        "read": config.group_read_quota_per_minute,
        "full_sync": config.full_sync_quota_per_minute,
    }


def exhausted(bucket: Bucket, project_number: str) -> ApiError:
    """The 429 Google answers when ``bucket`` is exhausted."""
    message = (
        f"Quota exceeded for quota metric '{bucket.metric}' and limit '{bucket.limit}' of service "
        f"'{SERVICE}' for consumer 'project_number:{project_number}'."
    )
    metadata = {
        "consumer": f"projects/{project_number}",
        "quota_limit": bucket.quota_limit,
        "service": SERVICE,
        "quota_metric": bucket.quota_metric,
    }
    return ApiError(429, "RESOURCE_EXHAUSTED", message, [error_info("RATE_LIMIT_EXCEEDED", metadata=metadata)])


class QuotaMeter:
    """Sliding one-minute windows, one per bucket."""

    def __init__(self, limits: dict[str, int | None], clock: Callable[[], float], project_number: str):
        self.limits = dict(limits)
        self.clock = clock
        self.project_number = project_number
        self._used: dict[str, deque[tuple[float, int]]] = {key: deque() for key in BUCKETS}

    def reset(self) -> None:
        for window in self._used.values():
            window.clear()

    def _in_window(self, key: str, now: float) -> int:
        window = self._used[key]
        while window and window[0][0] <= now - WINDOW_SECONDS:
            window.popleft()
        return sum(cost for _, cost in window)

    def charge(self, costs: dict[str, int]) -> None:
        """Charge every bucket in ``costs`` or none; raise the 429 of the first that overflows."""
        now = self.clock()
        for key, cost in costs.items():
            limit = self.limits.get(key)
            if limit is not None and self._in_window(key, now) + cost > limit:
                raise exhausted(BUCKETS[key], self.project_number)
        for key, cost in costs.items():
            self._used[key].append((now, cost))

    def usage(self) -> dict[str, dict]:
        now = self.clock()
        return {key: {"used": self._in_window(key, now), "limit": self.limits.get(key)} for key in BUCKETS}
