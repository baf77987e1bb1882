"""Existing Company Customers ⇄ Google Contacts connections get the default mapping new ones get
(mappings.defaults): Company Name → Google's "Name (as shown)", one way, so that a company shows in
Google under its name instead of as a contact without one.

Google's standard fields are fixed, so the new standard field ``name`` is added to every cached
Google catalog that lacks it (refreshing would add it too, at the cost of requests); without it
the new mapping would be skipped, and every run reported partially failed, until a refresh.
A connection where some mapping already writes Google's ``name`` is left alone. Values are
frozen here, as migrations must be.
"""

from django.db import migrations

NAME_FIELD = {
    "id": "name",
    "label": "Name (as shown)",
    "type": "text",
    "writable": True,
    "custom": False,
    "options": [],
    "max_length": None,
    "help": "The whole name as one text, as Google shows it (for companies); First/Last name set its parts.",
}


def forwards(apps, schema_editor):
    FieldCatalog = apps.get_model("mappings", "FieldCatalog")
    FieldMapping = apps.get_model("mappings", "FieldMapping")
    Connection = apps.get_model("connections", "Connection")
    for catalog in FieldCatalog.objects.filter(account__provider="google_contacts"):
        fields = list(catalog.fields or [])
        if not any(f.get("id") == "name" for f in fields):
            catalog.fields = [*fields, NAME_FIELD]
            catalog.save(update_fields=["fields"])
    companies = Connection.objects.filter(contact_type="company_customers", app_account__provider="google_contacts")
    for connection in companies.exclude(field_mappings__app_field="name"):
        company = FieldMapping.objects.filter(connection=connection, netsuite_field="companyName").first()
        FieldMapping.objects.create(
            connection=connection,
            netsuite_field="companyName",
            app_field="name",
            direction="to_app",
            is_default=True,
            enabled=True,
            order=(company.order if company is not None else 10) + 1,
        )


def backwards(apps, schema_editor):
    FieldMapping = apps.get_model("mappings", "FieldMapping")
    FieldMapping.objects.filter(
        connection__contact_type="company_customers",
        connection__app_account__provider="google_contacts",
        netsuite_field="companyName",
        app_field="name",
        direction="to_app",
        is_default=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mappings", "0001_initial"),
        ("connections", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
