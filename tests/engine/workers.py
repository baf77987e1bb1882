"""Sync workers as real child processes (``manage.py sync``), reaching the test database and the sandboxes
(which run in the test process) the way a deployed worker would: over the database and HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass

from ..integration.processes import ROOT, child_env
from .harness import Sandboxes


def worker_env(sandboxes: Sandboxes, **extra: str) -> dict[str, str]:
    """The environment of a child worker: the test database, and the Google OAuth client of the sandbox
    (the test process sets it through Django settings, which a child does not inherit)."""
    google = sandboxes.google.print_config(sandboxes.google_server.base_url)
    return child_env(GOOGLE_CLIENT_ID=google["client_id"], GOOGLE_CLIENT_SECRET=google["client_secret"], **extra)


def start_sync(connection_id: int, env: dict[str, str], *args: str) -> subprocess.Popen:
    """Start ``manage.py sync <id> --json`` (its summary goes to stdout)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "sync", str(connection_id), "--json", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass
class WorkerResult:
    """How a ``manage.py sync --json`` child ended."""

    returncode: int
    summary: dict | None  # the JSON summary, None when it printed none
    stdout: str
    stderr: str
    seconds: float

    @property
    def status(self) -> str | None:
        return self.summary["status"] if self.summary else None

    def describe(self) -> str:
        """For assertion messages: exit code, summary and the tail of stderr."""
        return f"exit {self.returncode}, summary {self.summary}, stderr tail:\n{self.stderr[-3000:]}"


def finish(process: subprocess.Popen, started: float, timeout: float = 120) -> WorkerResult:
    """Wait for a child started with :func:`start_sync` and read its summary."""
    stdout, stderr = process.communicate(timeout=timeout)
    seconds = time.monotonic() - started
    try:
        summary = json.loads(stdout[stdout.index("{") :]) if "{" in stdout else None
    except ValueError:
        summary = None
    return WorkerResult(process.returncode, summary, stdout, stderr, seconds)


def run_sync_command(connection_id: int, env: dict[str, str], *args: str, timeout: float = 120) -> WorkerResult:
    """Run ``manage.py sync <id> --json`` to its end."""
    started = time.monotonic()
    return finish(start_sync(connection_id, env, *args), started, timeout)
