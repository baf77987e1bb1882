"""The shared-account scenario (issue 17): three connections on one NetSuite account, run at once by a cluster.

One NetSuite account (limit C) holds N company customers, N individual customers and N contacts; three
Google users hold N contacts each. Three connections (Company Customers, Individual Customers, Contacts),
each with a Google user of its own, share the account's C slots (``connections/slots.py``). Their initial
runs are queued together and run at once by a real ``qcluster`` with three workers (the ORM broker on the
bench database, or Redis when ``REDIS_URL`` is set). Measured: the wall time from queueing to the last
run's end, against the account's minimum (every NetSuite request the runs sent, C at a time, each taking
the latency L: ``L × requests / C``), and what the NetSuite sandbox saw: the most requests in flight at
once, and the requests that arrived over its limit (answered 429). See docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import time

from django.conf import settings
from django.db import connection as db
from django.test.utils import override_settings

from connections.models import Connection
from sandbox.google.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from syncengine.choices import RunStatus, Trigger
from syncengine.models import RecordLink, SyncRun
from syncengine.services import ACTIVE, enqueue_run

from .bench_connection import connect_google, connect_netsuite, remove_bench_data
from .cluster import BenchCluster
from .figures import code_version, write_counts
from .options import BENCH_CONNECTION_NAME, SANDBOX_HOST, SHARED_GOOGLE_USERS, Log, SharedAccountOptions
from .sandboxes import SandboxProcess, google_sides
from .seeding import seed_shared_account

# The NetSuite sandbox's census kind of each contact type (devtools.bench.sandboxes.record_census).
NETSUITE_KIND = {"company_customers": "company", "individual_customers": "individual", "contacts": "contact"}


def account_minimum_seconds(latency_s: float, limit: int, netsuite_requests: int) -> float:
    """The least time the account allows for ``netsuite_requests``: each holds one of its ``limit`` slots for
    the latency, and no more than ``limit`` are in flight at once. The runs' reads are in the count (a SuiteQL
    page holds a slot like a write); they are not added on top, because the three connections read at the
    same time as one another and as the others write (one read at a time each, on three of the slots)."""
    return latency_s * netsuite_requests / limit


def expected_records(records: int) -> int:
    """Records of a type on each side after the initial sync: the N seeded, plus the other side's own ones
    (the second half of its N, which share no email)."""
    return records + (records - records // 2)


class SharedAccountBenchmark:
    """Seed, connect, run the three initial syncs at once in a cluster, and report (:meth:`run`)."""

    def __init__(self, options: SharedAccountOptions, log: Log | None = None):
        self.options = options
        self.log = log or (lambda message: None)
        self.sides = dict(zip(SHARED_GOOGLE_USERS, google_sides(len(SHARED_GOOGLE_USERS)), strict=True))

    def run(self) -> dict:
        options = self.options
        report: dict = {"config": self._config()}
        remove_bench_data(self.log)  # leftovers of an interrupted bench
        users = tuple(SHARED_GOOGLE_USERS.values())
        with SandboxProcess(options.latency_ms, options.sandbox_limit, google_users=users) as sandboxes:
            started = time.monotonic()
            self.log(
                f"Seeding {options.records:,} company customers, individual customers and contacts in NetSuite, "
                f"and {options.records:,} contacts for each of {len(users)} Google users..."
            )
            seed_shared_account(sandboxes, options.records, self.sides)
            report["config"]["seed_s"] = round(time.monotonic() - started, 1)
            with override_settings(
                GOOGLE_CLIENT_ID=DEMO_CLIENT_ID,
                GOOGLE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
                API_BASE_URL_ALLOWED_HOSTS=[*settings.API_BASE_URL_ALLOWED_HOSTS, SANDBOX_HOST],
            ):
                try:
                    connections = self._connections(sandboxes)
                    report.update(self._measure(sandboxes, connections))
                finally:
                    remove_bench_data(self.log)
        report["malfunctions"] = malfunctions(report)
        return report

    def _connections(self, sandboxes: SandboxProcess) -> dict[str, Connection]:
        """The three paused connections (never scheduled: only the runs the bench queues run)."""
        netsuite = connect_netsuite(sandboxes, self.options.netsuite_concurrency)
        subsidiary = netsuite.subsidiaries.get(internal_id="1")
        connections = {}
        for contact_type, side in self.sides.items():
            connections[contact_type] = Connection.objects.create(
                name=f"{BENCH_CONNECTION_NAME} {contact_type}",
                netsuite_account=netsuite,
                subsidiary=subsidiary,
                contact_type=contact_type,
                app_account=connect_google(sandboxes, side, SHARED_GOOGLE_USERS[contact_type]),
                paused=True,
                paused_reason="A temporary connection of manage.py bench_sync.",
            )
        return connections

    def _measure(self, sandboxes: SandboxProcess, connections: dict[str, Connection]) -> dict:
        options = self.options
        self.log(f"Starting a qcluster with {options.workers} workers...")
        with BenchCluster(options.workers) as cluster:
            load_before = os.getloadavg()[0]
            sandboxes.mark()
            self.log("Queueing the three initial runs...")
            queued = time.time()
            runs = {kind: enqueue_run(conn, trigger=Trigger.COMMAND)[0] for kind, conn in connections.items()}
            ids = [run.pk for run in runs.values()]
            deadline = time.monotonic() + 600 + options.records * 0.1
            while SyncRun.objects.filter(pk__in=ids, status__in=ACTIVE).exists():
                cluster.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The runs did not end in time:\n{cluster.log_tail()}")
                time.sleep(0.1)
            observed = time.time() - queued
        api = sandboxes.request_summary()
        census = sandboxes.record_census()
        runs = {kind: SyncRun.objects.get(pk=run.pk) for kind, run in runs.items()}
        ends = [run.finished_at.timestamp() for run in runs.values() if run.finished_at]
        wall = (max(ends) - queued) if ends else observed
        ns = api["netsuite"]
        requests = ns["read"] + ns["write"]
        minimum = account_minimum_seconds(options.latency_ms / 1000.0, options.netsuite_concurrency, requests)
        per_run = {}
        for kind, run in runs.items():
            google = api[self.sides[kind]]
            per_run[kind] = {
                "status": run.status,
                "error": run.error[:500],
                "started_s": round(run.started_at.timestamp() - queued, 3) if run.started_at else None,
                "finished_s": round(run.finished_at.timestamp() - queued, 3) if run.finished_at else None,
                "wall_s": round((run.finished_at - run.started_at).total_seconds(), 3)
                if run.started_at and run.finished_at
                else None,
                "writes_needed": write_counts(run),
                "google_requests": {"read": google["read"], "write": google["write"]},
                "google_throttled": google["throttled"],
                "links": RecordLink.objects.filter(
                    connection=run.connection_id, netsuite_id__isnull=False, app_id__isnull=False
                ).count(),
                "records_netsuite": census["netsuite"]["records"][NETSUITE_KIND[kind]],
                "records_google": census[self.sides[kind]]["records"]["contact"],
                "shared_emails_netsuite": census["netsuite"]["shared_emails"][NETSUITE_KIND[kind]],
                "shared_emails_google": census[self.sides[kind]]["shared_emails"]["contact"],
                "counters": run.counters,
            }
        return {
            "wall_s": round(wall, 3),
            "min_s": round(minimum, 3),
            "ratio": round(wall / minimum, 2) if minimum else None,
            "expected_records": expected_records(options.records),
            "netsuite": {
                "requests": requests,
                "read": ns["read"],
                "write": ns["write"],
                "throttled": ns["throttled"],
                "over_limit": ns["over_limit"],
                "max_in_flight": ns["max_in_flight"],
                "limit": options.sandbox_limit,
                "busy_s": ns["busy_s"],
                "in_flight_per_s": ns["in_flight_per_s"],
                "mean_ms": ns["mean_ms"],
                "calls": ns["calls"],
            },
            "runs": per_run,
            "load_avg_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        }

    def _config(self) -> dict:
        options = self.options
        return {
            "scenario": "shared-account",
            "code": code_version(),
            "records": options.records,
            "latency_ms": options.latency_ms,
            "netsuite_concurrency": options.netsuite_concurrency,
            "sandbox_concurrency": options.sandbox_limit,
            "workers": options.workers,
            "broker": "redis" if settings.REDIS_URL else "orm",
            "slot_store": settings.NETSUITE_SLOT_STORE,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": db.vendor,
            "machine": platform.machine(),
        }


def malfunctions(report: dict) -> list[str]:
    """What went wrong, as opposed to what is slow: a run that did not succeed, a request over the sandbox's
    limit, a record on a side twice, or a record not synced. The command exits non-zero on any."""
    problems = []
    ns = report.get("netsuite")
    if ns is None:
        return ["the runs were not measured"]
    if ns["over_limit"] or ns["max_in_flight"] > ns["limit"]:
        problems.append(
            f"NetSuite saw {ns['max_in_flight']} requests in flight on a limit of {ns['limit']} "
            f"({ns['over_limit']} over the limit)"
        )
    expected = report["expected_records"]
    for kind, run in report["runs"].items():
        if run["status"] != RunStatus.SUCCEEDED:
            problems.append(f"{kind}: {run['status']} {run['error']}".strip())
        if run["shared_emails_netsuite"] or run["shared_emails_google"]:
            problems.append(
                f"{kind}: emails on more than one record (NetSuite {run['shared_emails_netsuite']}, "
                f"Google {run['shared_emails_google']})"
            )
        counts = (run["records_netsuite"], run["records_google"], run["links"])
        if counts != (expected, expected, expected):
            problems.append(
                f"{kind}: {counts[0]} NetSuite records, {counts[1]} Google contacts and {counts[2]} links "
                f"where {expected} of each were expected"
            )
    return problems


def run_shared_account(options: SharedAccountOptions, log: Log | None = None) -> dict:
    """Run the shared-account scenario in this process, on the configured database and broker."""
    return SharedAccountBenchmark(options, log).run()
