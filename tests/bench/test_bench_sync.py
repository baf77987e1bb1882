"""``manage.py bench_sync`` end to end with a small N, and the arithmetic behind its figures.

The command runs for real: a child process serving the sandboxes, another measuring the engine
on a temporary SQLite database. These tests check that it keeps working and that its figures
are sane, not how fast the engine is (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devtools.bench.figures import minimum_seconds, side_limits
from devtools.bench.sandboxes import summarize_requests
from devtools.management.commands.bench_sync import Command

RECORDS = 300
SIDES = ("netsuite", "google")


@pytest.fixture(scope="module")
def report() -> dict:
    out = StringIO()
    call_command("bench_sync", records=RECORDS, latency_ms=5, as_json=True, stdout=out)
    return json.loads(out.getvalue())


def test_every_phase_is_reported_with_the_figures_of_the_issue(report):
    assert list(report["phases"]) == ["initial", "incremental", "no_change"]
    for name, phase in report["phases"].items():
        assert phase["status"] == "succeeded", (name, phase["error"])
        for key in ("wall_s", "min_s", "ratio", "peak_rss_mb", "sql_queries", "records_per_s", "cpu_s_per_record"):
            assert key in phase, (name, key)
        assert set(phase["requests"]) == set(SIDES)
        for side in SIDES:
            assert set(phase["requests"][side]) == {"read", "write"}
            assert phase["requests"][side]["read"] >= 1, (name, side)  # every run asks each side what changed
        assert phase["sql_queries"] > 0
        assert 20 < phase["peak_rss_mb"] < 2000
        # Every request waited the sandboxes' 5 ms, so no run can beat the minimum.
        assert phase["min_s"] > 0
        assert phase["wall_s"] >= phase["min_s"]
        assert phase["ratio"] == pytest.approx(phase["wall_s"] / phase["min_s"], rel=0.02)


def test_the_initial_sync_links_half_and_creates_the_rest_on_both_sides(report):
    initial = report["phases"]["initial"]
    half = RECORDS // 2
    # Records with an email only one side has are created on the other; the shared half is linked,
    # and each such pair differs in one field (a NetSuite phone or a Google job title).
    assert initial["writes_needed"] == {
        "netsuite": {"create": half, "update": half // 2},
        "google": {"create": half, "update": half // 2},
    }
    assert initial["requests"]["netsuite"]["write"] >= half + half // 2  # no batch writes in NetSuite
    assert 2 <= initial["requests"]["google"]["write"] <= 4  # 150 creates and 75 updates: a batch each
    assert initial["records"] == 2 * RECORDS
    assert initial["records_per_s"] > 0


def test_one_percent_of_changes_writes_one_percent(report):
    incremental = report["phases"]["incremental"]
    changed = RECORDS // 100
    assert incremental["reads_needed"] == {"netsuite": changed, "google": changed}
    assert incremental["writes_needed"] == {
        "netsuite": {"create": 0, "update": changed},
        "google": {"create": 0, "update": changed},
    }
    assert incremental["requests"]["google"]["write"] == 1


def test_a_sync_with_no_change_writes_nothing(report):
    no_change = report["phases"]["no_change"]
    assert no_change["requests"]["netsuite"]["write"] == 0
    assert no_change["requests"]["google"]["write"] == 0
    assert no_change["writes_needed"] == {side: {"create": 0, "update": 0} for side in SIDES}
    # Issue 9: at most two reads a side (NetSuite: the changes and the deletions; Google: the
    # contact groups and the changes), whatever the earlier phases changed that day.
    assert no_change["requests"]["netsuite"]["read"] <= 2, no_change["calls"]["netsuite"]
    assert no_change["requests"]["google"]["read"] <= 2, no_change["calls"]["google"]


def test_the_runs_that_read_back_the_engines_own_writes_write_nothing(report):
    assert list(report["settle"]) == ["after_initial", "after_incremental"]
    for settle in report["settle"].values():
        assert settle["status"] == "succeeded"
        assert all(settle["requests"][side]["write"] == 0 for side in SIDES)


def test_the_text_table_has_a_row_per_run_in_the_order_they_ran(report):
    out = StringIO()
    Command(stdout=out)._table(report)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"bench_sync: {RECORDS} ⇄ {RECORDS} records, latency 5 ms, NetSuite concurrency 5")
    assert lines[1].split()[:3] == ["phase", "wall", "s"]
    rows = [line.split() for line in lines[2:]]
    assert [row[0] for row in rows] == ["initial", "settle", "incremental", "settle", "no_change"]
    no_change = report["phases"]["no_change"]
    assert rows[-1][1] == f"{no_change['wall_s']:.2f}"
    assert rows[-1][6] == f"{no_change['requests']['google']['read']}/0"


def test_phases_outside_the_three_are_refused():
    with pytest.raises(CommandError, match="phases are a comma-separated list"):
        call_command("bench_sync", "--phases", "initial,warmup")


def test_the_minimum_counts_pages_rounds_of_concurrent_writes_and_batches():
    sides = {"netsuite": side_limits("netsuite", 5), "google": side_limits("google_contacts", 5)}
    reads = {"netsuite": 10_000, "google": 10_000}
    writes = {"netsuite": {"create": 5000, "update": 2500}, "google": {"create": 5000, "update": 2501}}
    serial, overlapped = minimum_seconds(0.05, sides, reads, writes, incremental=False)
    netsuite = 10 + 7500 / 5  # 10 SuiteQL pages, 1,500 rounds of 5 single-record writes
    google = 10 + 25 + 13  # 10 pages, 25 batch creates, 13 batch updates (2,501 / 200 rounded up)
    assert serial == pytest.approx(0.05 * (netsuite + google))
    assert overlapped == pytest.approx(0.05 * netsuite)
    # Reading changes: at least one page per side, plus NetSuite's DeletedRecord query.
    nothing = {"netsuite": {"create": 0, "update": 0}, "google": {"create": 0, "update": 0}}
    assert minimum_seconds(0.05, sides, {"netsuite": 0, "google": 0}, nothing, incremental=True) == pytest.approx(
        (0.15, 0.1)
    )


def _entry(method: str, path: str, status: int, start: float, end: float) -> dict:
    """A request log entry as the sandboxes write it."""
    return {"method": method, "path": path, "status": status, "start": start, "end": end, "ms": (end - start) * 1000}


def test_request_summary_tells_reads_from_writes_and_measures_the_time_in_flight():
    log = [
        _entry("POST", "/services/rest/query/v1/suiteql", 200, 0.0, 1.0),
        _entry("PUT", "/services/rest/record/v1/customer/eid:cs-1", 204, 2.0, 3.0),
        _entry("PATCH", "/services/rest/record/v1/customer/17", 429, 2.5, 3.5),
        _entry("GET", "/services/rest/record/v1/metadata-catalog/customer", 200, 5.0, 5.5),
    ]
    summary = summarize_requests("netsuite", log)
    assert (summary["read"], summary["write"], summary["throttled"]) == (2, 2, 1)
    assert summary["busy_s"] == pytest.approx(1.0 + 1.5 + 0.5)
    assert summary["max_in_flight"] == 2
    assert summary["mean_ms"] == {"read": 750.0, "write": 1000.0}
    assert summary["calls"]["PATCH /services/rest/record/v1/customer/{id}"] == 1
    assert summary["calls"]["PUT /services/rest/record/v1/customer/{id}"] == 1
    # Google: only GETs read (batchGet too); every POST writes.
    google = [
        _entry("POST", "/v1/people:batchCreateContacts", 200, 0, 1),
        _entry("GET", "/v1/people:batchGet", 200, 1, 2),
    ]
    assert (summarize_requests("google", google)["read"], summarize_requests("google", google)["write"]) == (1, 1)
