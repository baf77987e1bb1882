"""Fixtures for the Google sandbox tests: a sandbox served over real HTTP on
127.0.0.1 and a checking API client (see helpers.py)."""

from __future__ import annotations

import pytest

from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox, GoogleSandboxConfig

from .helpers import PeopleApiClient


@pytest.fixture(scope="module")
def server():
    """One sandbox server per test module (reset before each test by ``sandbox``)."""
    with SandboxServer(GoogleSandbox()) as running:
        yield running


@pytest.fixture
def sandbox(server) -> GoogleSandbox:
    server.app.reset()
    return server.app


@pytest.fixture
def base_url(server) -> str:
    return server.base_url


@pytest.fixture
def tokens(sandbox) -> dict:
    return sandbox.issue_tokens()


@pytest.fixture
def api(sandbox, base_url, tokens) -> PeopleApiClient:
    return PeopleApiClient(base_url, tokens["access_token"])


@pytest.fixture
def make_server():
    """Start extra sandboxes with their own config; all stopped after the test."""
    started = []

    def start(**config) -> tuple[GoogleSandbox, PeopleApiClient]:
        app = GoogleSandbox(GoogleSandboxConfig(**config))
        running = SandboxServer(app).start()
        started.append(running)
        return app, PeopleApiClient(running.base_url, app.issue_tokens()["access_token"])

    yield start
    for running in started:
        running.stop()
