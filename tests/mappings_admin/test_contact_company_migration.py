"""The data migration that makes the default Company ⇄ organization mapping of existing Contacts connections
two-way, and marks the cached NetSuite Contacts catalogs so that the pair is allowed."""

from dataclasses import replace
from importlib import import_module

from django.apps import apps

from mappings.catalog_cache import catalog_for
from mappings.models import FieldMapping

from .catalog_data import make_connection, netsuite_live_catalog, seed_catalog

migration = import_module("mappings.migrations.0003_contact_company_two_way")


def _company_direction(connection) -> str:
    return FieldMapping.objects.get(connection=connection, netsuite_field="company").direction


def test_existing_contacts_connections_get_the_two_way_company_and_a_catalog_that_allows_it(
    netsuite_account, google_account
):
    # A NetSuite Contacts catalog cached before the company was linked by name.
    before = [replace(s, linked_by_name=False) for s in netsuite_live_catalog("contacts")]
    seed_catalog(netsuite_account, "contacts", before)
    old = make_connection(netsuite_account, google_account, "contacts")
    FieldMapping.objects.filter(connection=old, netsuite_field="company").update(direction="to_app")
    assert not {s.id: s for s in catalog_for(netsuite_account, "contacts")}["company"].linked_by_name
    FieldMapping.objects.get(connection=old, netsuite_field="company").full_clean()  # to_app was valid
    people = make_connection(netsuite_account, google_account, "individual_customers")

    migration.forwards(apps, None)

    assert _company_direction(old) == "two_way"
    catalog = {s.id: s for s in catalog_for(netsuite_account, "contacts")}
    assert catalog["company"].linked_by_name and "custentity_tier" in catalog  # the custom fields are kept
    FieldMapping.objects.get(connection=old, netsuite_field="company").full_clean()  # valid against that catalog
    assert not FieldMapping.objects.filter(connection=people, netsuite_field="company").exists()

    migration.backwards(apps, None)
    assert _company_direction(old) == "to_app"
    assert not {s.id: s for s in catalog_for(netsuite_account, "contacts")}["company"].linked_by_name
