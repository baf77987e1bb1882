"""Run one sync of a connection in the foreground."""

import sys

from django.core.management.base import BaseCommand, CommandError

from connections.models import Connection
from syncengine.choices import Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync

from ._run_summary import exit_code, write_summary


class Command(BaseCommand):
    help = "Sync one connection now. Exit code 0: succeeded, 2: partially failed, 1: failed or not run."

    def add_arguments(self, parser):
        parser.add_argument("connection_id", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Plan and log the outcomes, write nothing.")
        parser.add_argument("--full", action="store_true", help="Read everything again, not only changes.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the summary as JSON.")

    def handle(self, *args, connection_id, dry_run, full, as_json: bool, **options):
        connection = Connection.objects.filter(pk=connection_id).first()
        if connection is None:
            raise CommandError(f"There is no connection with id {connection_id}.")
        run = SyncRun.objects.create(connection=connection, trigger=Trigger.COMMAND, dry_run=dry_run, full=full)
        progress = None if as_json else self._progress
        run = run_sync(run.pk, progress=progress)
        summary = {
            "run": run.pk,
            "connection": connection.name,
            "status": run.status,
            "dry_run": run.dry_run,
            "error": run.error,
            "counters": run.counters,
            "seconds": run.duration.total_seconds() if run.duration else None,
        }
        if not as_json:
            sys.stderr.write("\n")
        write_summary(self.stdout, run, f"Run {run.pk} of {connection.name}", summary, as_json=as_json)
        code = exit_code(run)
        if code:
            sys.exit(code)

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        if total:
            width = 30
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r{stage:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}   ")
        else:
            sys.stderr.write(f"\r{stage:<24} {done} records   ")
        sys.stderr.flush()
