"""Many pairs of sandboxes in a process of their own, for the load test.

The load test runs its workers (qcluster) as child processes; serving their 40 sandboxes from the
test process would make it compete for its own interpreter with the admin it times. So the
sandboxes live here: ``python tests/reliability/sandbox_farm.py <pairs> <records> [<first index>]`` starts
that many pairs, each a NetSuite account (its own account id) and a Google user (its own email) seeded
with ``records`` records (:mod:`seed_data`: half in each, a quarter of all shared by email), prints one
JSON line describing them, then answers commands on stdin, one a line:

- ``summary``: one JSON line, per pair: emails and twins per side, and a fingerprint of the end state
  (the same seed synced the same way gives the same fingerprint);
- ``quit``: stops the servers and exits (so does the end of stdin).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()  # the seed helpers live next to the engine harness, which imports models


def seed_counts(records: int) -> tuple[int, int, int]:
    """NetSuite records, Google records and how many of them share an email, for ``records`` in all."""
    netsuite = records // 2
    return netsuite, records - netsuite, netsuite // 2


def start_pairs(count: int, records: int, first: int = 0) -> list:
    from sandbox.common.server import SandboxServer
    from sandbox.google import GoogleSandbox
    from sandbox.google import default_config as google_config
    from sandbox.netsuite import NetSuiteSandbox
    from sandbox.netsuite import default_config as netsuite_config
    from tests.engine.harness import Sandboxes
    from tests.reliability.seed_data import seed_records

    pairs = []
    for index in range(first, first + count):
        ns_cfg = netsuite_config()
        ns_cfg.account_id = f"{7100000 + index}_SB1"
        netsuite = NetSuiteSandbox(ns_cfg)
        google = GoogleSandbox(google_config().replace(user_email=f"load{index}@example.com"))
        pair = Sandboxes(netsuite, google, SandboxServer(netsuite).start(), SandboxServer(google).start())
        seed_records(pair, *seed_counts(records))
        pairs.append(pair)
    return pairs


def describe(pairs: list) -> list[dict]:
    described = []
    for pair in pairs:
        google = pair.google.print_config(pair.google_server.base_url)
        google["refresh_token"] = pair.google.issue_tokens()["refresh_token"]
        described.append({"netsuite": pair.netsuite.print_config(pair.netsuite_server.base_url), "google": google})
    return described


def summary(pairs: list) -> list[dict]:
    from tests.engine.bulk_data import end_state, twins

    found = []
    for pair in pairs:
        state = end_state(pair)
        fingerprint = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()
        found.append(
            {
                "emails": {side: len(by_email) for side, by_email in state.items()},
                "twins": twins(state),
                "fingerprint": fingerprint,
                "max_in_flight": {"netsuite": pair.netsuite.max_in_flight, "google": pair.google.max_in_flight},
            }
        )
    return found


def main() -> None:
    # The sandboxes stand in for NetSuite's and Google's servers, which do not share the product's CPU:
    # on the test machine they yield to it (the workers and the admin being timed).
    os.nice(10)
    _setup()
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    pairs = start_pairs(int(sys.argv[1]), int(sys.argv[2]), first)
    print(json.dumps(describe(pairs)), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "summary":
            print(json.dumps(summary(pairs)), flush=True)
        elif command == "quit":
            break
    for pair in pairs:
        pair.netsuite_server.stop()
        pair.google_server.stop()


if __name__ == "__main__":
    main()
