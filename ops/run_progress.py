"""A run's live progress in words, for the connection page's banner.

The engine stores each stage's figures on the run (``syncengine.progress``); :func:`describe` turns them
into the banner's words, which the connection page polls through a small JSON view.
"""

from __future__ import annotations

from syncengine.choices import Side

APP = "the app"  # the other side's name when the caller does not say which app it is


def side_name(side: str, app_label: str = APP) -> str:
    """``netsuite`` → ``NetSuite``; ``app`` → ``app_label`` (the app NetSuite syncs with, "Google Contacts")."""
    return {Side.NETSUITE.value: "NetSuite", Side.APP.value: app_label}.get(side, side)


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
