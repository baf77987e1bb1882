"""The figures of a measurement, the pages over budget, and the Markdown table."""

from __future__ import annotations

from dataclasses import dataclass

from .measuring import Timing

DEMO_BUDGET_S = 1.0
SCALE_BUDGET_S = 2.0


@dataclass
class Report:
    """The figures of each data set: ``{"demo": [...], "scale": [...]}``, and what the scale set held."""

    timings: dict[str, list[Timing]]
    sizes: dict[str, dict[str, int]]
    vendor: str


def over_budget(report: Report) -> list[str]:
    """The pages that took longer than their data set's budget, or failed, in words."""
    budgets = {"demo": DEMO_BUDGET_S, "scale": SCALE_BUDGET_S}
    problems = []
    for name, timings in report.timings.items():
        for timing in timings:
            if timing.median_ms > budgets[name] * 1000:
                problems.append(
                    f"{name}: {timing.page.label} took {timing.median_ms:.0f} ms (budget {budgets[name]} s)"
                )
            if timing.status >= 400:
                problems.append(f"{name}: {timing.page.label} answered HTTP {timing.status}")
    return problems


def table(report: Report) -> str:
    """The figures as a Markdown table: one row per page, median ms and queries per data set."""
    names = list(report.timings)
    header = "| page | " + " | ".join(f"{name} ms | {name} queries" for name in names) + " |"
    rule = "|---|" + "---:|---:|" * len(names)
    labels = list(dict.fromkeys(t.page.label for timings in report.timings.values() for t in timings))
    by_name = {name: {t.page.label: t for t in timings} for name, timings in report.timings.items()}
    rows = []
    for label in labels:
        cells = []
        for name in names:
            timing = by_name[name].get(label)
            cells.append(f"{timing.median_ms:.0f} | {timing.queries}" if timing else "— | —")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    sizes = "; ".join(
        f"{name}: " + ", ".join(f"{what} {count:,}" for what, count in figures.items())
        for name, figures in report.sizes.items()
    )
    return "\n".join([header, rule, *rows, "", f"Database: {report.vendor}. Data: {sizes}."])
