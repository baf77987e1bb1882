"""Time every admin page on the demo and at scale (issue 15, "Speed"); see devtools/admin_timings/."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from devtools.admin_timings import (
    DEMO_BUDGET_S,
    SCALE_BUDGET_S,
    SCALE_CONNECTIONS,
    SCALE_OUTCOMES,
    over_budget,
    run_measurements,
    table,
)


class Command(BaseCommand):
    help = (
        "Build a scratch database (a temporary SQLite file, or a private database on the PostgreSQL server of "
        "DATABASE_URL, dropped afterwards), seed the demo and then 20 connections with 100,000 record outcomes, "
        "and time every admin page as a superuser (median of 3 after a warm-up, with its SQL query count). "
        f"Exits 1 when a page takes over {DEMO_BUDGET_S:g} s on the demo or {SCALE_BUDGET_S:g} s at scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo data set.")
        parser.add_argument("--no-scale", action="store_true", help="Skip the scale data set.")
        parser.add_argument("--connections", type=int, default=SCALE_CONNECTIONS, help="Connections at scale.")
        parser.add_argument("--outcomes", type=int, default=SCALE_OUTCOMES, help="Record outcomes at scale.")

    def handle(self, *args, no_demo, no_scale, connections, outcomes, **options):
        if no_demo and no_scale:
            raise CommandError("Nothing to measure: --no-demo and --no-scale together.")

        def log(message: str) -> None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

        report = run_measurements(
            demo=not no_demo, scale=not no_scale, connections=connections, outcomes=outcomes, log=log
        )
        self.stdout.write(table(report))
        problems = over_budget(report)
        if problems:
            self.stdout.write("\nOver budget or failed:\n" + "\n".join(f"- {p}" for p in problems))
            raise SystemExit(1)
        self.stdout.write(f"\nEvery page within budget ({DEMO_BUDGET_S:g} s demo, {SCALE_BUDGET_S:g} s at scale).")
