"""Fixtures of the NetSuite provider tests: the NetSuite sandbox served on a free local port
(reset before each test), a generated account in it, and clients of it over real HTTP."""

from __future__ import annotations

import pytest
import requests

from connections.providers.netsuite import NetSuiteClient
from sandbox.common.server import SandboxServer
from sandbox.netsuite import NetSuiteSandbox, default_config

CREDENTIAL_KEYS = ("consumer_key", "consumer_secret", "token_id", "token_secret")


@pytest.fixture(scope="session")
def served_sandbox():
    sandbox = NetSuiteSandbox(default_config())
    server = SandboxServer(sandbox).start()
    yield sandbox, server.base_url
    server.stop()


@pytest.fixture
def sandbox(served_sandbox) -> NetSuiteSandbox:
    app, _ = served_sandbox
    app.reset()
    return app


@pytest.fixture
def base_url(served_sandbox) -> str:
    return served_sandbox[1]


@pytest.fixture
def credentials(sandbox) -> dict:
    return {key: getattr(sandbox.config, key) for key in CREDENTIAL_KEYS}


@pytest.fixture
def make_client(sandbox, base_url, credentials):
    """A client of the sandbox; keyword arguments override the constructor's (short backoff by default)."""
    clients = []

    def make(**overrides) -> NetSuiteClient:
        options = {"base_url": base_url, "backoff_base": 0.02, "timeout": 10.0}
        options.update(overrides)
        creds = {**credentials, **options.pop("credentials", {})}
        client = NetSuiteClient(options.pop("account_id", sandbox.config.account_id), creds, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client) -> NetSuiteClient:
    return make_client()


@pytest.fixture
def account(sandbox) -> dict:
    """A generated account: customers and contacts over several subsidiaries, reps, partners, lead sources."""
    return sandbox.seed({"generate": {"customers": 120, "contacts": 60, "seed": 11}})


def id_range(generated: dict, record_type: str) -> list[int]:
    """Every id of ``record_type`` that the generator created."""
    return [i for first, last in generated["generated"][record_type]["ids"] for i in range(first, last + 1)]


def sandbox_requests(base_url: str) -> list[dict]:
    """The sandbox's request log (control API): ``{method, path, status, ms, start, end, fault}``."""
    return requests.get(f"{base_url}/_sandbox/requests", timeout=10).json()


def set_faults(base_url: str, **faults) -> None:
    response = requests.post(f"{base_url}/_sandbox/faults", json=faults, timeout=10)
    assert response.status_code == 200, response.text


def max_overlap(entries: list[dict]) -> int:
    """The largest number of logged requests in flight at one instant (an end before a start at a tie)."""
    events = sorted([(e["start"], 1) for e in entries] + [(e["end"], -1) for e in entries], key=lambda x: (x[0], x[1]))
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak
