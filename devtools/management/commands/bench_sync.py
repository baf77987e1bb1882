"""Benchmark the sync engine against the sandboxes (issue 9); see docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.bench.benchmark import run_benchmark, run_isolated
from devtools.bench.options import PHASES, BenchOptions
from devtools.bench.sandboxes import serve_sandboxes
from syncengine.choices import RunStatus

COLUMNS = (
    ("phase", 12),
    ("wall s", 8),
    ("min s", 8),
    ("ratio", 6),
    ("rec/s", 8),
    ("NS read/write", 14),
    ("G read/write", 13),
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
        "Benchmark a sync of N NetSuite customers and N Google contacts (half sharing emails) against the "
        "sandboxes, started in a child process with the given latency and NetSuite concurrency limit: an "
        "initial sync, a sync after 1%% of the records changed on each side, and a sync with no change. "
        "Uses a temporary, paused connection in the configured database and removes it afterwards."
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

    def handle(self, *args, records, latency_ms, netsuite_concurrency, phases, as_json, profile_dir, **options):
        if latency_ms < 0 or netsuite_concurrency < 1:
            raise CommandError("--latency-ms must be 0 or more and --netsuite-concurrency at least 1.")
        if options["serve_sandboxes"]:
            serve_sandboxes(latency_ms, netsuite_concurrency)
            return
        if records < 2:
            raise CommandError("--records must be at least 2.")
        bench = BenchOptions(records, latency_ms, netsuite_concurrency, phases, profile_dir)
        log = self.stderr.write
        if options["measure"] and options["report_file"]:
            report = run_benchmark(bench, log=log)
            options["report_file"].write_text(json.dumps(report, default=str))
            return
        try:
            report = run_isolated(bench, options["database_url"], log=log)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, default=str))
        else:
            self._table(report)
        failed = [
            f"{name}: {figures['status']} {figures['error']}".strip()
            for name, figures in _rows(report)
            if figures["status"] != RunStatus.SUCCEEDED
        ]
        if failed:
            raise CommandError("Some runs did not succeed: " + "; ".join(failed))

    def _table(self, report: dict) -> None:
        config = report["config"]
        self.stdout.write(
            f"bench_sync: {config['records']:,} ⇄ {config['records']:,} records, latency {config['latency_ms']:g} ms, "
            f"NetSuite concurrency {config['netsuite_concurrency']} ({config['cpus']} CPUs, Python {config['python']}, "
            f"{config['database']}; seeding took {config['seed_s']} s)"
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
                f"{requests['google']['read']}/{requests['google']['write']}",
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
