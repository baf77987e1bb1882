"""One benchmark: the phases measured in this process (:func:`run_benchmark`), or all of it in a child
process on a fresh database (:func:`run_isolated`)."""

from __future__ import annotations

import cProfile
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection as db
from django.test.utils import override_settings

from sandbox.google.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from syncengine.choices import Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync

from .bench_connection import create_bench_connection, remove_bench_data
from .figures import (
    code_version,
    count_queries,
    minimum_seconds,
    phase_peak_mb,
    reset_phase_peak,
    rss_mb,
    side_limits,
    write_counts,
)
from .options import SANDBOX_HOST, BenchOptions, Log, SharedAccountOptions
from .sandboxes import SandboxProcess
from .seeding import Seeded, change_one_percent, next_second, seed


class Benchmark:
    """One benchmark: sandboxes, seed, bench connection, phases; :meth:`run` returns the report."""

    def __init__(self, options: BenchOptions, log: Log | None = None):
        self.options = options
        self.log = log or (lambda message: None)
        self.latency_s = options.latency_ms / 1000.0
        self.peak_kb = 0  # the process's peak RSS so far (ru_maxrss)
        # Each side's limits, from the registry (the app's capabilities; NetSuite's concurrency is the account's).
        self.side_limits = {
            "netsuite": side_limits("netsuite", options.netsuite_concurrency),
            options.app: side_limits(options.provider_key, options.netsuite_concurrency),
        }

    def run(self) -> dict:
        options = self.options
        report: dict = {"config": self._config(), "phases": {}, "settle": {}}
        remove_bench_data(self.log)  # leftovers of an interrupted bench
        with SandboxProcess(options.latency_ms, options.netsuite_concurrency, app=options.app) as sandboxes:
            self.sandboxes = sandboxes
            started = time.monotonic()
            self.log(
                f"Seeding {options.records:,} NetSuite customers and {options.records:,} {options.app} contacts..."
            )
            seeded = seed(sandboxes, options.records, options.app)
            report["config"]["seed_s"] = round(time.monotonic() - started, 1)
            # The Google client needs the sandbox's OAuth client to refresh its access token. DEBUG
            # off as in production: Django's debug cursor keeps the text of the last 9,000 queries
            # (bulk inserts of 500 rows each), which would weigh on the time and the RSS measured;
            # so the sandboxes' host is listed as allowed, as production would list a trusted one.
            with override_settings(
                GOOGLE_CLIENT_ID=DEMO_CLIENT_ID,
                GOOGLE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
                DEBUG=False,
                API_BASE_URL_ALLOWED_HOSTS=[*settings.API_BASE_URL_ALLOWED_HOSTS, SANDBOX_HOST],
            ):
                try:
                    self.connection = create_bench_connection(sandboxes, options.netsuite_concurrency, options.app)
                    self._phases(report, seeded)
                finally:
                    remove_bench_data(self.log)
        return report

    def _phases(self, report: dict, seeded: Seeded) -> None:
        wanted = self.options.phases
        records = self.options.records
        # The initial sync always runs (the other phases start from its links).
        initial = self._measure("initial", {"netsuite": records, self.options.app: records}, incremental=False)
        if "initial" in wanted:
            report["phases"]["initial"] = initial
        if not {"incremental", "no_change"} & set(wanted):
            return
        report["settle"]["after_initial"] = self._settle("after_initial", initial)
        if "incremental" in wanted:
            changed = change_one_percent(self.sandboxes, seeded)
            incremental = self._measure("incremental", changed)
            report["phases"]["incremental"] = incremental
            if "no_change" in wanted:
                report["settle"]["after_incremental"] = self._settle("after_incremental", incremental)
        if "no_change" in wanted:
            next_second()
            report["phases"]["no_change"] = self._measure("no_change", {"netsuite": 0, self.options.app: 0})

    def _settle(self, name: str, previous: dict) -> dict:
        """A run that reads back the previous run's writes (echoes: nothing should be written)."""
        writes = previous["writes_needed"]
        next_second()
        return self._measure(f"settle_{name}", {side: sum(counts.values()) for side, counts in writes.items()})

    def _measure(self, name: str, reads: dict[str, int], *, incremental: bool = True) -> dict:
        self.log(f"Phase {name}: syncing...")
        self.sandboxes.mark()
        run = SyncRun.objects.create(connection=self.connection, trigger=Trigger.COMMAND)
        reset_phase_peak()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        profiler = cProfile.Profile() if self.options.profile_dir else None
        stages: dict[str, list[float]] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            moment = round(time.perf_counter() - started, 3)
            stages.setdefault(stage, [moment, moment])[1] = moment

        with count_queries() as queries:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            run = run_sync(run.pk, progress)
            if profiler:
                profiler.disable()
            wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        phase_peak = phase_peak_mb()
        # Resetting VmHWM resets ru_maxrss too: keep the process's peak ourselves.
        self.peak_kb = max(self.peak_kb, after.ru_maxrss)
        if profiler:
            self.options.profile_dir.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(self.options.profile_dir / f"{name}.prof")
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        api = self.sandboxes.request_summary()
        writes = write_counts(run, self.options.app)
        serial, overlapped = minimum_seconds(self.latency_s, self.side_limits, reads, writes, incremental=incremental)
        read_counts = (run.counters or {}).get("read") or {}
        handled = sum(read_counts.values())
        result = {
            "status": run.status,
            "error": run.error[:500],
            "wall_s": round(wall, 3),
            "min_s": round(serial, 3),
            "ratio": round(wall / serial, 2) if serial else None,
            "min_overlapped_s": round(overlapped, 3),
            "ratio_overlapped": round(wall / overlapped, 2) if overlapped else None,
            "records": handled,
            "records_per_s": round(handled / wall, 1) if wall else None,
            "cpu_s": round(cpu, 2),
            "cpu_s_per_record": round(cpu / handled, 6) if handled else None,
            "requests": {side: {"read": api[side]["read"], "write": api[side]["write"]} for side in api},
            "throttled": {side: api[side]["throttled"] for side in api},
            "api_busy_s": {side: api[side]["busy_s"] for side in api},
            "max_in_flight": {side: api[side]["max_in_flight"] for side in api},
            "writes_from_s": {side: api[side]["writes_from_s"] for side in api},
            "in_flight_per_s": {side: api[side]["in_flight_per_s"] for side in api},
            # Seconds into the run of each stage's first and last progress report (a page read, a chunk synced).
            "stages_s": stages,
            "after_writes_s": {side: api[side]["after_writes_s"] for side in api},
            "api_mean_ms": {side: api[side]["mean_ms"] for side in api},
            "calls": {side: api[side]["calls"] for side in api},
            "reads_needed": reads,
            "writes_needed": writes,
            "peak_rss_mb": rss_mb(self.peak_kb),
            "phase_peak_rss_mb": phase_peak,
            "sql_queries": queries[0],
            # Other processes competing for the CPUs slow every figure down: say how busy the machine was.
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "counters": run.counters,
        }
        self.log(
            f"Phase {name}: {result['wall_s']} s (minimum {result['min_s']} s), {run.status}, "
            f"NetSuite {result['requests']['netsuite']}, {self.options.app} {result['requests'][self.options.app]}."
        )
        return result

    def _config(self) -> dict:
        options = self.options
        return {
            "code": code_version(),
            "records": options.records,
            "latency_ms": options.latency_ms,
            "netsuite_concurrency": options.netsuite_concurrency,
            "app": options.app,
            "phases": list(options.phases),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": db.vendor,
            "machine": platform.machine(),
        }


