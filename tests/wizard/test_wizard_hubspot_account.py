"""Step 4 with an app whose credentials are typed (HubSpot's private-app token): the wizard offers to add
one, the admin's add form checks the token with the HubSpot sandbox and comes back to the wizard with the
new account chosen, and the review shows HubSpot's default mappings; ``next`` never leads off the site."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection
from sandbox.common.server import SandboxServer
from sandbox.hubspot import HubSpotSandbox
from sandbox.hubspot import default_config as hubspot_config

from .conftest import google_account, walk_to_app, wizard_url


@pytest.fixture(scope="module")
def hubspot():
    app = HubSpotSandbox(hubspot_config())
    server = SandboxServer(app).start()
    yield app.print_config(server.base_url)
    server.stop()


def _add_form(info: dict) -> dict:
    return {
        "provider": "hubspot",
        "label": "Ops HubSpot",
        "account_id": info["portal_id"],
        "api_base_url": info["base_url"],
        "concurrency_limit": 1,
        "private_app_token": info["access_token"],
    }


def test_add_a_hubspot_account_from_the_wizard_and_come_back_with_it_chosen(
    client, administrator_user, sandboxes, hubspot, settings
):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    page = client.get(wizard_url("app")).content.decode()
    add_url = html.unescape(re.search(r'href="([^"]+)" class="button" id="add-hubspot"', page)[1])
    assert add_url.startswith(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot&next=")

    response = client.post(add_url, _add_form(hubspot))
    assert response.status_code == 302, response.content.decode()[:3000]
    account = ConnectedAccount.objects.get(provider="hubspot")
    assert response["Location"] == f"{wizard_url('app')}?added_account={account.pk}"
    assert account.get_credentials()["private_app_token"] == hubspot["access_token"]  # stored encrypted
    assert account.status == AccountStatus.VERIFIED

    page = client.get(response["Location"]).content.decode()
    assert re.search(rf'value="{account.pk}"[^>]*checked', page) or re.search(
        rf'checked[^>]*value="{account.pk}"', page
    )
    assert client.post(wizard_url("app"), {"app-account": account.pk})["Location"] == wizard_url("review")
    review = client.get(wizard_url("review")).content.decode()
    for label in ("First Name", "Email", "Default Address"):
        assert f"<td>{label}</td>" in review
    assert hubspot["access_token"] not in review


def test_an_added_account_with_next_outside_the_site_goes_to_the_admin_as_usual(
    client, administrator_user, hubspot, settings
):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(administrator_user)
    add_url = reverse("admin:connections_connectedaccount_add") + "?provider=hubspot&next=https://evil.example/x"
    response = client.post(add_url, _add_form(hubspot))
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith(reverse("admin:connections_connectedaccount_changelist"))


def test_company_customers_offer_the_apps_companies_and_refuse_them_for_an_app_without(
    client, administrator_user, sandboxes, hubspot, settings
):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes, contact_type="company_customers")
    client.post(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot", _add_form(hubspot))
    hubspot_account = ConnectedAccount.objects.get(provider="hubspot")
    google = google_account(sandboxes)
    page = client.get(wizard_url("app")).content.decode()
    assert "the app's companies (HubSpot)" in html.unescape(page)

    refused = client.post(wizard_url("app"), {"app-account": google.pk, "app-app_object": "companies"})
    assert refused.status_code == 200
    assert "Google Contacts has no companies" in html.unescape(refused.content.decode())

    chosen = client.post(wizard_url("app"), {"app-account": hubspot_account.pk, "app-app_object": "companies"})
    assert chosen["Location"] == wizard_url("review")
    review = html.unescape(client.get(wizard_url("review")).content.decode())
    assert "<td>Website URL</td>" in review and "<td>Web Address</td>" in review
    assert "<td>First Name</td>" not in review  # the company defaults, not the contact ones


def test_people_contact_types_are_not_offered_the_apps_companies(client, administrator_user, sandboxes, hubspot):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes, contact_type="individual_customers")
    google_account(sandboxes)
    assert "app_object" not in client.get(wizard_url("app")).content.decode()


def test_the_review_offers_the_unsubscribe_policy_only_for_an_app_that_keeps_a_subscription_status(
    client, administrator_user, sandboxes, hubspot, settings
):
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes, contact_type="contacts")
    client.post(reverse("admin:connections_connectedaccount_add") + "?provider=hubspot", _add_form(hubspot))
    hubspot_account = ConnectedAccount.objects.get(provider="hubspot")
    client.post(wizard_url("app"), {"app-account": hubspot_account.pk})
    assert 'name="r-subscription_sync"' in client.get(wizard_url("review")).content.decode()
    response = client.post(
        wizard_url("review"), {"r-name": "Contacts ⇄ HubSpot", "r-interval_minutes": 15, "r-subscription_sync": "both"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Connection.objects.get(name="Contacts ⇄ HubSpot").subscription_sync == "both"

    google = google_account(sandboxes)  # Google keeps no subscription status: not offered
    client.post(wizard_url("app"), {"app-account": google.pk})
    assert 'name="r-subscription_sync"' not in client.get(wizard_url("review")).content.decode()
