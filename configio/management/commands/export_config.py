"""Write the configuration (accounts without secrets, connections, mappings, rules) as JSON."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from configio.export import export_config
from configio.format import ConfigError, dumps


class Command(BaseCommand):
    help = (
        "Export accounts (secrets as the names of environment variables), connections, field mappings and rules "
        "as JSON (format: docs/config-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, output: str | None = None, **options):
        try:
            text = dumps(export_config())
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Configuration written to {output}.")
        else:
            self.stdout.write(text, ending="")
