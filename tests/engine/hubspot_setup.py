"""The HubSpot scenarios' setup (issue 18): a HubSpot sandbox served over HTTP for a test module, reset before
each test, and a connection of NetSuite individual customers to it with HubSpot's default mappings. The
fixtures are offered to every engine test by ``conftest.py``."""

from __future__ import annotations

import pytest

from connections.models import ConnectedAccount, Connection
from connections.services import verify_account
from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox
from sandbox.hubspot import default_config as hubspot_config
from syncengine.choices import Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync

from .harness import make_connection


@pytest.fixture(scope="module")
def running_hubspot():
    hubspot = HubSpotSandbox(hubspot_config())
    server = SandboxServer(hubspot).start()
    yield hubspot, server
    server.stop()


@pytest.fixture
def hubspot(running_hubspot):
    hubspot, server = running_hubspot
    hubspot.reset()
    return hubspot, server


def verified_hubspot_account(hubspot, label: str = "Sandbox HubSpot") -> ConnectedAccount:
    """A HubSpot account of the sandbox (``hubspot``: the fixture's pair), its token verified over HTTP."""
    app, server = hubspot
    info = app.print_config(server.base_url)
    account = ConnectedAccount(
        provider="hubspot", label=label, account_id=str(info["portal_id"]), api_base_url=info["base_url"]
    )
    account.set_credentials({"private_app_token": info["access_token"]})
    account.save()
    assert verify_account(account).ok
    return account


@pytest.fixture
def hubspot_connection(sandboxes, settings, hubspot) -> Connection:
    """Individual customers ⇄ HubSpot contacts: a HubSpot account verified over HTTP, default mappings."""
    netsuite = make_connection(sandboxes, settings)  # the verified NetSuite account and subsidiary
    account = verified_hubspot_account(hubspot)
    return Connection.objects.create(
        name="Sandbox ⇄ HubSpot",
        netsuite_account=netsuite.netsuite_account,
        subsidiary=netsuite.subsidiary,
        contact_type="individual_customers",
        app_account=account,
    )


def run(connection: Connection) -> SyncRun:
    sync = SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL)
    run_sync(sync.pk)
    sync.refresh_from_db()
    return sync
