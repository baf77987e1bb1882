"""Fixtures of the mapping admin tests: a Google account and connections with refreshed catalogs."""

from __future__ import annotations

import pytest

from .catalog_data import make_connection, make_google_account, seed_live_catalogs


@pytest.fixture
def google_account(db):
    return make_google_account()


@pytest.fixture
def new_connection(netsuite_account, google_account):
    """Make a connection of a contact type (catalogs never refreshed: the static ones apply)."""

    def make(contact_type: str = "contacts"):
        return make_connection(netsuite_account, google_account, contact_type)

    return make


@pytest.fixture
def seeded_connection(new_connection):
    """An Individual Customers connection whose catalogs were refreshed (custom fields, option lists)."""
    connection = new_connection("individual_customers")
    seed_live_catalogs(connection)
    return connection
