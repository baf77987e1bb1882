"""Injecting faults into running sandboxes through their control API, and reading back what was injected."""

from __future__ import annotations

from collections import Counter

import requests

from ..engine.harness import Sandboxes


def set_faults(sandboxes: Sandboxes, *, netsuite: dict | None = None, google: dict | None = None) -> None:
    """Change the faults of each sandbox as a tester would (``POST /_sandbox/faults``, which also reseeds
    the fault generator when ``seed`` is given)."""
    for server, faults in ((sandboxes.netsuite_server, netsuite), (sandboxes.google_server, google)):
        if faults:
            response = requests.post(f"{server.base_url}/_sandbox/faults", json=faults, timeout=10)
            response.raise_for_status()


def clear_faults(sandboxes: Sandboxes) -> None:
    """No more faults (rates to zero), keeping the concurrency limits."""
    quiet = {"error_rate": 0.0, "rate_limit_rate": 0.0, "timeout_rate": 0.0, "malformed_rate": 0.0, "drop_rate": 0.0}
    set_faults(sandboxes, netsuite=quiet, google=quiet)


def injected(sandboxes: Sandboxes) -> dict[str, Counter]:
    """Per sandbox, how many API requests got each kind of fault (from the request logs)."""
    found = {}
    for side, log in sandboxes.requests().items():
        found[side] = Counter(entry["fault"] for entry in log if entry["fault"])
        found[side]["requests"] = len(log)
    return found
