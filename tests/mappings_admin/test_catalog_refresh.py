"""Field catalogs: the static standard fields until refreshed; "Refresh field catalogs" reads both
providers over real HTTP (the sandboxes); a provider's failure is shown and changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mappings.catalog_cache import catalog_for
from mappings.catalogs import app_catalog, netsuite_catalog
from mappings.models import FieldCatalog
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config

from ..conftest import NETSUITE_SECRETS
from .catalog_data import seed_catalog

TBA_NAMES = ("consumer_key", "consumer_secret", "token_id", "token_secret")


@pytest.fixture
def netsuite_sandbox():
    with SandboxServer(NetSuiteSandbox(netsuite_config())) as server:
        yield server


@pytest.fixture
def google_sandbox(settings):
    app = GoogleSandbox(google_config())
    settings.GOOGLE_CLIENT_ID = app.config.client_id
    settings.GOOGLE_CLIENT_SECRET = app.config.client_secret
    with SandboxServer(app) as server:
        yield app, server


@pytest.fixture
def sandbox_connection(new_connection, netsuite_account, google_account, netsuite_sandbox, google_sandbox):
    """A Contacts connection whose two accounts point at the sandboxes (NetSuite's credentials still wrong)."""
    app, server = google_sandbox
    netsuite_account.api_base_url = netsuite_sandbox.base_url
    netsuite_account.save()
    tokens = app.issue_tokens()
    google_account.account_id = app.config.user_email
    google_account.api_base_url = server.base_url
    google_account.set_credentials(
        {"refresh_token": tokens["refresh_token"], "access_token": tokens["access_token"], "expires_at": 0}
    )
    google_account.save()
    return new_connection("contacts")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_catalog_for_reads_the_static_catalog_until_a_refresh_is_cached(netsuite_account, google_account):
    assert catalog_for(netsuite_account, "contacts") == list(netsuite_catalog("contacts"))
    assert catalog_for(google_account, "contacts") == list(app_catalog("google_contacts", "contacts"))

    seed_catalog(netsuite_account, "contacts", [netsuite_catalog("contacts")[0]])

    assert [spec.id for spec in catalog_for(netsuite_account, "contacts")] == [netsuite_catalog("contacts")[0].id]
    assert catalog_for(netsuite_account, "individual_customers") == list(netsuite_catalog("individual_customers"))


def test_refresh_field_catalogs_reads_both_apps_over_http_and_feeds_the_dropdowns(
    client, administrator_user, sandbox_connection, netsuite_account
):
    config = netsuite_config()
    netsuite_account.set_credentials({name: getattr(config, name) for name in TBA_NAMES})
    netsuite_account.save()
    client.force_login(administrator_user)

    response = client.post(
        reverse("admin:connections_connection_changelist"),
        {"action": "refresh_field_catalogs", "_selected_action": [sandbox_connection.pk]},
    )

    assert response.status_code == 302
    messages = _messages(response)
    assert any(m.startswith("Refreshed the NetSuite field catalog (Contacts) of ACME sandbox:") for m in messages)
    assert any(
        m.startswith("Refreshed the Google Contacts field catalog (contacts) of Sales Google:") for m in messages
    ), messages
    netsuite_fields = {spec.id: spec for spec in catalog_for(netsuite_account, "contacts")}
    assert netsuite_fields["custentity_vip"].custom
    assert str(netsuite_fields["custentity_vip"].type) == "boolean"
    google_fields = {spec.id: spec for spec in catalog_for(sandbox_connection.app_account, "contacts")}
    assert "memberships" in google_fields

    page = client.get(reverse("admin:connections_connection_change", args=[sandbox_connection.pk]))
    html = page.content.decode()
    assert '<option value="custentity_vip">VIP (custentity_vip) · check box (yes/no)</option>' in html
    assert "read from NetSuite on" in html


def test_a_provider_error_during_a_refresh_is_shown_and_changes_nothing(
    client, administrator_user, sandbox_connection, netsuite_account
):
    # The account's stored credentials are not the sandbox's: NetSuite refuses the signature.
    cached = seed_catalog(netsuite_account, "contacts", list(netsuite_catalog("contacts")))
    client.force_login(administrator_user)

    response = client.post(reverse("admin:connections_connection_refresh_catalogs", args=[sandbox_connection.pk]))

    assert response.status_code == 302
    messages = _messages(response)
    failure = next(m for m in messages if m.startswith("Could not refresh the NetSuite field catalog (Contacts)"))
    assert "of ACME sandbox: NetSuite refused the credentials" in failure
    for secret in NETSUITE_SECRETS.values():
        assert secret not in " ".join(messages)
    after = FieldCatalog.objects.get(pk=cached.pk)
    assert (after.fields, after.fetched_at) == (cached.fields, cached.fetched_at)
    # The other side was fine and is refreshed all the same.
    assert any(m.startswith("Refreshed the Google Contacts field catalog") for m in messages)


def test_an_operator_cannot_refresh_catalogs(client, operator_user, new_connection):
    connection = new_connection("contacts")
    client.force_login(operator_user)

    response = client.post(reverse("admin:connections_connection_refresh_catalogs", args=[connection.pk]))

    assert response.status_code == 403
    changelist = client.get(reverse("admin:connections_connection_changelist")).content.decode()
    assert "refresh_field_catalogs" not in changelist
    assert not FieldCatalog.objects.exists()
