"""Fixtures of the change history tests: a connection with its accounts (its default mappings and rules)."""

from __future__ import annotations

import pytest

from ..mappings_admin.catalog_data import make_connection, make_google_account
from ..wizard.conftest import _servers, sandboxes  # noqa: F401  (both sandboxes, as the wizard's tests use them)


@pytest.fixture
def connection_obj(netsuite_account):
    return make_connection(netsuite_account, make_google_account(), "individual_customers")
