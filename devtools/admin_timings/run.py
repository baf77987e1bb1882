"""The whole measurement: a scratch database, the demo measured, then the scale set measured."""

from __future__ import annotations

import logging
import time

from django.db import connection as db

from changelog.models import ChangeRecord
from connections.models import Connection
from syncengine.models import MirrorRecord, RecordLink, RecordOutcome, SyncRun

from .demo_data import seed_demo_synced
from .measuring import Timing, superuser_client, time_pages
from .progress import Log
from .report import Report
from .scale_data import SCALE_CONNECTIONS, SCALE_OUTCOMES, ScaleSize, seed_scale
from .scratch import scratch_database


def _sizes() -> dict[str, int]:
    return {
        "connections": Connection.objects.count(),
        "runs": SyncRun.objects.count(),
        "outcomes": RecordOutcome.objects.count(),
        "links": RecordLink.objects.count(),
        "mirror rows": MirrorRecord.objects.count(),
        "change entries": ChangeRecord.objects.count(),
    }


def run_measurements(
    *,
    demo: bool = True,
    scale: bool = True,
    connections: int = SCALE_CONNECTIONS,
    outcomes: int = SCALE_OUTCOMES,
    log: Log | None = None,
) -> Report:
    """Create the scratch database, seed the demo and measure, then grow it to the scale set and measure."""
    log = log or (lambda message: None)
    logging.disable(logging.INFO)  # the seeds' and Run now's log lines would mix with the figures
    timings: dict[str, list[Timing]] = {}
    sizes: dict[str, dict[str, int]] = {}
    with scratch_database(log):
        vendor = db.vendor
        superuser_client()  # the superuser first: the seeds make it an owner and an author
        demo_connection = seed_demo_synced(log) if demo else None
        if demo_connection is not None:
            log("Timing the admin pages on the demo...")
            timings["demo"] = time_pages(demo_connection, log)
            sizes["demo"] = _sizes()
        if scale:
            have_connections, have_outcomes = Connection.objects.count(), RecordOutcome.objects.count()
            size = ScaleSize(
                connections=max(1, connections - have_connections), outcomes=max(0, outcomes - have_outcomes)
            )
            log(f"Seeding the scale data set: {size.connections} more connections, {size.outcomes} more outcomes...")
            started = time.perf_counter()
            ids = seed_scale(size, log=log)
            log(f"  seeded in {time.perf_counter() - started:.1f} s")
            if vendor == "postgresql":
                with db.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
            log("Timing the admin pages at scale...")
            timings["scale"] = time_pages(Connection.objects.get(pk=ids[0]), log)
            sizes["scale"] = _sizes()
    return Report(timings, sizes, vendor)
