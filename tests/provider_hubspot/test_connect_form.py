"""Connecting a HubSpot account: the add form asks for the private app token (write-only), and keeps
nothing the API has not accepted. The acceptance path (a good token stored as verified) needs the HubSpot
sandbox and is to follow; the refusal is a 401 body quoted from the reference, served by the local stub."""

from __future__ import annotations

from django.urls import reverse

from connections.models import ConnectedAccount

from .conftest import UNAUTHENTICATED

TOKEN = "pat-na1-11111111-typed-token-never-shown"


def test_the_add_page_for_hubspot_asks_for_the_token_and_no_netsuite_credential(client, administrator_user):
    client.force_login(administrator_user)
    html = client.get(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot").content.decode()
    assert 'name="private_app_token"' in html
    assert 'name="consumer_key"' not in html and 'name="concurrency_limit"' not in html
    assert "checked with HubSpot before anything is saved" in html


def test_a_hubspot_account_without_a_token_is_refused(client, administrator_user):
    client.force_login(administrator_user)
    data = {"provider": "hubspot", "label": "Ops HubSpot", "account_id": "123", "concurrency_limit": 1}
    response = client.post(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot", data)
    assert response.status_code == 200
    assert "HubSpot needs its credentials. Missing: Private app access token." in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_a_token_hubspot_refuses_stores_nothing_and_is_never_shown(client, administrator_user, stub, settings):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    stub.answers = [(401, UNAUTHENTICATED, {})]
    client.force_login(administrator_user)
    data = {
        "provider": "hubspot",
        "label": "Ops HubSpot",
        "account_id": "123",
        "api_base_url": stub.base_url,
        "concurrency_limit": 1,
        "private_app_token": TOKEN,
    }
    response = client.post(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "HubSpot did not accept these credentials, so nothing was saved" in html
    assert "Authentication credentials not found." in html
    assert TOKEN not in html
    assert not ConnectedAccount.objects.exists()
    assert [r["auth"] for r in stub.requests] == [f"Bearer {TOKEN}"]  # one attempt: a person waits


def test_the_accounts_list_offers_to_add_a_hubspot_account(client, administrator_user):
    client.force_login(administrator_user)
    html = client.get(reverse("admin:connections_connectedaccount_changelist")).content.decode()
    add = reverse("admin:connections_connectedaccount_add")
    assert f'<a href="{add}?provider=hubspot" class="addlink" id="add-hubspot">Add a HubSpot account</a>' in html
