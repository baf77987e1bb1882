"""A real django-q2 cluster (``manage.py qcluster``) for the bench, on the bench's database and broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django_q.tasks import async_task, fetch

from sandbox.google.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .options import SANDBOX_HOST


class BenchCluster:
    """``manage.py qcluster`` with ``workers`` workers in a process group of its own (stopping it stops
    its workers, even in the middle of a run), run as in production: ``DEBUG`` off, the sandboxes' host
    allowed, the Google sandbox's OAuth client. It inherits this process's database, broker
    (``REDIS_URL``, ``Q_CLUSTER_NAME``) and NetSuite slot store, so what this process queues, it runs."""

    def __init__(self, workers: int):
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self._log = None

    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            # (under override_settings, settings.SETTINGS_MODULE is None)
            DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE,
            PYTHONUNBUFFERED="1",
            DEBUG="0",
            # The keys of this process: the workers decrypt the credentials it stored.
            SECRET_KEY=settings.SECRET_KEY,
            FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
            API_BASE_URL_ALLOWED_HOSTS=",".join([*settings.API_BASE_URL_ALLOWED_HOSTS, SANDBOX_HOST]),
            GOOGLE_CLIENT_ID=DEMO_CLIENT_ID,
            GOOGLE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
            Q_WORKERS=str(self.workers),
            Q_CLUSTER_NAME=settings.Q_CLUSTER["name"],
            NETSUITE_SLOT_STORE=settings.NETSUITE_SLOT_STORE,
            LOG_LEVEL="WARNING",
        )

    def start(self, ready_within: float = 120) -> BenchCluster:
        """Start the cluster and wait until one of its workers has run a task (every worker is forked by then)."""
        self._log = tempfile.NamedTemporaryFile(mode="w+", prefix="bench_qcluster-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "qcluster"],
            cwd=settings.BASE_DIR,
            env=self.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            task_id = async_task("syncengine.tasks.heartbeat", task_name="bench_sync: cluster ready?")
            deadline = time.monotonic() + ready_within
            while fetch(task_id) is None:
                self.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The qcluster ran no task in {ready_within:.0f} s:\n{self.log_tail()}")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"The qcluster stopped (exit code {self.process.returncode}):\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """SIGTERM to the cluster's process group, then SIGKILL to whatever outlived it."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                if sig == signal.SIGTERM:
                    # The cluster is gone; its workers are too unless one outlived it: make sure.
                    os.killpg(self.process.pid, signal.SIGKILL)
                break
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
        self.process = None
        self._log.close()

    def __enter__(self) -> BenchCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
