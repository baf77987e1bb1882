"""Connection names are unique (whatever the case): the admin form says so under the name, the database
refuses a duplicate that skips the form, and the migration renames the duplicates that existed before."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from connections.models import ConnectedAccount, Connection, Subsidiary, free_connection_name


@pytest.fixture
def existing(netsuite_account):
    # The connection form offers verified accounts only.
    netsuite_account.mark_status("verified")
    google = ConnectedAccount.objects.create(
        provider="google_contacts", label="G", account_id="g@example.com", status="verified"
    )
    sub = Subsidiary.objects.create(account=netsuite_account, internal_id="1", name="Parent Company")
    return Connection.objects.create(
        name="ACME ⇄ Google",
        netsuite_account=netsuite_account,
        subsidiary=sub,
        contact_type="contacts",
        app_account=google,
    )


def _form(existing: Connection, name: str) -> dict:
    return {
        "name": name,
        "netsuite_account": existing.netsuite_account_id,
        "subsidiary": existing.subsidiary_id,
        "contact_type": "individual_customers",
        "app_account": existing.app_account_id,
        "app_scope": "",
        "interval_minutes": 15,
        "conflict_policy": "most_recent",
        "netsuite_deletions": "ignore",
        "app_deletions": "ignore",
        "company_matching": "domain_then_name",
        "subscription_sync": "off",
        "deletion_safety_percent": 10,
    }


def test_the_admin_refuses_a_name_another_connection_bears_whatever_the_case(admin_client, existing):
    response = admin_client.post(reverse("admin:connections_connection_add"), _form(existing, "acme ⇄ GOOGLE"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"], errors
    assert "Another connection is already called “acme ⇄ GOOGLE”" in errors["name"][0]
    assert "e.g. “acme ⇄ GOOGLE (2)”" in errors["name"][0]
    assert Connection.objects.count() == 1

    response = admin_client.post(reverse("admin:connections_connection_add"), _form(existing, "ACME ⇄ Google (2)"))
    assert response.status_code == 302
    assert Connection.objects.count() == 2


def test_a_connection_keeps_its_own_name_when_saved_again(existing):
    existing.interval_minutes = 30
    existing.full_clean()  # its own name is not "another connection's"
    existing.save()


def test_the_database_refuses_a_duplicate_name_that_skips_the_form(existing):
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(
            name="Acme ⇄ Google",
            netsuite_account=existing.netsuite_account,
            subsidiary=existing.subsidiary,
            contact_type="contacts",
            app_account=existing.app_account,
        )


def test_a_free_name_is_numbered_after_the_names_taken(existing):
    assert free_connection_name("Something else") == "Something else"
    assert free_connection_name("ACME ⇄ Google") == "ACME ⇄ Google (2)"
    assert free_connection_name("ACME ⇄ Google", exclude_pk=existing.pk) == "ACME ⇄ Google"
    existing.pk = None
    existing.name = "acme ⇄ google (2)"
    existing.save()
    assert free_connection_name("ACME ⇄ Google") == "ACME ⇄ Google (3)"
    assert len(free_connection_name("x" * 200)) == 200


def _unique_names_migration(executor: MigrationExecutor) -> tuple[tuple[str, str], tuple[str, str]]:
    """(the migration that makes names unique, the connections migration before it), whatever their numbers."""
    key = next(k for k in executor.loader.disk_migrations if k[0] == "connections" and k[1].endswith("_unique_names"))
    parent = next(d for d in executor.loader.disk_migrations[key].dependencies if d[0] == "connections")
    return key, parent


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_existing_duplicates_before_names_become_unique():
    executor = MigrationExecutor(connection)
    key, parent = _unique_names_migration(executor)
    executor.migrate([parent])
    try:
        apps = executor.loader.project_state([parent]).apps
        account = apps.get_model("connections", "ConnectedAccount")
        ns = account.objects.create(provider="netsuite", label="NS", account_id="1")
        google = account.objects.create(provider="google_contacts", label="G", account_id="g@example.com")
        sub = apps.get_model("connections", "Subsidiary").objects.create(account=ns, internal_id="1", name="P")
        old = apps.get_model("connections", "Connection")
        names = ["Demo", "demo", "Demo (2)", "Demo", "Other", "x" * 200, "x" * 200]
        pks = [
            old.objects.create(
                name=name, netsuite_account=ns, subsidiary=sub, contact_type="contacts", app_account=google
            ).pk
            for name in names
        ]

        executor = MigrationExecutor(connection)
        executor.migrate([key])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    renamed = dict(Connection.objects.values_list("pk", "name"))
    assert [renamed[pk] for pk in pks] == [
        "Demo",  # the oldest keeps its name
        "demo (3)",  # "Demo (2)" was taken
        "Demo (2)",
        "Demo (4)",
        "Other",
        "x" * 200,
        "x" * 196 + " (2)",  # shortened to fit
    ]
