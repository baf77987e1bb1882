"""A new connection starts with the documented default mapping of its NetSuite contact type."""

import pytest

from mappings.defaults import default_mappings
from mappings.models import FieldMapping

TWO, TO_APP = "two_way", "to_app"

# The README's tables (mappings/defaults.py), written out: what each contact type starts with.
DOCUMENTED = {
    "company_customers": [
        ("companyName", "organization.name", TWO),
        ("companyName", "name", TO_APP),
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("altPhone", "phone.other", TWO),
        ("defaultAddress", "address.work", TWO),
        ("comments", "notes", TWO),
    ],
    "individual_customers": [
        ("firstName", "givenName", TWO),
        ("lastName", "familyName", TWO),
        ("title", "organization.title", TWO),
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("altPhone", "phone.other", TWO),
        ("defaultAddress", "address.home", TWO),
        ("comments", "notes", TWO),
    ],
    "contacts": [
        ("firstName", "givenName", TWO),
        ("lastName", "familyName", TWO),
        ("company", "organization.name", TWO),
        ("title", "organization.title", TWO),
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("homePhone", "phone.home", TWO),
        ("defaultAddress", "address.work", TWO),
        ("comments", "notes", TWO),
    ],
}


@pytest.mark.parametrize("contact_type", sorted(DOCUMENTED))
def test_new_connection_gets_the_documented_default_mapping(new_connection, contact_type):
    connection = new_connection(contact_type)

    mappings = list(connection.field_mappings.all())
    assert [(m.netsuite_field, m.app_field, m.direction) for m in mappings] == DOCUMENTED[contact_type]
    assert [(m.netsuite_field, m.app_field, m.direction) for m in mappings] == [
        (d.netsuite_field, d.app_field, d.direction) for d in default_mappings("google_contacts", contact_type)
    ]
    assert all(m.is_default and m.enabled for m in mappings)
    for mapping in mappings:
        mapping.full_clean()  # valid against the static catalogs a new connection starts with


def test_default_mappings_are_switched_off_one_by_one(new_connection):
    connection = new_connection("contacts")
    notes = connection.field_mappings.get(netsuite_field="comments")
    notes.enabled = False
    notes.full_clean()
    notes.save()

    enabled = set(connection.field_mappings.filter(enabled=True).values_list("netsuite_field", flat=True))
    assert "comments" not in enabled
    assert len(enabled) == len(DOCUMENTED["contacts"]) - 1


def test_saving_a_connection_again_adds_no_mappings(new_connection):
    connection = new_connection("contacts")
    connection.name = "Renamed"
    connection.save()
    assert FieldMapping.objects.filter(connection=connection).count() == len(DOCUMENTED["contacts"])
