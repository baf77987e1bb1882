"""The Mailchimp scenarios' setup (issue 19): a Mailchimp sandbox served over HTTP for a test module, reset
before each test, and a connection of NetSuite individual customers to its demo audience with Mailchimp's
default mappings. The fixtures are offered to every engine test by ``conftest.py``.

The sandbox refuses fake-looking addresses (example.com and the like, its UNCERTAIN 11): scenarios use other
domains."""

from __future__ import annotations

import pytest

from connections.models import ConnectedAccount, Connection
from connections.services import verify_account
from mappings.catalog_cache import refresh_catalog

from .harness import make_connection


@pytest.fixture
def mailchimp(running_mailchimp):
    mailchimp, server = running_mailchimp
    mailchimp.reset()
    return mailchimp, server


def verified_mailchimp_account(mailchimp, label: str = "Sandbox Mailchimp") -> ConnectedAccount:
    """A Mailchimp account of the sandbox (``mailchimp``: the fixture's pair), its key verified over HTTP."""
    app, server = mailchimp
    info = app.print_config(server.base_url)
    account = ConnectedAccount(provider="mailchimp", label=label, account_id="sandbox", api_base_url=info["base_url"])
    account.set_credentials({"api_key": info["api_key"]})
    account.save()
    assert verify_account(account).ok
    return account


def audience(mailchimp) -> str:
    """The object type of the sandbox's demo audience."""
    app, server = mailchimp
    return f"audience/{app.print_config(server.base_url)['list_id']}"


@pytest.fixture
def mailchimp_connect(sandboxes, settings, mailchimp):
    """Makes individual customers ⇄ the demo audience connections: a Mailchimp account verified over HTTP,
    default mappings, the audience's catalog fetched; keyword arguments set the connection's fields
    (``subscription_sync``, ``double_opt_in``, the deletion policies)."""

    def connect(**fields) -> Connection:
        netsuite = make_connection(sandboxes, settings)  # the verified NetSuite account and subsidiary
        account = verified_mailchimp_account(mailchimp)
        connection = Connection(
            name="Sandbox ⇄ Mailchimp",
            netsuite_account=netsuite.netsuite_account,
            subsidiary=netsuite.subsidiary,
            contact_type="individual_customers",
            app_account=account,
            app_object_type=audience(mailchimp),
            **fields,
        )
        connection.full_clean()
        connection.save()
        refresh_catalog(account, connection.app_object)
        return connection

    return connect


@pytest.fixture
def mailchimp_connection(mailchimp_connect) -> Connection:
    """Individual customers ⇄ the demo audience, with the defaults (see :func:`mailchimp_connect`)."""
    return mailchimp_connect()
