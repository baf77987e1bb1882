"""HubSpot's default mappings per NetSuite contact type: each direction is one the compatibility table allows
between the static catalogs, and no field is written twice."""

from __future__ import annotations

import pytest

from connections.choices import NetSuiteContactType
from mappings.catalogs import app_catalog, netsuite_catalog
from mappings.choices import Direction
from mappings.compatibility import allowed_directions
from mappings.defaults import default_mappings

CT = NetSuiteContactType


@pytest.mark.parametrize("contact_type", list(CT))
def test_every_default_mapping_has_a_direction_the_table_allows(contact_type):
    netsuite = {spec.id: spec for spec in netsuite_catalog(contact_type)}
    hubspot = {spec.id: spec for spec in app_catalog("hubspot", "contacts")}
    mappings = default_mappings("hubspot", contact_type)
    assert mappings
    for mapping in mappings:
        verdict = allowed_directions(netsuite[mapping.netsuite_field], hubspot[mapping.app_field], app_label="HubSpot")
        assert verdict.allows(mapping.direction), (mapping, verdict.reasons.get(mapping.direction))


@pytest.mark.parametrize("contact_type", list(CT))
def test_no_field_is_written_twice_by_the_defaults(contact_type):
    mappings = default_mappings("hubspot", contact_type)
    assert len({m.app_field for m in mappings}) == len(mappings)
    to_netsuite = [m.netsuite_field for m in mappings if m.direction != Direction.TO_APP]
    assert len(set(to_netsuite)) == len(to_netsuite)


def test_contacts_map_email_names_phones_company_title_and_the_address():
    got = {(m.netsuite_field, m.app_field) for m in default_mappings("hubspot", CT.CONTACTS)}
    assert got == {
        ("firstName", "firstname"),
        ("lastName", "lastname"),
        ("company", "company"),
        ("company", "associated_company"),  # the association, when a company connection links the company
        ("title", "jobtitle"),
        ("email", "email"),
        ("phone", "phone"),
        ("mobilePhone", "mobilephone"),
        ("defaultAddress", "postal_address"),
    }
