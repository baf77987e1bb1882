"""The data migration that gives existing Company Customers connections the Company Name → Google name mapping."""

from importlib import import_module

from django.apps import apps

from connections.models import Connection, Subsidiary
from mappings.catalog_cache import catalog_for
from mappings.models import FieldMapping

from .catalog_data import google_live_catalog, seed_catalog

migration = import_module("mappings.migrations.0002_company_name_in_google")


def _connection(netsuite_account, google_account, contact_type: str, name: str) -> Connection:
    subsidiary, _ = Subsidiary.objects.get_or_create(account=netsuite_account, internal_id="1", defaults={"name": "HQ"})
    return Connection.objects.create(
        name=name,
        netsuite_account=netsuite_account,
        subsidiary=subsidiary,
        contact_type=contact_type,
        app_account=google_account,
    )


def _name_mappings(connection) -> list[tuple[str, str, str]]:
    return list(
        FieldMapping.objects.filter(connection=connection, app_field="name").values_list(
            "netsuite_field", "direction", "is_default"
        )
    )


def test_existing_company_connections_get_the_name_mapping_and_a_usable_google_catalog(
    netsuite_account, google_account
):
    # A Google catalog cached before the "name" field existed.
    seed_catalog(google_account, "contacts", [s for s in google_live_catalog() if s.id != "name"])
    old = _connection(netsuite_account, google_account, "company_customers", "Old companies")
    FieldMapping.objects.filter(connection=old, app_field="name").delete()  # as made before this change
    people = _connection(netsuite_account, google_account, "individual_customers", "People")
    already = _connection(netsuite_account, google_account, "company_customers", "New companies")

    migration.forwards(apps, None)

    assert _name_mappings(old) == [("companyName", "to_app", True)]
    assert _name_mappings(already) == [("companyName", "to_app", True)]  # not twice
    assert _name_mappings(people) == []
    catalog = {spec.id: spec for spec in catalog_for(google_account, "contacts")}
    assert catalog["name"].writable and "userDefined.Tier" in catalog  # the cached custom fields are kept
    FieldMapping.objects.get(connection=old, app_field="name").full_clean()  # valid against that catalog

    migration.backwards(apps, None)
    assert _name_mappings(old) == []
