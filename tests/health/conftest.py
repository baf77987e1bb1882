"""Fixtures of the health tests: both sandboxes over HTTP and a connection between them; a plain connection."""

from __future__ import annotations

import pytest

from ..engine.harness import make_connection
from ..mappings_admin.catalog_data import make_connection as make_plain_connection
from ..mappings_admin.catalog_data import make_google_account


@pytest.fixture
def connection(db, sandboxes, settings):
    return make_connection(sandboxes, settings)


@pytest.fixture
def connection_obj(netsuite_account):
    """A connection whose accounts point nowhere (for tests that write outcomes themselves)."""
    return make_plain_connection(netsuite_account, make_google_account(), "individual_customers")
