"""Create or update accounts, connections, mappings and rules from a JSON file written by export_config."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from configio.format import ConfigError
from configio.importer import import_config


class Command(BaseCommand):
    help = (
        "Import a configuration file (format: docs/config-format.md): accounts, connections, mappings and rules "
        "are created or updated by their keys; each secret is read from the environment variable the file names. "
        "All or nothing: on any error nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file (- for standard input).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and apply in a transaction that is rolled back."
        )

    def handle(self, *args, file: str, dry_run: bool = False, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            config = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}.") from None
        try:
            report = import_config(config, dry_run=dry_run)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        prefix = "Dry run, nothing saved. Would have: " if dry_run else "Imported: "
        self.stdout.write(prefix + (report.summary() or "nothing to change") + ".")
        if not dry_run:
            self.stdout.write("Verify the accounts (manage.py verify_account <id>) and refresh field catalogs next.")
