"""A run's live progress: stored cheaply on its :class:`SyncRun` and put into words for the page.

The runner reports ``progress(stage, done, total)`` for every page read and every chunk
synced; :func:`progress_recorder` keeps the latest figures of each stage in memory and writes
them to ``SyncRun.progress`` with one ``UPDATE`` at most about once a second (and when a new
stage starts), so a 10,000-record run costs a handful of writes, not thousands.
:func:`describe` turns the stored figures into the banner's words; the connection page polls
them through a small JSON view.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils import timezone

from .choices import Side
from .models import SyncRun

WRITE_EVERY = 1.0  # seconds between two writes of the same stage's figures

APP = "the app"  # the other side's name when the caller does not say which app it is


def side_name(side: str, app_label: str = APP) -> str:
    """``netsuite`` → ``NetSuite``; ``app`` → ``app_label`` (the app NetSuite syncs with, "Google Contacts")."""
    return {Side.NETSUITE.value: "NetSuite", Side.APP.value: app_label}.get(side, side)


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


def stage_label(stage: str, app_label: str = APP) -> str:
    """``"reading netsuite"`` → ``"Reading NetSuite"``;
    ``"syncing app changes"`` → ``"Syncing changes from Google Contacts"``."""
    verb, _, rest = stage.partition(" ")
    side = rest.partition(" ")[0]
    name = side_name(side, app_label)
    if verb == "syncing":
        return f"Syncing changes from {name}"
    return f"{verb.capitalize()} {name}".strip()


def stage_text(stage: str, done: int, total: int | None, app_label: str = APP) -> str:
    """One stage in words: ``"Reading NetSuite: 3,000 read"``, ``"Syncing changes from NetSuite: 1,200 of 2,500"``.
    An unknown total (reading: the API does not say how many changes there are) is left out."""
    if total is None:
        return f"{stage_label(stage, app_label)}: {done:,} so far"
    return f"{stage_label(stage, app_label)}: {done:,} of {total:,}"


def describe(progress: dict, app_label: str = APP) -> str:
    """The stored figures in words, the current stage last: what the banner shows while a run runs."""
    stages = progress.get("stages") or {}
    if not stages:
        return ""
    current = progress.get("stage")
    order = [s for s in stages if s != current] + ([current] if current in stages else [])
    return " · ".join(stage_text(s, stages[s]["done"], stages[s]["total"], app_label) for s in order)
