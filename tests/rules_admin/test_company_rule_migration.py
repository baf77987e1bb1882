"""The data migration that gives existing Company Customers connections the default condition new ones get."""

from importlib import import_module

from django.apps import apps

from connections.models import Connection, Subsidiary
from rules.models import Condition, Rule

migration = import_module("rules.migrations.0002_company_default_rule_condition")


def make_connection(netsuite_account, google_account, contact_type: str, name: str) -> Connection:
    subsidiary, _ = Subsidiary.objects.get_or_create(account=netsuite_account, internal_id="1", defaults={"name": "HQ"})
    return Connection.objects.create(
        name=name,
        netsuite_account=netsuite_account,
        subsidiary=subsidiary,
        contact_type=contact_type,
        app_account=google_account,
    )


def _conditions(connection) -> list[tuple[str, str, str]]:
    return sorted(
        (c.rule.direction, c.field_id, c.operator) for c in Condition.objects.filter(rule__connection=connection)
    )


def test_existing_company_connections_get_the_condition_and_edited_rules_are_left_alone(
    netsuite_account, google_account
):
    untouched = make_connection(netsuite_account, google_account, "company_customers", "Old companies")
    Condition.objects.filter(rule__connection=untouched).delete()  # as before the default condition existed
    edited = make_connection(netsuite_account, google_account, "company_customers", "Edited companies")
    Condition.objects.filter(rule__connection=edited).update(field_id="email")  # the operator's own condition
    individuals = make_connection(netsuite_account, google_account, "individual_customers", "People")

    migration.add_company_condition(apps, None)

    assert _conditions(untouched) == [("to_netsuite", "organization.name", "is_not_empty")]
    assert _conditions(edited) == [("to_netsuite", "email", "is_not_empty")]
    assert _conditions(individuals) == []
    assert Rule.objects.filter(connection=untouched, direction="to_app").get().conditions.count() == 0

    migration.remove_company_condition(apps, None)
    assert _conditions(untouched) == []
