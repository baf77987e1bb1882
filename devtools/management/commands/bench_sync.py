"""Benchmark the sync engine against the sandboxes (issue 9); see docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.bench.benchmark import run_benchmark, run_isolated
from devtools.bench.options import APPS, PHASES, SCENARIOS, SHARED_WORKERS, BenchOptions, SharedAccountOptions
from devtools.bench.sandboxes import serve_sandboxes
from devtools.bench.shared_account import run_shared_account
from syncengine.choices import RunStatus

COLUMNS = (
    ("phase", 12),
    ("wall s", 8),
    ("min s", 8),
    ("ratio", 6),
    ("rec/s", 8),
    ("NS read/write", 14),
    ("app read/write", 14),
    ("peak RSS MB", 12),
    ("SQL", 7),
    ("CPU s/rec", 10),
)


def _phases(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in PHASES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"phases are a comma-separated list of {', '.join(PHASES)}")
    return tuple(name for name in PHASES if name in names)  # always in their natural order


def _rows(report: dict) -> list[tuple[str, dict]]:
    """Every run of the report in the order it ran: phases and the settle runs between them."""
    phases, settle = report["phases"], report["settle"]
    order = [
        ("initial", phases.get("initial")),
        ("settle", settle.get("after_initial")),
        ("incremental", phases.get("incremental")),
        ("settle", settle.get("after_incremental")),
        ("no_change", phases.get("no_change")),
    ]
    return [(name, figures) for name, figures in order if figures is not None]


class Command(BaseCommand):
    help = (
        "Benchmark a sync of N NetSuite customers and N Google (or, --app hubspot, HubSpot) contacts (or, --app "
        "mailchimp, members of a Mailchimp audience) (half sharing emails) against the "
        "sandboxes, started in a child process with the given latency and NetSuite concurrency limit: an "
        "initial sync, a sync after 1%% of the records changed on each side, and a sync with no change. "
        "Uses a temporary, paused connection in the configured database and removes it afterwards. "
        "--scenario shared-account: three connections on one NetSuite account (company customers, individual "
        "customers, contacts; a Google user each), their initial runs at once in a qcluster."
    )

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=10_000, help="Records per side (default 10000).")
        parser.add_argument("--latency-ms", type=float, default=50.0, help="Added to every API request (default 50).")
        parser.add_argument(
            "--netsuite-concurrency", type=int, default=5, help="NetSuite's concurrent request limit (default 5)."
        )
        parser.add_argument(
            "--phases", type=_phases, default=PHASES, help="Comma-separated subset of " + ",".join(PHASES)
        )
        parser.add_argument(
            "--app",
            choices=tuple(APPS),
            default="google",
            help="The app NetSuite syncs with: google (default), hubspot (contacts, its rate limits on) or mailchimp "
            "(an audience's members, its 10 requests in flight on).",
        )
        parser.add_argument(
            "--scenario",
            choices=SCENARIOS,
            default="single",
            help="single (default): one connection, the phases above; shared-account: three connections on one "
            "NetSuite account run at once by a qcluster (N records of each contact type).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=SHARED_WORKERS,
            help=f"shared-account: the qcluster's workers (default {SHARED_WORKERS}).",
        )
        parser.add_argument(
            "--sandbox-concurrency",
            type=int,
            help="shared-account: the limit the NetSuite sandbox enforces, if not the account's (a lower one is "
            "a malfunction the bench must report).",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the figures as JSON.")
        parser.add_argument(
            "--profile-dir", type=Path, help="Write a cProfile file per run there (<phase>.prof); slows the runs."
        )
        parser.add_argument(
            "--database-url",
            help="Benchmark on this (scratch) database, migrated first, instead of a temporary SQLite file.",
        )
        # Internal: the measuring child process, and the one serving the sandboxes.
        parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--report-file", type=Path, help=argparse.SUPPRESS)
        parser.add_argument("--serve-sandboxes", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--google-users", help=argparse.SUPPRESS)

    def handle(self, *args, records, latency_ms, netsuite_concurrency, phases, as_json, profile_dir, **options):
        if latency_ms < 0 or netsuite_concurrency < 1:
            raise CommandError("--latency-ms must be 0 or more and --netsuite-concurrency at least 1.")
        if options["serve_sandboxes"]:
            users = tuple(options["google_users"].split(",")) if options["google_users"] else ()
            serve_sandboxes(
                latency_ms, netsuite_concurrency, **({"google_users": users} if users else {}), app=options["app"]
            )
            return
        if records < 2:
            raise CommandError("--records must be at least 2.")
        if options["scenario"] == "shared-account":
            if options["app"] != "google":
                raise CommandError("--scenario shared-account runs with Google users only.")
            self._shared_account(records, latency_ms, netsuite_concurrency, as_json, options)
            return
        bench = BenchOptions(records, latency_ms, netsuite_concurrency, phases, profile_dir, options["app"])
        report = self._report(bench, run_benchmark, self._table, as_json, options)
        if report is None:
            return
        failed = [
            f"{name}: {figures['status']} {figures['error']}".strip()
            for name, figures in _rows(report)
            if figures["status"] != RunStatus.SUCCEEDED
        ]
        if failed:
            raise CommandError("Some runs did not succeed: " + "; ".join(failed))

    def _report(self, bench, measure, table, as_json: bool, options) -> dict | None:
        """Measure ``bench``: in this process when it is the measuring child (the report goes to its file;
        None is returned), else in a child process on a fresh database, printed as JSON or as ``table``."""
        log = self.stderr.write
        if options["measure"] and options["report_file"]:
            options["report_file"].write_text(json.dumps(measure(bench, log=log), default=str))
            return None
        try:
            report = run_isolated(bench, options["database_url"], log=log)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, default=str))
        else:
            table(report)
        return report

    def _shared_account(self, records, latency_ms, netsuite_concurrency, as_json, options) -> None:
        sandbox_concurrency = options["sandbox_concurrency"]
        if options["workers"] < 1 or (sandbox_concurrency is not None and sandbox_concurrency < 1):
            raise CommandError("--workers and --sandbox-concurrency must be at least 1.")
        bench = SharedAccountOptions(
            records, latency_ms, netsuite_concurrency, options["workers"], options["sandbox_concurrency"]
        )
        report = self._report(bench, run_shared_account, self._shared_table, as_json, options)
        if report is not None and report["malfunctions"]:
            raise CommandError("Malfunction: " + "; ".join(report["malfunctions"]))

    def _shared_table(self, report: dict) -> None:
        config, ns = report["config"], report["netsuite"]
        self.stdout.write(
            f"bench_sync shared-account: one NetSuite account (limit {config['netsuite_concurrency']}, the sandbox's "
            f"{config['sandbox_concurrency']}), {config['records']:,} records of each contact type, a Google user "
            f"each; latency {config['latency_ms']:g} ms; qcluster {config['workers']} workers, {config['broker']} "
            f"broker, {config['slot_store']} slots ({config['cpus']} CPUs, Python {config['python']}, "
            f"{config['database']}; seeding took {config['seed_s']} s)"
        )
        load = report["load_avg_1m"]
        ratio = "-" if report["ratio"] is None else f"{report['ratio']:.2f}"
        self.stdout.write(
            f"all three: {report['wall_s']:.2f} s from queueing to the last run's end; the account's minimum "
            f"{report['min_s']:.2f} s ({ns['requests']:,} NetSuite requests / {config['netsuite_concurrency']} × "
            f"{config['latency_ms']:g} ms); ratio {ratio}; "
            f"load {load['before']} → {load['after']}"
        )
        self.stdout.write(
            f"NetSuite: {ns['read']:,} reads, {ns['write']:,} writes, {ns['throttled']} answered 429; most in flight "
            f"{ns['max_in_flight']} of {ns['limit']}; over the limit {ns['over_limit']}; busy {ns['busy_s']} s"
        )
        columns = (("run", 22), ("status", 17), ("start s", 8), ("end s", 8), ("wall s", 8), ("NS c/u", 12))
        columns += (("G read/write", 13), ("links", 7))
        self.stdout.write("  ".join(t.rjust(w) if i else t.ljust(w) for i, (t, w) in enumerate(columns)))
        for kind, run in report["runs"].items():
            writes = run["writes_needed"]["netsuite"]
            cells = (
                kind,
                run["status"],
                "-" if run["started_s"] is None else f"{run['started_s']:.2f}",
                "-" if run["finished_s"] is None else f"{run['finished_s']:.2f}",
                "-" if run["wall_s"] is None else f"{run['wall_s']:.2f}",
                f"{writes['create']}/{writes['update']}",
                f"{run['google_requests']['read']}/{run['google_requests']['write']}",
                str(run["links"]),
            )
            pairs = enumerate(zip(cells, columns, strict=True))
            self.stdout.write("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, (_, w)) in pairs))
        for problem in report["malfunctions"]:
            self.stdout.write(f"MALFUNCTION: {problem}")

    def _table(self, report: dict) -> None:
        config = report["config"]
        app = config.get("app", "google")
        self.stdout.write(
            f"bench_sync: {config['records']:,} ⇄ {config['records']:,} records, latency {config['latency_ms']:g} ms, "
            f"NetSuite concurrency {config['netsuite_concurrency']}, app {app} ({config['cpus']} CPUs, "
            f"Python {config['python']}, {config['database']}; seeding took {config['seed_s']} s)"
        )
        self.stdout.write(
            "  ".join(title.rjust(width) if i else title.ljust(width) for i, (title, width) in enumerate(COLUMNS))
        )
        for name, f in _rows(report):
            requests = f["requests"]
            cells = (
                name,
                f"{f['wall_s']:.2f}",
                f"{f['min_s']:.2f}",
                "-" if f["ratio"] is None else f"{f['ratio']:.2f}",
                "-" if f["records_per_s"] is None else f"{f['records_per_s']:.0f}",
                f"{requests['netsuite']['read']}/{requests['netsuite']['write']}",
                f"{requests[app]['read']}/{requests[app]['write']}",
                f"{f['peak_rss_mb']:.0f}",
                str(f["sql_queries"]),
                "-" if f["cpu_s_per_record"] is None else f"{f['cpu_s_per_record'] * 1000:.2f}ms",
            )
            self.stdout.write(
                "  ".join(
                    cell.rjust(width) if i else cell.ljust(width)
                    for i, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True))
                )
            )
