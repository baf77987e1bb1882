"""What the benchmark measures (records, latency, NetSuite's concurrency, phases), the API limits its
minimum is computed from, and the bench's own account ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PHASES = ("initial", "incremental", "no_change")
CHANGE_EVERY = 100  # 1% of the records change on each side before the incremental phase
SEED_CHUNK = 2000  # records per /_sandbox/seed call

# The app NetSuite syncs with (--app): the name of its side in the figures, and its provider key in the
# registry, whose capabilities give the limits the minimum time is computed from (figures.side_limits).
APPS = {"google": "google_contacts", "hubspot": "hubspot", "mailchimp": "mailchimp"}

# The bench's own accounts: ids no real or demo account uses (accounts are unique per provider
# and account id), so the bench never touches the user's accounts and finds its leftovers again.
BENCH_NETSUITE_ACCOUNT = "9999999_BENCH"
BENCH_GOOGLE_USER = "bench.user@bench.example"
BENCH_HUBSPOT_PORTAL = "99999999"  # the HubSpot sandbox's portal (Hub ID) in the bench
BENCH_MAILCHIMP_ACCOUNT = "bench_sync Mailchimp"  # the name of the bench's Mailchimp account (a typed name)
BENCH_CONNECTION_NAME = "bench_sync: temporary benchmark connection (removed after the run)"
# The shared-account scenario (issue 17): three connections on the bench's NetSuite account, one per
# contact type, each with a Google user of its own (the Google sandbox has one user per server).
SCENARIOS = ("single", "shared-account")
SHARED_GOOGLE_USERS = {
    "company_customers": "bench.companies@bench.example",
    "individual_customers": "bench.individuals@bench.example",
    "contacts": "bench.contacts@bench.example",
}
SHARED_WORKERS = 3  # qcluster workers: one per connection, so that the three runs run at once
SANDBOX_HOST = "127.0.0.1"
REDIRECT_URI = f"http://{SANDBOX_HOST}:1/bench_sync/callback/"  # a loopback URI: the sandbox accepts it unregistered

READY = "bench_sync sandboxes: "  # the sandbox process's first line of its own on stdout

Log = Callable[[str], None]


@dataclass
class BenchOptions:
    """What to measure: N records per side, the APIs' latency, NetSuite's concurrency limit and the app."""

    records: int = 10_000
    latency_ms: float = 50.0
    netsuite_concurrency: int = 5
    phases: tuple[str, ...] = PHASES
    profile_dir: Path | None = None  # write <phase>.prof (cProfile) there; slows the runs down
    app: str = "google"  # a key of APPS

    @property
    def provider_key(self) -> str:
        return APPS[self.app]

    def arguments(self) -> list[str]:
        """These options as ``bench_sync`` arguments (for the measuring child process)."""
        arguments = [
            "--app",
            self.app,
            "--records",
            str(self.records),
            "--latency-ms",
            str(self.latency_ms),
            "--netsuite-concurrency",
            str(self.netsuite_concurrency),
            "--phases",
            ",".join(self.phases),
        ]
        if self.profile_dir:
            arguments += ["--profile-dir", str(Path(self.profile_dir).resolve())]
        return arguments


@dataclass
class SharedAccountOptions:
    """The shared-account scenario: N records of each contact type on one NetSuite account (and N contacts for
    each of three Google users), the APIs' latency, the account's limit, and the cluster's workers.
    ``sandbox_concurrency`` is the limit the NetSuite sandbox enforces (default: the account's); a lower one
    makes the sandbox see requests over its limit, which the bench reports as a malfunction."""

    records: int = 10_000
    latency_ms: float = 50.0
    netsuite_concurrency: int = 5
    workers: int = SHARED_WORKERS
    sandbox_concurrency: int | None = None

    @property
    def sandbox_limit(self) -> int:
        return self.sandbox_concurrency or self.netsuite_concurrency

    def arguments(self) -> list[str]:
        """These options as ``bench_sync`` arguments (for the measuring child process)."""
        return [
            "--scenario",
            "shared-account",
            "--records",
            str(self.records),
            "--latency-ms",
            str(self.latency_ms),
            "--netsuite-concurrency",
            str(self.netsuite_concurrency),
            "--workers",
            str(self.workers),
            "--sandbox-concurrency",
            str(self.sandbox_limit),
        ]
