"""Fixtures of the account glue tests: the NetSuite and Google sandboxes served on free
127.0.0.1 ports (one server each for the session, reset before each test), and accounts
pointing at them the way ops staff would set them up in the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from connections.models import ConnectedAccount
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config

TBA_NAMES = ("consumer_key", "consumer_secret", "token_id", "token_secret")
# The Django test client's host: the admin builds the OAuth callback URL from it.
TEST_SERVER = "http://testserver"


@dataclass
class Running:
    """A sandbox app served on a local port, and what ``--print-config`` would print for it."""

    app: Any
    base_url: str

    @property
    def info(self) -> dict:
        return self.app.print_config(self.base_url)


def callback_url() -> str:
    """The redirect URI the admin sends to Google: its callback view on the test server."""
    return TEST_SERVER + reverse("admin:connections_google_callback")


@pytest.fixture(scope="session")
def _netsuite_server():
    app = NetSuiteSandbox(netsuite_config())
    with SandboxServer(app).start() as server:
        yield Running(app, server.base_url)


@pytest.fixture(scope="session")
def _google_server():
    # Google accepts only registered redirect URIs for a web client (loopback ones
    # aside): register the admin's callback on the test server, as an installation would.
    app = GoogleSandbox(google_config().replace(redirect_uris=(callback_url(),)))
    with SandboxServer(app).start() as server:
        yield Running(app, server.base_url)


@pytest.fixture
def netsuite(_netsuite_server) -> Running:
    """The NetSuite sandbox, emptied, then generated: six subsidiaries under the root
    (one inactive, one elimination), reps, partners, lead sources, a few records."""
    _netsuite_server.app.reset()
    _netsuite_server.app.seed({"generate": {"customers": 6, "contacts": 3, "seed": 5}})
    return _netsuite_server


@pytest.fixture
def google(_google_server) -> Running:
    """The Google sandbox, emptied (one user, one OAuth client)."""
    _google_server.app.reset()
    return _google_server


@pytest.fixture(autouse=True)
def _sandbox_settings(settings, _google_server):
    # pytest-django runs with DEBUG off, where only listed hosts may be API base URLs.
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    # The OAuth client the product uses must be the sandbox's (runsandbox --print-config).
    settings.GOOGLE_CLIENT_ID = _google_server.app.config.client_id
    settings.GOOGLE_CLIENT_SECRET = _google_server.app.config.client_secret


def make_netsuite_account(netsuite: Running, **credential_changes: str) -> ConnectedAccount:
    """A NetSuite account pointing at the sandbox with its demo credentials (some replaced)."""
    info = netsuite.info
    account = ConnectedAccount(
        provider="netsuite", label="Sandbox NetSuite", account_id=info["account_id"], api_base_url=info["base_url"]
    )
    account.set_credentials({**{name: info[name] for name in TBA_NAMES}, **credential_changes})
    account.full_clean()
    account.save()
    return account


@pytest.fixture
def sandbox_account(db, netsuite) -> ConnectedAccount:
    return make_netsuite_account(netsuite)


WRONG_CONSUMER_SECRET = "cs-WRONG-9f8e7d6c5b4a39281706"


@pytest.fixture
def wrong_secret_account(db, netsuite) -> ConnectedAccount:
    return make_netsuite_account(netsuite, consumer_secret=WRONG_CONSUMER_SECRET)


def secrets_of(netsuite: Running) -> list[str]:
    """Every NetSuite secret a message must never show: the sandbox's and the wrong one."""
    info = netsuite.info
    return [info["consumer_secret"], info["token_secret"], WRONG_CONSUMER_SECRET]


def expected_subsidiaries(netsuite: Running) -> dict[str, tuple[str, str | None, bool, bool]]:
    """The sandbox's subsidiaries as NetSuite stores them: id -> (name, parent id, inactive, elimination)."""
    found = {}
    record_id = 1
    while (record := netsuite.app.get_record("subsidiary", record_id)) is not None:
        parent = record.get("parent", {}).get("id")
        found[record["id"]] = (record["name"], parent, bool(record["isInactive"]), bool(record["isElimination"]))
        record_id += 1
    return found
