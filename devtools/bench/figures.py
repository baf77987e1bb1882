"""The figures of a run: the least time the APIs allow, the code measured, peak RSS, SQL queries, writes."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection as db

from syncengine.choices import Outcome, SyncDirection
from syncengine.models import RecordOutcome, SyncRun

from .options import GOOGLE_READ_PAGE, GOOGLE_WRITE_BATCH, NETSUITE_READ_PAGE


def minimum_seconds(
    latency_s: float,
    concurrency: int,
    reads: dict[str, int],
    writes: dict[str, dict[str, int]],
    *,
    incremental: bool,
) -> tuple[float, float]:
    """The least time the APIs allow for a run, as (one side after the other, both sides overlapped).

    Requests: NetSuite ``ceil(reads/1000)`` SuiteQL pages (at least one), plus one DeletedRecord
    query when reading changes since a cursor, one after the other; ``ceil(writes/concurrency)``
    rounds of single-record writes. Google ``ceil(reads/1000)`` pages (at least one);
    ``ceil(creates/200) + ceil(updates/200)`` batch writes. Each request costs ``latency_s``.
    """
    ns_requests = (
        max(1, math.ceil(reads["netsuite"] / NETSUITE_READ_PAGE))
        + (1 if incremental else 0)
        + math.ceil(sum(writes["netsuite"].values()) / concurrency)
    )
    google_requests = max(1, math.ceil(reads["google"] / GOOGLE_READ_PAGE)) + sum(
        math.ceil(count / GOOGLE_WRITE_BATCH) for count in writes["google"].values()
    )
    return latency_s * (ns_requests + google_requests), latency_s * max(ns_requests, google_requests)


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


def write_counts(run: SyncRun) -> dict[str, dict[str, int]]:
    """Records the run wrote, per target side: ``{"netsuite": {"create", "update"}, "google": {...}}``
    (an update is an outcome with a field diff: a conflict resolved toward the side that already
    holds the winner writes nothing)."""
    outcomes = RecordOutcome.objects.filter(run=run)
    result = {}
    for side, direction in (("netsuite", SyncDirection.TO_NETSUITE), ("google", SyncDirection.TO_APP)):
        mine = outcomes.filter(direction=direction)
        result[side] = {
            "create": mine.filter(outcome=Outcome.CREATED).count(),
            "update": mine.filter(outcome__in=[Outcome.UPDATED, Outcome.CONFLICT_RESOLVED]).exclude(diff={}).count(),
        }
    return result
