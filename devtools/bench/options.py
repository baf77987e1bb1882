"""What the benchmark measures (records, latency, NetSuite's concurrency, phases), the API limits its
minimum is computed from, and the bench's own account ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PHASES = ("initial", "incremental", "no_change")
CHANGE_EVERY = 100  # 1% of the records change on each side before the incremental phase
SEED_CHUNK = 2000  # records per /_sandbox/seed call

# API limits the minimum time is computed from (issue 9; reference netsuite.md, google-people.md).
NETSUITE_READ_PAGE = 1000  # SuiteQL rows per request
GOOGLE_READ_PAGE = 1000  # connections.list page size
GOOGLE_WRITE_BATCH = 200  # batchCreateContacts / batchUpdateContacts

# The bench's own accounts: ids no real or demo account uses (accounts are unique per provider
# and account id), so the bench never touches the user's accounts and finds its leftovers again.
BENCH_NETSUITE_ACCOUNT = "9999999_BENCH"
BENCH_GOOGLE_USER = "bench.user@bench.example"
BENCH_CONNECTION_NAME = "bench_sync: temporary benchmark connection (removed after the run)"
SANDBOX_HOST = "127.0.0.1"
REDIRECT_URI = f"http://{SANDBOX_HOST}:1/bench_sync/callback/"  # a loopback URI: the sandbox accepts it unregistered

READY = "bench_sync sandboxes: "  # the sandbox process's first line of its own on stdout

Log = Callable[[str], None]


@dataclass
class BenchOptions:
    """What to measure: N records per side, the APIs' latency and NetSuite's concurrency limit."""

    records: int = 10_000
    latency_ms: float = 50.0
    netsuite_concurrency: int = 5
    phases: tuple[str, ...] = PHASES
    profile_dir: Path | None = None  # write <phase>.prof (cProfile) there; slows the runs down
