"""What ``manage.py sync`` and ``manage.py undo_run`` print at a run's end, and their exit codes (one spelling)."""

from __future__ import annotations

import json

from syncengine.choices import RunStatus
from syncengine.models import SyncRun

# 0: succeeded; 2: partially failed; 1: failed or not run.
EXIT_CODES = {RunStatus.SUCCEEDED: 0, RunStatus.PARTIALLY_FAILED: 2}


def exit_code(run: SyncRun) -> int:
    return EXIT_CODES.get(run.status, 1)


def write_summary(stdout, run: SyncRun, title: str, summary: dict, *, as_json: bool) -> None:
    """``summary`` as JSON, or ``title`` then the outcome counts per direction and the run's error."""
    if as_json:
        stdout.write(json.dumps(summary, indent=2, default=str))
        return
    stdout.write(f"{title}: {run.get_status_display()}")
    for direction in ("to_app", "to_netsuite"):
        counts = run.counters.get(direction) or {}
        if counts:
            stdout.write(f"  {direction}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if run.error:
        stdout.write(f"  {run.error}")