def run_benchmark(options: BenchOptions, log: Log | None = None) -> dict:
    """Run the benchmark in this process, on the configured database; the report is
    ``{"config": {...}, "phases": {name: figures}, "settle": {name: figures}}``."""
    return Benchmark(options, log).run()


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


def run_isolated(
    options: BenchOptions | SharedAccountOptions, database_url: str | None = None, log: Log | None = None
) -> dict:
    """Run the benchmark (or the shared-account scenario) in a child process on a fresh, migrated database: a
    temporary SQLite file unless ``database_url`` is given. The user's database never sees the bench (nor
    does its change log), and the peak RSS measured is the engine's alone."""
    log = log or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="bench_sync-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, DATABASE_URL=url, PYTHONUNBUFFERED="1")
        # A queue of the bench's own (on Redis, a user's cluster on the same Redis would otherwise take its tasks).
        env["Q_CLUSTER_NAME"] = f"bench_sync-{os.getpid()}"
        log("Preparing the benchmark database (migrate)...")
        migrated = subprocess.run(
            _manage("migrate", "--noinput", "-v", "0"), cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"migrate failed on the benchmark database: {migrated.stderr[-2000:]}")
        report_file = Path(scratch) / "report.json"
        command = _manage("bench_sync", "--measure", "--report-file", str(report_file), *options.arguments())
        # The child's progress lines and logs go to our stderr (file descriptor 2): our stdout is
        # for the figures only.
        measured = subprocess.run(command, cwd=settings.BASE_DIR, env=env, stdout=2)
        if not report_file.exists():
            raise RuntimeError(f"The benchmark process failed (exit code {measured.returncode}).")
        return json.loads(report_file.read_text())
