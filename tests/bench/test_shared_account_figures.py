"""The arithmetic and the verdicts of the shared-account scenario (``bench_sync --scenario shared-account``);
the scenario itself runs end to end in tests/integration/test_bench_shared_account.py."""

from __future__ import annotations

import pytest

from devtools.bench.sandboxes import summarize_requests
from devtools.bench.shared_account import account_minimum_seconds, expected_records, malfunctions


def test_the_account_minimum_is_every_netsuite_request_limit_at_a_time_at_the_latency():
    assert account_minimum_seconds(0.05, 5, 1_000) == pytest.approx(10.0)
    assert account_minimum_seconds(0.02, 5, 209) == pytest.approx(0.836)


def test_each_side_ends_with_its_records_and_the_other_sides_own_half():
    assert expected_records(100) == 150
    assert expected_records(61) == 61 + 31  # 30 shared: 31 on each side the other lacks


def test_a_request_answered_429_for_concurrency_counts_as_over_the_limit_and_a_rate_429_does_not():
    log = [
        {"method": "PUT", "path": "/r/1", "status": 204, "ms": 1, "start": 0.0, "end": 1.0, "fault": None},
        {"method": "PUT", "path": "/r/2", "status": 429, "ms": 1, "start": 0.1, "end": 1.1, "fault": "concurrency"},
        {"method": "PUT", "path": "/r/3", "status": 429, "ms": 1, "start": 2.0, "end": 3.0, "fault": "429"},
    ]
    summary = summarize_requests("netsuite", log)
    assert (summary["throttled"], summary["over_limit"], summary["max_in_flight"]) == (2, 1, 2)


def _report(**netsuite) -> dict:
    run = {
        "status": "succeeded",
        "error": "",
        "records_netsuite": 15,
        "records_google": 15,
        "links": 15,
        "shared_emails_netsuite": 0,
        "shared_emails_google": 0,
    }
    ns = {"over_limit": 0, "max_in_flight": 5, "limit": 5} | netsuite
    return {"netsuite": ns, "expected_records": 15, "runs": {"contacts": dict(run), "individual_customers": dict(run)}}


def test_a_clean_report_has_no_malfunction():
    assert malfunctions(_report()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"netsuite": {"over_limit": 3, "max_in_flight": 6}}, "NetSuite saw 6 requests in flight on a limit of 5"),
        ({"netsuite": {"max_in_flight": 6}}, "NetSuite saw 6 requests in flight"),
        ({"run": {"status": "partially_failed", "error": "boom"}}, "contacts: partially_failed boom"),
        ({"run": {"shared_emails_google": 2}}, "contacts: emails on more than one record (NetSuite 0, Google 2)"),
        ({"run": {"records_netsuite": 20}}, "contacts: 20 NetSuite records, 15 Google contacts and 15 links"),
        ({"run": {"links": 14}}, "contacts: 15 NetSuite records, 15 Google contacts and 14 links"),
    ],
)
def test_a_failed_run_a_request_over_the_limit_a_duplicate_or_a_missing_record_is_a_malfunction(change, expected):
    report = _report(**change.get("netsuite", {}))
    report["runs"]["contacts"].update(change.get("run", {}))
    problems = malfunctions(report)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
