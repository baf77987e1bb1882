"""A run's live progress, stored cheaply on its :class:`SyncRun`.

The runner reports ``progress(stage, done, total)`` for every page read and every chunk
synced; :func:`progress_recorder` keeps the latest figures of each stage in memory and writes
them to ``SyncRun.progress`` with one ``UPDATE`` at most about once a second (and when a new
stage starts), so a 10,000-record run costs a handful of writes, not thousands.
The connection page puts them into words (``ops.run_progress``) and polls them through a small JSON view.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone

from .models import SyncRun

WRITE_EVERY = 1.0  # seconds between two writes of the same stage's figures


def progress_recorder(
    run_id: int,
    forward: Callable[[str, int, int | None], None] | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[str, int, int | None], None]:
    """A ``progress`` callback that stores the figures on run ``run_id`` (throttled) and
    passes every report on to ``forward`` (``manage.py sync`` prints them)."""
    stages: dict[str, dict] = {}
    last_write = [None]

    def report(stage: str, done: int, total: int | None) -> None:
        if forward is not None:
            forward(stage, done, total)
        new_stage = stage not in stages
        stages[stage] = {"done": done, "total": total}
        now = clock()
        if new_stage or last_write[0] is None or now - last_write[0] >= WRITE_EVERY:
            last_write[0] = now
            figures = {"stage": stage, "stages": stages, "at": timezone.now().isoformat()}
            SyncRun.objects.filter(pk=run_id).update(progress=figures)

    return report
