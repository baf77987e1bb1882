"""Fixtures of the mappings tests: the standard catalogs, by field id."""

from __future__ import annotations

import pytest

from connections.choices import NetSuiteContactType
from mappings.catalogs import app_catalog, netsuite_catalog


@pytest.fixture
def netsuite_fields() -> dict[str, dict]:
    """``{contact type: {field id: FieldSpec}}`` of the static NetSuite catalogs."""
    return {ct: {spec.id: spec for spec in netsuite_catalog(ct)} for ct in NetSuiteContactType}


@pytest.fixture
def google_fields() -> dict:
    """``{field id: FieldSpec}`` of the static Google Contacts catalog."""
    return {spec.id: spec for spec in app_catalog("google_contacts", "contacts")}
