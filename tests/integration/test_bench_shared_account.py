"""The benchmark's shared-account scenario, end to end (``bench_sync --scenario shared-account``, issue 17).

Three connections on one NetSuite account (Company Customers, Individual Customers, Contacts; a Google user
each) run their initial syncs at once in a real ``qcluster`` with three workers, on the bench's own
temporary SQLite database and django-q2's ORM broker, against the sandboxes (limit 5, 20 ms a request).
The command's JSON report is checked: the three runs succeeded, the NetSuite sandbox never had more
requests in flight than its limit, and every record is on each side exactly once (the seeded ones plus the
other side's own, no email on two records, one link each).

With ``NETSUITE_SLOT_STORE=process`` each worker process caps only itself: three workers exceed the
account's limit, the bench reports it as a malfunction and exits non-zero, and the same assertions fail
(strict xfail: if the over-the-limit check ever stopped catching it, this variant would pass and fail the suite).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .processes import ROOT

RECORDS = 100  # of each contact type, on each side
LIMIT = 5

pytestmark = pytest.mark.integration


def run_scenario(store: str) -> tuple[subprocess.CompletedProcess, dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(DEBUG="1", PYTHONUNBUFFERED="1", NETSUITE_SLOT_STORE=store)
    command = [sys.executable, "manage.py", "bench_sync", "--scenario", "shared-account", "--json"]
    command += ["--records", str(RECORDS), "--latency-ms", "20", "--netsuite-concurrency", str(LIMIT)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.stdout.strip(), f"no report (exit code {done.returncode}):\n{done.stderr[-3000:]}"
    return done, json.loads(done.stdout)


def test_three_connections_on_one_account_run_at_once_within_its_limit_and_sync_each_record_once():
    done, report = run_scenario("database")
    assert report["config"]["slot_store"] == "database"
    assert report["config"]["workers"] == 3 and report["config"]["broker"] == "orm"
    runs = report["runs"]
    assert set(runs) == {"company_customers", "individual_customers", "contacts"}
    ns = report["netsuite"]
    # Nothing over the limit (the sandbox's own verdict, and the most it had in flight).
    assert ns["over_limit"] == 0 and ns["max_in_flight"] <= LIMIT, ns
    # The three ran at once: each started before any of them ended.
    assert max(r["started_s"] for r in runs.values()) < min(r["finished_s"] for r in runs.values()), runs
    expected = RECORDS + RECORDS // 2  # N seeded on each side, plus the other side's N/2 of its own
    assert report["expected_records"] == expected
    for kind, run in runs.items():
        assert run["status"] == "succeeded", (kind, run["error"])
        # Every record synced exactly once: as many on each side as expected, no email twice, one link each.
        assert (run["records_netsuite"], run["records_google"], run["links"]) == (expected, expected, expected), kind
        assert run["shared_emails_netsuite"] == 0 and run["shared_emails_google"] == 0, kind
        # Half the records were new on each side: each side got the other's own half of this type.
        assert run["writes_needed"]["netsuite"]["create"] == RECORDS // 2, kind
        assert run["writes_needed"]["google"]["create"] == RECORDS // 2, kind
    assert report["malfunctions"] == [] and done.returncode == 0, (report["malfunctions"], done.stderr[-2000:])
    # The account's minimum: every NetSuite request the runs sent, five at a time, 20 ms each.
    assert report["min_s"] == pytest.approx(0.020 * ns["requests"] / LIMIT, abs=0.001)
    assert report["wall_s"] > report["min_s"]


def test_the_bench_reports_requests_over_the_limit_when_each_worker_caps_only_itself():
    """The over-the-limit check can fail: with the slots in each process's memory, three workers send more
    than the account's limit at once; the sandbox answers those 429, and the bench says so and exits 1."""
    done, report = run_scenario("process")
    ns = report["netsuite"]
    assert ns["over_limit"] > 0 and ns["max_in_flight"] > LIMIT, ns
    assert done.returncode == 1
    assert any("over the limit" in problem for problem in report["malfunctions"]), report["malfunctions"]
    assert "Malfunction: NetSuite saw" in done.stderr
