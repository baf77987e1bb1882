"""Step 4: connecting a Google account from the wizard runs the admin's Google sign-in and comes
back to the wizard with the new account chosen; ``next`` never leads off the site."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.urls import reverse

from connections.models import ConnectedAccount

from .conftest import walk_to_app, wizard_url


def _sign_in(client, connect_url: str, google_url: str) -> str:
    """Post the connect form, consent at the sandbox (as the browser would), call the callback;
    returns where the admin sends the browser afterwards."""
    response = client.post(connect_url, {"label": "", "api_base_url": google_url})
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text
    back = urlsplit(consent.headers["Location"])
    response = client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})
    assert response.status_code == 302
    return response["Location"]


def test_connect_google_from_the_wizard_and_come_back_with_it_chosen(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    page = client.get(wizard_url("app")).content.decode()
    assert "No Google, HubSpot or Mailchimp account is connected yet." in page
    connect_url = html.unescape(re.search(r'href="([^"]+)" class="button default" id="connect-google"', page)[1])
    assert connect_url.startswith(reverse("admin:connections_google_connect") + "?next=")

    returned = _sign_in(client, connect_url, sandboxes.google_url)
    account = ConnectedAccount.objects.get(provider="google_contacts")
    assert returned == f"{wizard_url('app')}?google_account={account.pk}"
    page = client.get(returned).content.decode()
    assert f"Google account {account.account_id} connected." in page
    assert re.search(rf'value="{account.pk}"[^>]*checked', page) or re.search(
        rf'checked[^>]*value="{account.pk}"', page
    )
    response = client.post(wizard_url("app"), {"app-account": account.pk})
    assert response["Location"] == wizard_url("review")
    assert client.get(wizard_url("app") + "?google_account=x").status_code == 200  # a mangled return is ignored


def test_next_outside_the_site_is_ignored(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    connect_url = reverse("admin:connections_google_connect") + "?next=https://evil.example/steal"
    returned = _sign_in(client, connect_url, sandboxes.google_url)
    account = ConnectedAccount.objects.get(provider="google_contacts")
    assert returned == reverse("admin:connections_connectedaccount_change", args=[account.pk])


def test_a_refused_sign_in_returns_to_the_form_that_still_leads_back(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    sandboxes.google.set_consent(False)
    connect_url = reverse("admin:connections_google_connect") + "?next=" + wizard_url("app")
    returned = _sign_in(client, connect_url, sandboxes.google_url)
    assert returned == reverse("admin:connections_google_connect") + "?" + urlencode({"next": wizard_url("app")})
    assert "Google did not grant access (access_denied)." in client.get(returned).content.decode()
