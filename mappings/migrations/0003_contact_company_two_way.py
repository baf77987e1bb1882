"""Existing Contacts ⇄ Google Contacts connections get the default mapping new ones get (mappings.defaults):
the contact's Company ⇄ Google's organization name, two-way instead of NetSuite to Google only. NetSuite
now links a name from Google to the company of that name (connections/providers/netsuite/company_links.py).

The NetSuite catalogs cached before this change lack the mark that makes the pair two-way
(``linked_by_name`` on the contact's ``company``), so it is added to every cached NetSuite Contacts
catalog (refreshing would add it too, at the cost of requests); without it the two-way mapping would be
refused at run start, and skipped. Only the default mapping still as it was made (``to_app``: two-way
could not be chosen before) changes; a mapping switched off stays off. Values are frozen here, as
migrations must be.
"""

from django.db import migrations

COMPANY = "company"
ORGANIZATION = "organization.name"


def _mark_catalogs(apps, linked: bool) -> None:
    """Set (or, backwards, remove) the mark on the company of every cached NetSuite Contacts catalog."""
    FieldCatalog = apps.get_model("mappings", "FieldCatalog")
    for catalog in FieldCatalog.objects.filter(account__provider="netsuite", object_type="contacts"):
        fields = [dict(spec) for spec in catalog.fields or []]
        company = next((s for s in fields if s.get("id") == COMPANY and s.get("type") == "reference"), None)
        if company is None or bool(company.get("linked_by_name")) == linked:
            continue
        if linked:
            company["linked_by_name"] = True
        else:
            company.pop("linked_by_name", None)
        catalog.fields = fields
        catalog.save(update_fields=["fields"])


def _default_company_mappings(apps):
    FieldMapping = apps.get_model("mappings", "FieldMapping")
    return FieldMapping.objects.filter(
        connection__contact_type="contacts",
        connection__app_account__provider="google_contacts",
        netsuite_field=COMPANY,
        app_field=ORGANIZATION,
        is_default=True,
    )


def forwards(apps, schema_editor):
    _mark_catalogs(apps, linked=True)
    _default_company_mappings(apps).filter(direction="to_app").update(direction="two_way")


def backwards(apps, schema_editor):
    _default_company_mappings(apps).filter(direction="two_way").update(direction="to_app")
    _mark_catalogs(apps, linked=False)


class Migration(migrations.Migration):
    dependencies = [
        ("mappings", "0002_company_name_in_google"),
        ("connections", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
