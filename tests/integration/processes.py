"""Start real product processes (qcluster, management commands) against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """A DATABASE_URL that points a child process at the database the tests use."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    raise RuntimeError(f"no URL form for {connection.vendor}")


def redis_test_url(db: int) -> str:
    """The test Redis (``REDIS_URL_FOR_TESTS``, else the local one) with database number ``db``: each test
    module that uses Redis takes a number of its own and cleans it up."""
    base = urlsplit(os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0"))
    return urlunsplit(base._replace(path=f"/{db}"))


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DEBUG": "1", "DATABASE_URL": test_database_url(), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def start_qcluster(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``manage.py qcluster`` in a process group of its own, so that :func:`stop` stops its workers too."""
    log = open(log_path, "w")  # noqa: SIM115 - closed by the caller through the process
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop ``process``, and with it every process of its group when it leads one (a qcluster's workers,
    even one in the middle of a run, which SIGTERM alone would wait for): SIGTERM, then SIGKILL.

    SIGTERM goes to the leader only: a qcluster stops its own workers in about a second, but one whose
    workers got the SIGTERM too never finishes stopping (it waited out ``timeout`` on every stop). The
    group's SIGKILL then ends whatever outlived its cluster."""
    try:
        leads_group = os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        leads_group = False

    def send(sig: int, *, group: bool) -> None:
        try:
            os.killpg(process.pid, sig) if group else process.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM, group=False)
    try:
        process.wait(timeout=timeout)
        if not leads_group:
            return
    except subprocess.TimeoutExpired:
        pass
    # The group's workers that outlived their cluster, or a cluster that would not stop.
    send(signal.SIGKILL, group=leads_group)
    process.wait(timeout=10)
