"""Fixtures of the notification tests: both sandboxes over HTTP, connections with owners."""

from __future__ import annotations

import pytest

from ..engine.harness import make_connection
from ..mappings_admin.catalog_data import make_connection as make_plain_connection
from ..mappings_admin.catalog_data import make_google_account


@pytest.fixture
def owners(db, django_user_model):
    """Two owners with an email, one without (nobody to write to), one who left (inactive)."""
    make = django_user_model.objects.create_user
    return [
        make("olga", email="olga@example.com"),
        make("omar", email="omar@example.com"),
        make("nomail"),
        make("gone", email="gone@example.com", is_active=False),
    ]


@pytest.fixture
def connection(db, sandboxes, settings, owners):
    connection = make_connection(sandboxes, settings)
    connection.owners.set(owners)
    return connection


@pytest.fixture
def connection_obj(netsuite_account, owners):
    """A connection whose accounts point nowhere (for tests that write runs themselves)."""
    connection = make_plain_connection(netsuite_account, make_google_account(), "individual_customers")
    connection.owners.set(owners)
    return connection
