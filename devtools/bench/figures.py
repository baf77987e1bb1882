"""The figures of a run: the least time the APIs allow, the code measured, peak RSS, SQL queries, writes."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection as db

from connections.providers.registry import ApiLimits, get_provider
from syncengine.choices import Outcome, SyncDirection
from syncengine.models import RecordOutcome, SyncRun


@dataclass(frozen=True)
class SideLimits:
    """The limits of one side as a run meets them: its app's published :class:`ApiLimits`, its write batch
    and the concurrency that applies (NetSuite's: the account's setting)."""

    limits: ApiLimits
    write_batch: int
    concurrency: int


def side_limits(provider_key: str, account_concurrency: int) -> SideLimits:
    """The registry's figures for ``provider_key`` (its capabilities), with ``account_concurrency`` where the
    app's concurrency is the account's own setting."""
    capabilities = get_provider(provider_key).capabilities
    limits = capabilities.limits
    concurrency = limits.concurrency if limits.concurrency is not None else account_concurrency
    return SideLimits(limits, max(1, capabilities.write_batch), max(1, concurrency))


def side_seconds(latency_s: float, side: SideLimits, reads: int, writes: dict[str, int], *, incremental: bool) -> float:
    """The least time one side's API allows for reading ``reads`` changed records and writing ``writes``
    (``{"create": n, "update": m}``), the larger of three bounds:

    - latency: read pages one after the other (at least one; a read since a cursor adds the app's extra
      requests), then write requests ``concurrency`` at a time (creates and updates in batches of their own:
      the write batch, or for updates the app's ``update_batch`` when it has no batch update), each costing
      ``latency_s``;
    - the rolling window: request ``k`` cannot start before ``floor((k - 1) / window_requests)`` windows;
    - the change reads' own per-second limit, likewise (a read since a cursor only).
    """
    limits = side.limits
    page = limits.change_read_page if incremental else limits.full_read_page
    read_requests = max(1, math.ceil(reads / page))
    extra = limits.change_read_extra if incremental else 0
    batches = {"update": limits.update_batch or side.write_batch}
    write_requests = sum(
        math.ceil(count / max(1, batches.get(kind, side.write_batch))) for kind, count in writes.items()
    )
    bounds = [latency_s * (read_requests + extra + math.ceil(write_requests / side.concurrency))]
    if limits.window_requests:
        total = read_requests + extra + write_requests
        bounds.append((total - 1) // limits.window_requests * limits.window_s + latency_s)
    if incremental and limits.change_reads_per_s:
        bounds.append((read_requests - 1) // limits.change_reads_per_s + latency_s)
    return max(bounds)


def minimum_seconds(
    latency_s: float,
    sides: dict[str, SideLimits],
    reads: dict[str, int],
    writes: dict[str, dict[str, int]],
    *,
    incremental: bool,
) -> tuple[float, float]:
    """The least time the APIs allow for a run, as (one side after the other, both sides overlapped):
    the sum and the larger of each side's :func:`side_seconds`."""
    times = [
        side_seconds(latency_s, limits, reads[name], writes[name], incremental=incremental)
        for name, limits in sides.items()
    ]
    return sum(times), max(times)


def code_version() -> str | None:
    """The commit measured (``+dirty`` when the engine's code differs from it), when git knows."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "syncengine", "connections", "mappings", "rules"],
            cwd=settings.BASE_DIR,
            timeout=10,
        ).returncode
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("+dirty" if dirty else "")) or None


def rss_mb(kilobytes: float) -> float:
    """Kilobytes (as Linux counts RSS) in megabytes, one decimal."""
    return round(kilobytes / 1024, 1)


def reset_phase_peak() -> None:
    """Reset Linux's per-process RSS high-water mark (VmHWM), so a later phase's own peak shows."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def phase_peak_mb() -> float | None:
    """This process's RSS high-water mark since :func:`reset_phase_peak` (None where Linux's /proc is absent)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return rss_mb(float(line.split()[1]))
    except OSError:
        pass
    return None


@contextmanager
def count_queries() -> Iterator[list[int]]:
    """Count the SQL statements this thread sends (an ``executemany`` counts once)."""
    counter = [0]

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with db.execute_wrapper(wrapper):
        yield counter


def write_counts(run: SyncRun, app_side: str = "google") -> dict[str, dict[str, int]]:
    """Records the run wrote, per target side: ``{"netsuite": {"create", "update"}, app_side: {...}}``
    (an update is an outcome with a field diff: a conflict resolved toward the side that already
    holds the winner writes nothing)."""
    outcomes = RecordOutcome.objects.filter(run=run)
    result = {}
    for side, direction in (("netsuite", SyncDirection.TO_NETSUITE), (app_side, SyncDirection.TO_APP)):
        mine = outcomes.filter(direction=direction)
        result[side] = {
            "create": mine.filter(outcome=Outcome.CREATED).count(),
            "update": mine.filter(outcome__in=[Outcome.UPDATED, Outcome.CONFLICT_RESOLVED]).exclude(diff={}).count(),
        }
    return result
