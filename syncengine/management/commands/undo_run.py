"""Undo one finished run in the foreground (issue 20): ``manage.py undo_run <run-id> [--dry-run] [--json]``."""

import sys

from django.core.management.base import BaseCommand, CommandError

from syncengine.choices import Trigger, UndoCreated
from syncengine.models import SyncRun
from syncengine.runner import run_sync
from syncengine.services import undo_problem

from ._run_summary import exit_code, write_summary


class Command(BaseCommand):
    help = (
        "Put back what one finished run changed, field by field where the records still hold its values. "
        "Exit code 0: succeeded, 2: partially failed, 1: failed or not run."
    )

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Show what the undo would do; write nothing.")
        parser.add_argument(
            "--created",
            choices=list(UndoCreated.values),
            default=UndoCreated.KEEP,
            help="What happens to the records the run created (default: keep).",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the summary as JSON.")

    def handle(self, *args, run_id, dry_run, created, as_json: bool, **options):
        undone = SyncRun.objects.select_related("connection").filter(pk=run_id).first()
        if undone is None:
            raise CommandError(f"There is no run with id {run_id}.")
        problem = undo_problem(undone)
        if problem:
            raise CommandError(problem)
        run = SyncRun.objects.create(
            connection=undone.connection, trigger=Trigger.UNDO, undoes=undone, dry_run=dry_run, undo_created=created
        )
        run = run_sync(run.pk)
        summary = {
            "run": run.pk,
            "undoes": undone.pk,
            "connection": undone.connection.name,
            "status": run.status,
            "dry_run": run.dry_run,
            "created_records": run.undo_created,
            "error": run.error,
            "counters": run.counters,
        }
        what = "Preview of the undo" if dry_run else "Undo"
        write_summary(self.stdout, run, f"{what} of run {undone.pk} (run {run.pk})", summary, as_json=as_json)
        code = exit_code(run)
        if code:
            sys.exit(code)
