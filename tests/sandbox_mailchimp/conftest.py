"""Fixtures for the Mailchimp sandbox tests: a sandbox served over real HTTP on
127.0.0.1 and a small API client (see helpers.py)."""

from __future__ import annotations

import pytest

from sandbox.common.server import SandboxServer
from sandbox.mailchimp import MailchimpSandbox, MailchimpSandboxConfig

from .helpers import MailchimpApi


@pytest.fixture(scope="module")
def server():
    """One sandbox server per test module (reset before each test by ``sandbox``)."""
    with SandboxServer(MailchimpSandbox()) as running:
        yield running


@pytest.fixture
def sandbox(server) -> MailchimpSandbox:
    server.app.reset()
    return server.app


@pytest.fixture
def config(sandbox, server) -> dict:
    return sandbox.print_config(server.base_url)


@pytest.fixture
def api(config) -> MailchimpApi:
    return MailchimpApi(config["base_url"], config["api_key"])


@pytest.fixture
def list_id(config) -> str:
    return config["list_id"]


@pytest.fixture
def make_server():
    """Start extra sandboxes with their own config; all stopped after the test."""
    started = []

    def start(**config) -> tuple[MailchimpSandbox, MailchimpApi]:
        app = MailchimpSandbox(MailchimpSandboxConfig(**config))
        running = SandboxServer(app).start()
        started.append(running)
        info = app.print_config(running.base_url)
        return app, MailchimpApi(info["base_url"], info["api_key"])

    yield start
    for running in started:
        running.stop()
