"""A configuration worth exporting: two accounts with secrets, subsidiaries, a connection with owners,
custom and switched-off mappings, rules with conditions and actions."""

from __future__ import annotations

import pytest

from connections.models import ConnectedAccount, Connection, Subsidiary
from mappings.models import FieldMapping
from rules.models import Action, Condition, Rule

from ..conftest import NETSUITE_SECRETS

GOOGLE_SECRETS = {"refresh_token": "1//google-REFRESH-token-4f5e6d7c"}


@pytest.fixture
def configured(db, django_user_model, settings):
    """Build the configuration; returns the secrets by environment variable name, as an export names them."""
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # the sandbox address the NetSuite account points at
    owner = django_user_model.objects.create_user("olga", email="olga@example.com")
    netsuite = ConnectedAccount(
        provider="netsuite",
        label="ACME production",
        account_id="1234567_SB1",
        api_base_url="http://127.0.0.1:8801",
        concurrency_limit=15,
    )
    netsuite.set_credentials(NETSUITE_SECRETS)
    netsuite.save()
    parent = Subsidiary.objects.create(account=netsuite, internal_id="1", name="Parent Company")
    Subsidiary.objects.create(account=netsuite, internal_id="3", name="Canada", parent=parent)
    Subsidiary.objects.create(account=netsuite, internal_id="12", name="Old Co", is_inactive=True, parent=parent)
    google = ConnectedAccount(provider="google_contacts", label="Sales team", account_id="sales@acme.example")
    google.set_credentials({**GOOGLE_SECRETS, "access_token": "ya29.short-lived", "expires_at": 1999999999})
    google.save()
    connection = Connection.objects.create(
        name="ACME ⇄ Sales Google",
        netsuite_account=netsuite,
        subsidiary=parent,
        contact_type="individual_customers",
        app_account=google,
        app_scope="contactGroups/5a1b",
        interval_minutes=30,
        conflict_policy="netsuite_wins",
        netsuite_deletions="mark",
        deletion_safety_percent=5,
    )
    connection.owners.set([owner])
    FieldMapping.objects.filter(connection=connection, netsuite_field="comments").update(enabled=False)
    FieldMapping.objects.filter(connection=connection, netsuite_field="mobilePhone").delete()
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="custentity_nickname",
        app_field="userDefined.Nickname",
        direction="to_app",
        order=500,
    )
    web = Rule.objects.create(connection=connection, direction="to_app", name="Web leads", order=20, match="any")
    Condition.objects.create(rule=web, field_id="leadSource", operator="is", value={"id": "1", "name": "Web"})
    Condition.objects.create(rule=web, field_id="", operator="not_exists_in_other_app", value=None)
    Action.objects.create(rule=web, kind="add_to_group", field_id="memberships", value={"id": "g1", "name": "Web"})
    Action.objects.create(rule=web, field_id="notes", value="From the web", apply_on="create")
    Rule.objects.filter(connection=connection, direction="to_netsuite").update(enabled=False)
    quiet = Connection.objects.create(
        name="Canada ⇄ Sales Google",
        netsuite_account=netsuite,
        subsidiary=Subsidiary.objects.get(internal_id="3"),
        contact_type="contacts",
        app_account=google,
        paused=True,
        paused_reason="Not yet",
    )
    env = {
        **{f"NETSUITE_1234567_SB1_{name.upper()}": value for name, value in NETSUITE_SECRETS.items()},
        "GOOGLE_CONTACTS_SALES_ACME_EXAMPLE_REFRESH_TOKEN": GOOGLE_SECRETS["refresh_token"],
    }
    return {"env": env, "connection": connection, "quiet": quiet, "owner": owner}
