"""Fixtures for the Google Contacts provider tests: a Google sandbox on a free
127.0.0.1 port per test, and clients of it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
import requests

from connections.providers.google_contacts import GoogleContactsClient
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox, default_config


@dataclass
class RunningSandbox:
    """A started Google sandbox: the WSGI app (for its Python helpers) and its base URL."""

    app: GoogleSandbox
    base_url: str
    updates: list[dict] = field(default_factory=list)

    @property
    def config(self):
        return self.app.config

    def api_calls(self, method: str | None = None, path: str | None = None) -> list[dict]:
        """The sandbox's request log, filtered by HTTP method and exact path."""
        return [
            entry
            for entry in self.app.requests()
            if (method is None or entry["method"] == method) and (path is None or entry["path"] == path)
        ]

    def credentials(self, *, expires_in: float | None = None) -> dict:
        """A fresh grant, as the admin would have stored it after the consent dance."""
        tokens = self.app.issue_tokens()
        lifetime = tokens["expires_in"] if expires_in is None else expires_in
        return {
            "refresh_token": tokens["refresh_token"],
            "access_token": tokens["access_token"],
            "expires_at": time.time() + lifetime,
        }

    def client(self, credentials: dict | None = None, **options) -> GoogleContactsClient:
        """A client of this sandbox; refreshed credentials land in ``self.updates``."""
        options.setdefault("backoff_base", 0.01)
        options.setdefault("max_retries", 3)
        options.setdefault("timeout", 5.0)
        options.setdefault("token_updater", self.updates.append)
        return GoogleContactsClient(
            self.config.user_email,
            credentials or self.credentials(),
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            base_url=self.base_url,
            **options,
        )

    def set_faults(self, **faults) -> None:
        requests.post(f"{self.base_url}/_sandbox/faults", json=faults, timeout=5).raise_for_status()


@pytest.fixture
def start_google():
    """Start a sandbox with config changes (``access_token_ttl=1`` ...); stopped after the test."""
    servers = []

    def start(**config_changes) -> RunningSandbox:
        app = GoogleSandbox(default_config().replace(**config_changes))
        server = SandboxServer(app).start()
        servers.append(server)
        return RunningSandbox(app, server.base_url)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def _shared_google_server():
    app = GoogleSandbox(default_config())
    server = SandboxServer(app).start()
    yield app, server.base_url
    server.stop()


@pytest.fixture
def google(_shared_google_server) -> RunningSandbox:
    """A sandbox with the default configuration, emptied for this test (one
    server for the session: stopping a server costs half a second)."""
    app, base_url = _shared_google_server
    app.reset()
    return RunningSandbox(app, base_url)


def person(given: str, family: str = "", email: str | None = None, **fields) -> dict:
    """A Person body for seeding."""
    body = {"names": [{"givenName": given, **({"familyName": family} if family else {})}]}
    if email:
        body["emailAddresses"] = [{"value": email}]
    body.update(fields)
    return body
