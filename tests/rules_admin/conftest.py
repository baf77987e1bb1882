"""Fixtures of the rule admin tests: a connection whose catalogs were refreshed, and its default rules."""

from __future__ import annotations

import pytest

from connections.providers.fields import FieldOption, FieldSpec
from rules.models import Rule

from ..mappings_admin.catalog_data import (
    google_live_catalog,
    make_connection,
    make_google_account,
    netsuite_live_catalog,
    seed_catalog,
)

# Two employees share a name, as happens: they are told apart by id in the admin ("John Smith [21]").
SALES_REPS = (
    FieldOption("7", "Ann Rep"),
    FieldOption("8", "Bob Rep"),
    FieldOption("21", "John Smith"),
    FieldOption("22", "John Smith"),
)


def _with_sales_reps(specs: list[FieldSpec]) -> list[FieldSpec]:
    return [
        FieldSpec(s.id, s.label, s.type, s.writable, s.custom, SALES_REPS, s.max_length, s.help)
        if s.id == "salesRep"
        else s
        for s in specs
    ]


@pytest.fixture
def google_account(db):
    return make_google_account()


@pytest.fixture
def connection(netsuite_account, google_account):
    """An Individual Customers connection, both catalogs refreshed (custom fields, Sales Reps, groups)."""
    connection = make_connection(netsuite_account, google_account, "individual_customers")
    seed_catalog(
        netsuite_account, "individual_customers", _with_sales_reps(netsuite_live_catalog("individual_customers"))
    )
    seed_catalog(google_account, "contacts", google_live_catalog())
    return connection


@pytest.fixture
def to_app_rule(connection) -> Rule:
    """The default "Sync everyone" rule of NetSuite → Google Contacts (conditions read NetSuite)."""
    return connection.rules.get(direction="to_app")


@pytest.fixture
def to_netsuite_rule(connection) -> Rule:
    """The default "Sync everyone" rule of Google Contacts → NetSuite (actions set NetSuite fields)."""
    return connection.rules.get(direction="to_netsuite")
