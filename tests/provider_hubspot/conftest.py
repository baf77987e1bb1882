"""Fixtures of the HubSpot provider tests: a tiny local HTTP stub that answers canned bodies quoted from the
reference, for the error-parsing and retry tests only; and the HubSpot sandbox (written apart from the client) over
real HTTP for the tests named ``*_against_sandbox``."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from connections.providers.hubspot.client import TOKEN, HubSpotClient
from connections.providers.hubspot.provider import build_client
from connections.providers.registry import ClientContext
from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox, HubSpotSandboxConfig

LIST_PAGE = {"results": [], "paging": None}


class Stub:
    """Answers each request with the next (status, body, headers) of ``answers``; remembers what it got."""

    def __init__(self):
        self.answers: list[tuple[int, object, dict]] = []
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(
                    {"method": self.command, "path": self.path, "auth": self.headers.get("Authorization")}
                )
                self.rfile.read(length)
                status, body, headers = stub.answers.pop(0) if stub.answers else (200, LIST_PAGE, {})
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def stub():
    running = Stub()
    yield running
    running.server.shutdown()
    running.server.server_close()


UNAUTHENTICATED = {
    "status": "error",
    "message": "Authentication credentials not found.",
    "category": "INVALID_AUTHENTICATION",
}


# --- the HubSpot sandbox over real HTTP (tests named *_against_sandbox) ------------------------------------


@dataclass
class RunningHubSpot:
    """A started HubSpot sandbox: the WSGI app (for its Python helpers) and its base URL."""

    app: HubSpotSandbox
    base_url: str

    @property
    def token(self) -> str:
        return self.app.config.token

    def context(self, token: str | None = None, **changes) -> ClientContext:
        """What ``connections.clients.client_for`` hands the provider for an account of this sandbox."""
        return ClientContext(
            account_id=self.app.config.portal_id,
            credentials={TOKEN: self.token if token is None else token},
            base_url=self.base_url,
            timeout=5.0,
            **changes,
        )

    def client(self, token: str | None = None, **options) -> HubSpotClient:
        """A client as the product builds it (the provider's ``build_client``), with quick backoff for tests."""
        client = build_client(self.context(token))
        options.setdefault("backoff_base", 0.01)
        options.setdefault("max_retries", 3)
        policy = client.transport.retry_policy
        client.transport.retry_policy = dataclasses.replace(policy, **options)
        return client

    def api_calls(self, method: str | None = None, path: str | None = None) -> list[dict]:
        """The sandbox's request log, filtered by HTTP method and exact path."""
        return [
            entry
            for entry in self.app.requests()
            if (method is None or entry["method"] == method) and (path is None or entry["path"] == path)
        ]

    def seed_contacts(self, *properties: dict) -> list[str]:
        """Seed contacts with these properties; their ids."""
        return self.app.seed({"contacts": [{"properties": p} for p in properties]})["ids"]["contacts"]

    def set_faults(self, **faults) -> None:
        requests.post(f"{self.base_url}/_sandbox/faults", json=faults, timeout=5).raise_for_status()


@pytest.fixture(scope="module")
def _hubspot_server():
    with SandboxServer(HubSpotSandbox()) as running:
        yield running


@pytest.fixture
def hubspot(_hubspot_server) -> RunningHubSpot:
    """The sandbox emptied for this test, search's 5-a-second limit off (the tests that want the limits
    start their own sandbox with ``start_hubspot``)."""
    app = _hubspot_server.app
    app.config.search_lag_seconds = 0.0  # a test may have turned it on
    app.clock = time.time
    app.reset()
    app.config.search_per_second = None
    app.config.ten_second_limit = None
    return RunningHubSpot(app, _hubspot_server.base_url)


@pytest.fixture
def start_hubspot():
    """Start a sandbox with its own configuration (``daily_limit=3`` ...); stopped after the test."""
    servers = []

    def start(**config) -> RunningHubSpot:
        app = HubSpotSandbox(HubSpotSandboxConfig(**config))
        server = SandboxServer(app).start()
        servers.append(server)
        return RunningHubSpot(app, server.base_url)

    yield start
    for server in servers:
        server.stop()
