"""A private PostgreSQL and a private Redis, started (and restarted) by a test: never the machine's shared ones.

PostgreSQL runs from ``initdb`` on a temporary data directory, on a free port, as the ``postgres`` system user
when the tests run as root (PostgreSQL refuses to run as root). Redis runs on a free port, keeping nothing on
disk: a restart of it loses every key, as a Redis without persistence does in production.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found[-1]


class PrivatePostgres:
    """One PostgreSQL server of the test's own; :meth:`restart` is ``pg_ctl restart -m fast``."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="restart-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as the postgres system user
            self.user = pwd.getpwnam("postgres")
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.database = "restart"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}\n{done.stderr}\n{self._log_tail()}")
        return done

    def _log_tail(self) -> str:
        return self.log.read_text()[-2000:] if self.log.exists() else ""

    def start(self) -> PrivatePostgres:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")
        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {self.database}")
        return self

    def admin_url(self, database: str | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def restart(self) -> float:
        """``pg_ctl restart -m fast``: every open connection is cut. Returns the seconds it took."""
        started = time.monotonic()
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")
        return time.monotonic() - started

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement on a fresh connection (the test's own, never cut by a restart it outlived)."""
        with psycopg.connect(self.admin_url(), autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def stop(self) -> None:
        try:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """One ``redis-server`` of the test's own, persisting nothing; :meth:`restart` stops and starts it again."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="restart-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        log = open(self.root / "server.log", "a")  # noqa: SIM115 - the server keeps it
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.root)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {(self.root / 'server.log').read_text()}")
                time.sleep(0.05)

    def restart(self) -> float:
        """Stop it (every connection cut, every key lost) and start it again on the same port."""
        started = time.monotonic()
        self.stop_server()
        self.start()
        return time.monotonic() - started

    def stop_server(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.stop_server()
        shutil.rmtree(self.root, ignore_errors=True)
