"""The runs chart's SVG builder (pure): one linked bar group per run, bars to scale, the durations on
their own axis, a title and axis labels, escaped text, and an empty chart that says so."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from ops.run_chart import BOTTOM, HEIGHT, TOP, RunFigures, chart_svg, nice_max, run_figures, tooltip

SVG = "{http://www.w3.org/2000/svg}"
PLOT_H = HEIGHT - TOP - BOTTOM


def figures(
    pk: int, to_app=0, to_netsuite=0, failed=0, seconds: float | None = 1.0, label="", app_label="Google Contacts"
) -> RunFigures:
    return RunFigures(
        pk,
        f"/admin/syncengine/syncrun/{pk}/change/",
        "2026-12-04 15:00",
        to_app,
        to_netsuite,
        failed,
        seconds,
        label,
        app_label,
    )


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # also proves the SVG is well-formed XML


def groups(root) -> list[ElementTree.Element]:
    return root.findall(f".//{SVG}g[@class='run-bars']")


def bar_heights(group) -> list[float]:
    """The three visible bars' heights (the first rect is the group's invisible hover target)."""
    return [float(rect.get("height")) for rect in group.findall(f"{SVG}rect")[1:]]


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (180, 200), (2_500, 5_000), (0.4, 1), (45.2, 50)],
)
def test_axis_tops_are_round_numbers_at_or_above_the_largest_value(value, top):
    assert nice_max(value) == top


@pytest.mark.parametrize("count", [1, 2, 30])
def test_one_linked_bar_group_per_run_in_the_given_order(count):
    runs = [figures(pk, to_app=pk) for pk in range(1, count + 1)]
    root = parse(chart_svg(runs, "Runs"))
    found = groups(root)
    assert [g.get("data-run") for g in found] == [str(pk) for pk in range(1, count + 1)]
    links = [a.get("href") for a in root.findall(f".//{SVG}a")]
    assert links == [f"/admin/syncengine/syncrun/{pk}/change/" for pk in range(1, count + 1)]


@pytest.mark.parametrize(
    ("run", "heights"),
    [
        # The largest bar (10) fills the plot's height; the others are to scale; 0 draws no bar.
        (figures(1, to_app=10, to_netsuite=5, failed=0), [PLOT_H, PLOT_H / 2, 0]),
        (figures(1, to_app=0, to_netsuite=0, failed=10), [0, 0, PLOT_H]),
        (figures(1, to_app=2, to_netsuite=1, failed=1), [PLOT_H * 2 / 2, PLOT_H / 2, PLOT_H / 2]),
    ],
)
def test_bars_are_to_scale_of_the_largest_count(run, heights):
    (group,) = groups(parse(chart_svg([run], "Runs")))
    assert bar_heights(group) == pytest.approx(heights, abs=0.1)


def test_durations_are_dots_on_their_own_axis_and_a_run_that_never_started_has_none():
    root = parse(chart_svg([figures(1, seconds=4.0), figures(2, seconds=None), figures(3, seconds=10.0)], "Runs"))
    dots = root.findall(f"{SVG}circle")[1:]  # the first circle is the legend's
    assert len(dots) == 2
    tops = sorted(float(dot.get("cy")) for dot in dots)
    # 10 s reaches the top of the plot (axis 0–10 s); 4 s stands at 40 % of its height.
    assert tops == pytest.approx([TOP, TOP + PLOT_H * 0.6], abs=0.1)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "seconds" in texts and "records" in texts and "10" in texts


def test_title_axis_labels_and_tooltips_are_there_and_escaped():
    run = figures(7, to_app=3, to_netsuite=1, failed=2, seconds=2.5, label="<b>ACME</b> & Co")
    svg = chart_svg([run], "Records changed <last 1 run>")
    assert "<b>" not in svg and "&lt;b&gt;ACME&lt;/b&gt; &amp; Co" in svg
    root = parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Records changed <last 1 run>"
    assert "run (oldest left, latest right)" in texts
    (group,) = groups(root)
    assert group.find(f"{SVG}title").text == tooltip(run)
    assert tooltip(run) == (
        "Run 7 · <b>ACME</b> & Co · 2026-12-04 15:00: 3 changed in Google Contacts, 1 changed in NetSuite, "
        "2 failed; took 2.5 s"
    )


def test_the_legend_names_the_connections_app_or_the_app_when_runs_of_several_apps_mix():
    def legend(runs) -> list[str]:
        return [
            t.text for t in parse(chart_svg(runs, "Runs")).iter(f"{SVG}text") if (t.text or "").startswith("changed")
        ]

    assert legend([figures(1), figures(2)]) == ["changed in Google Contacts", "changed in NetSuite"]
    assert legend([figures(1), figures(2, app_label="HubSpot")]) == ["changed in the app", "changed in NetSuite"]
    assert "3 changed in HubSpot" in tooltip(figures(3, to_app=3, app_label="HubSpot"))


def test_no_runs_draws_a_chart_that_says_so():
    root = parse(chart_svg([], "Runs"))
    assert groups(root) == []
    assert any(t.text == "No finished runs yet." for t in root.iter(f"{SVG}text"))


def test_run_figures_add_created_and_updated_per_direction_and_both_directions_failures():
    start = datetime(2026, 12, 4, 15, 0, 0)
    run = SimpleNamespace(
        pk=5,
        queued_at=start,
        duration=timedelta(seconds=12.5),
        counters={
            "read": {"netsuite": 40, "app": 9},
            "to_app": {"created": 3, "updated": 4, "unchanged": 30, "failed": 1},
            "to_netsuite": {"updated": 2, "field_failed": 2, "linked": 5},
        },
    )
    assert run_figures(run, "/r/5/") == RunFigures(5, "/r/5/", "2026-12-04 15:00", 7, 2, 3, 12.5, "")
    empty = SimpleNamespace(pk=6, queued_at=start, duration=None, counters={})
    assert run_figures(empty, "/r/6/", "ACME") == RunFigures(6, "/r/6/", "2026-12-04 15:00", 0, 0, 0, None, "ACME")


def test_many_runs_keep_every_x_label_readable():
    svg = chart_svg([figures(pk) for pk in range(1, 31)], "Runs")
    labels = re.findall(r'text-anchor="middle" fill="currentColor">(\d+)</text>', svg)
    assert labels == [str(pk) for pk in range(1, 31)]
