"""``scripts/admin-timings`` fails on a page over its budget (1 s on the demo, 2 s at scale) or a page that
answers with an error, and names it; its table has a row per page and a column pair per data set."""

from __future__ import annotations

from devtools.admin_timings import Page, Report, Timing, over_budget, table


def _report(demo_ms: float, scale_ms: float, status: int = 200) -> Report:
    page = Page("connection page", "/admin/connections/connection/1/change/")
    return Report(
        timings={"demo": [Timing(page, demo_ms, 50, 200)], "scale": [Timing(page, scale_ms, 51, status)]},
        sizes={"demo": {"outcomes": 175}, "scale": {"outcomes": 100_000}},
        vendor="sqlite",
    )


def test_pages_within_budget_pass():
    assert over_budget(_report(999, 1999)) == []


def test_a_slow_page_is_named_with_its_data_set_and_budget():
    assert over_budget(_report(1001, 500)) == ["demo: connection page took 1001 ms (budget 1.0 s)"]
    assert over_budget(_report(10, 2001)) == ["scale: connection page took 2001 ms (budget 2.0 s)"]


def test_a_page_that_fails_is_named():
    assert over_budget(_report(10, 10, status=500)) == ["scale: connection page answered HTTP 500"]


def test_the_table_has_a_row_per_page_with_both_data_sets():
    text = table(_report(120.4, 180.6))
    assert "| page | demo ms | demo queries | scale ms | scale queries |" in text
    assert "| connection page | 120 | 50 | 181 | 51 |" in text
    assert "outcomes 100,000" in text
