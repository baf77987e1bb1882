"""Existing Company Customers ⇄ Google Contacts connections get the default condition new ones get
(rules.defaults): their "Sync everyone" rule Google → NetSuite gains "Company is not empty", so a
Google contact without a company is excluded instead of refused by NetSuite on every run.

Only a default rule the operator left as it came (named "Sync everyone", no conditions) is
changed; a rule someone edited is theirs. The values are frozen here, as migrations must be.
"""

from django.db import migrations

DEFAULT_RULE_NAME = "Sync everyone"
TO_NETSUITE = "to_netsuite"


def add_company_condition(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    Condition = apps.get_model("rules", "Condition")
    rules = Rule.objects.filter(
        name=DEFAULT_RULE_NAME,
        direction=TO_NETSUITE,
        connection__contact_type="company_customers",
        connection__app_account__provider="google_contacts",
        conditions__isnull=True,
    )
    Condition.objects.bulk_create(
        Condition(rule=rule, field_id="organization.name", operator="is_not_empty", value=None) for rule in rules
    )


def remove_company_condition(apps, schema_editor):
    Condition = apps.get_model("rules", "Condition")
    Condition.objects.filter(
        rule__name=DEFAULT_RULE_NAME,
        rule__direction=TO_NETSUITE,
        rule__connection__contact_type="company_customers",
        rule__connection__app_account__provider="google_contacts",
        field_id="organization.name",
        operator="is_not_empty",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0001_initial"),
        ("connections", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_company_condition, remove_company_condition)]
