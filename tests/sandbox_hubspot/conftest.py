"""Fixtures for the HubSpot sandbox tests: a sandbox served over real HTTP on
127.0.0.1 and a small API client (see helpers.py)."""

from __future__ import annotations

import pytest

from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox, HubSpotSandboxConfig

from .helpers import HubSpotApi


@pytest.fixture(scope="module")
def server():
    """One sandbox server per test module (reset before each test by ``sandbox``)."""
    with SandboxServer(HubSpotSandbox()) as running:
        yield running


@pytest.fixture
def sandbox(server) -> HubSpotSandbox:
    server.app.reset()
    return server.app


@pytest.fixture
def base_url(server) -> str:
    return server.base_url


@pytest.fixture
def api(sandbox, base_url) -> HubSpotApi:
    return HubSpotApi(base_url, sandbox.print_config(base_url)["access_token"])


@pytest.fixture
def make_server():
    """Start extra sandboxes with their own config; all stopped after the test."""
    started = []

    def start(**config) -> tuple[HubSpotSandbox, HubSpotApi]:
        app = HubSpotSandbox(HubSpotSandboxConfig(**config))
        running = SandboxServer(app).start()
        started.append(running)
        return app, HubSpotApi(running.base_url, app.config.token)

    yield start
    for running in started:
        running.stop()
