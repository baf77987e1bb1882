"""The picture of the syncs: the last runs as an inline SVG bar chart, built server-side.

Pure: :func:`run_figures` reads a run's counters (no queries) and :func:`chart_svg` turns a list
of :class:`RunFigures` into SVG text, so both are table-tested without a database or a browser.
Per run (oldest left): records changed towards Google and towards NetSuite (created + updated),
failures, and the duration as dots on their own axis on the right. Each run's bar group links to
its run page, and has a tooltip with the figures in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from syncengine.choices import FAILING_OUTCOMES, Outcome, SyncDirection

CHANGED = (Outcome.CREATED.value, Outcome.UPDATED.value)

WIDTH, HEIGHT = 1000, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 60, 52
BAR_COLOURS = {"to_app": "#1565c0", "to_netsuite": "#2e7d32", "failed": "#c62828"}
DURATION_COLOUR = "#6a1b9a"
APP = "the app"  # the other app's name when a chart mixes connections of several apps


def series_labels(app_label: str = APP) -> dict[str, str]:
    """The legend's words per series; ``app_label`` names the app NetSuite syncs with ("Google Contacts")."""
    return {"to_app": f"changed in {app_label}", "to_netsuite": "changed in NetSuite", "failed": "failed"}


@dataclass(frozen=True)
class RunFigures:
    """What the chart shows of one run."""

    pk: int
    url: str
    when: str  # e.g. "2026-12-04 15:10"
    to_app: int  # records created or updated in the app NetSuite syncs with
    to_netsuite: int  # records created or updated in NetSuite
    failed: int  # records failed or partly written, both directions
    seconds: float | None  # the run's duration, None if it never started
    label: str = ""  # extra words for the tooltip (the connection on the all-runs list)
    app_label: str = APP  # the app of the run's connection ("Google Contacts")


def run_figures(run, url: str, label: str = "", app_label: str = APP) -> RunFigures:
    """The figures of a :class:`~syncengine.models.SyncRun` (its counters; no query)."""
    counters = run.counters or {}

    def count(direction: str, outcomes) -> int:
        return sum(int((counters.get(direction) or {}).get(outcome, 0)) for outcome in outcomes)

    duration = run.duration
    return RunFigures(
        pk=run.pk,
        url=url,
        when=run.queued_at.strftime("%Y-%m-%d %H:%M") if run.queued_at else "",
        to_app=count(SyncDirection.TO_APP, CHANGED),
        to_netsuite=count(SyncDirection.TO_NETSUITE, CHANGED),
        failed=count(SyncDirection.TO_APP, FAILING_OUTCOMES) + count(SyncDirection.TO_NETSUITE, FAILING_OUTCOMES),
        seconds=duration.total_seconds() if duration is not None else None,
        label=label,
        app_label=app_label,
    )


def nice_max(value: float) -> float:
    """The axis' top: ``value`` rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"


def tooltip(run: RunFigures) -> str:
    """The run's figures in words (the bar group's ``<title>``)."""
    duration = "not run" if run.seconds is None else f"{run.seconds:.1f} s"
    parts = [f"Run {run.pk}", run.label, run.when]
    head = " · ".join(p for p in parts if p)
    return (
        f"{head}: {run.to_app:,} changed in {run.app_label}, {run.to_netsuite:,} changed in NetSuite, "
        f"{run.failed:,} failed; took {duration}"
    )


def chart_svg(runs: Sequence[RunFigures], title: str) -> str:
    """An SVG bar chart of ``runs`` (given oldest first) with ``title``, axis labels, a legend,
    one linked ``<g class="run-bars">`` per run and the durations on the right-hand axis."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="run-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" style="max-width:{WIDTH}px;font:14px sans-serif" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="20" font-weight="bold" font-size="16" fill="currentColor">{escape(title)}</text>',
    ]
    if not runs:
        out.append(f'<text x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" fill="#757575">')
        out.append("No finished runs yet.</text></svg>")
        return "".join(out)

    top_count = nice_max(max(max(r.to_app, r.to_netsuite, r.failed) for r in runs))
    top_seconds = nice_max(max((r.seconds or 0) for r in runs))

    # Legend, on its own line under the title.
    x = LEFT
    apps = {run.app_label for run in runs}
    for key, label in series_labels(apps.pop() if len(apps) == 1 else APP).items():
        out.append(f'<rect x="{x}" y="31" width="12" height="12" fill="{BAR_COLOURS[key]}"/>')
        out.append(f'<text x="{x + 16}" y="42" fill="currentColor">{label}</text>')
        x += 36 + 8 * len(label)
    out.append(f'<circle cx="{x + 6}" cy="37" r="5" fill="{DURATION_COLOUR}"/>')
    out.append(f'<text x="{x + 16}" y="42" fill="currentColor">duration (seconds, right axis)</text>')

    # Axes, gridlines and their labels.
    for fraction in (0, 0.5, 1):
        y = base - fraction * plot_h
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" fill="currentColor">'
            f"{_number(top_count * fraction)}</text>"
        )
        out.append(
            f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4}" fill="{DURATION_COLOUR}">'
            f"{_number(top_seconds * fraction)}</text>"
        )
    out.append(
        f'<text transform="translate(16 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle" '
        f'fill="currentColor">records</text>'
    )
    out.append(
        f'<text transform="translate({WIDTH - 14} {TOP + plot_h / 2}) rotate(90)" text-anchor="middle" '
        f'fill="{DURATION_COLOUR}">seconds</text>'
    )
    out.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle" fill="currentColor">'
        f"run (oldest left, latest right)</text>"
    )

    slot = plot_w / len(runs)
    bar = min(slot * 0.8 / 3, 24)
    dots = []
    for i, run in enumerate(runs):
        left = LEFT + i * slot + (slot - 3 * bar) / 2
        out.append(f'<a href="{escape(run.url)}" class="run-link">')
        out.append(f'<g class="run-bars" data-run="{run.pk}"><title>{escape(tooltip(run))}</title>')
        # An invisible full-height target, so a run with nothing changed can be hovered and clicked too.
        out.append(
            f'<rect x="{LEFT + i * slot:.1f}" y="{TOP}" width="{slot:.1f}" height="{plot_h}" fill="transparent"/>'
        )
        for j, key in enumerate(("to_app", "to_netsuite", "failed")):
            value = getattr(run, key)
            h = plot_h * value / top_count
            out.append(
                f'<rect x="{left + j * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{BAR_COLOURS[key]}"/>'
            )
        out.append("</g></a>")
        centre = LEFT + (i + 0.5) * slot
        if len(runs) <= 30 or i % math.ceil(len(runs) / 30) == 0:
            out.append(
                f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle" fill="currentColor">{run.pk}</text>'
            )
        if run.seconds is not None:
            dots.append((centre, base - plot_h * run.seconds / top_seconds))
    if len(dots) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in dots)
        out.append(f'<polyline points="{points}" fill="none" stroke="{DURATION_COLOUR}" stroke-width="1.5"/>')
    for x, y in dots:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{DURATION_COLOUR}" pointer-events="none"/>')
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" stroke="#555"/>')
    out.append("</svg>")
    return "".join(out)
