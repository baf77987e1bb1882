"""Fixtures of the wizard's server-side tests: both sandboxes on free 127.0.0.1 ports (one
server each for the module, reset and seeded before each test), the product's OAuth client set
to the Google sandbox's, and helpers that walk the wizard with the Django test client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from connections.models import ConnectedAccount
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config

TBA_NAMES = ("consumer_key", "consumer_secret", "token_id", "token_secret")
TEST_SERVER = "http://testserver"  # the Django test client's host: the OAuth callback is built on it
WRONG_SECRET = "cs-WRONG-0a1b2c3d4e5f60718293"


@dataclass
class Sandboxes:
    netsuite: NetSuiteSandbox
    google: GoogleSandbox
    netsuite_url: str
    google_url: str

    @property
    def ns_info(self) -> dict:
        return self.netsuite.print_config(self.netsuite_url)


@pytest.fixture(scope="module")
def _servers():
    callback = TEST_SERVER + reverse("admin:connections_google_callback")
    netsuite = NetSuiteSandbox(netsuite_config())
    google = GoogleSandbox(google_config().replace(redirect_uris=(callback,)))
    with SandboxServer(netsuite).start() as ns_server, SandboxServer(google).start() as g_server:
        yield Sandboxes(netsuite, google, ns_server.base_url, g_server.base_url)


@pytest.fixture
def sandboxes(_servers, settings) -> Sandboxes:
    """Both sandboxes emptied; NetSuite generated: subsidiaries (one inactive, one elimination)
    and a few customers; Google with a few contacts."""
    _servers.netsuite.reset()
    _servers.google.reset()
    _servers.netsuite.seed({"generate": {"customers": 6, "contacts": 3, "seed": 5}})
    # Individual customers of the root subsidiary (the one the helpers choose).
    people = [("Ada", "Lovelace", "ada@example.com"), ("Alan", "Turing", "alan@example.com"), ("Grace", "Hopper", None)]
    _servers.netsuite.seed({"records": {"customer": [ns_person(*person) for person in people]}})
    _servers.google.seed({"generate": {"contacts": 4, "seed": 5}})
    # pytest-django runs with DEBUG off, where only listed hosts may be API base URLs.
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.GOOGLE_CLIENT_ID = _servers.google.config.client_id
    settings.GOOGLE_CLIENT_SECRET = _servers.google.config.client_secret
    return _servers


def ns_person(first: str, last: str, email: str | None) -> dict:
    body = {"isPerson": True, "firstName": first, "lastName": last, "subsidiary": {"id": "1"}}
    return {**body, "email": email} if email else body


def wizard_url(step: str | None = None) -> str:
    if step is None:
        return reverse("admin:connections_connection_wizard")
    return reverse("admin:connections_connection_wizard_step", args=[step])


def authorize_form(sandboxes: Sandboxes, **changes: str) -> dict:
    """The "Authorize a new NetSuite account" form, filled with the sandbox's demo credentials."""
    info = sandboxes.ns_info
    data = {
        "action": "authorize",
        "new-label": "Sandbox NetSuite",
        "new-account_id": info["account_id"],
        "new-api_base_url": info["base_url"],
        **{f"new-{name}": info[name] for name in TBA_NAMES},
    }
    data.update({f"new-{k}" if k != "action" else k: v for k, v in changes.items()})
    return data


def google_account(sandboxes: Sandboxes) -> ConnectedAccount:
    """A verified Google account of the sandbox's user (as "Connect a Google account" leaves it)."""
    tokens = sandboxes.google.issue_tokens()
    account = ConnectedAccount(
        provider="google_contacts",
        label="Sales Google",
        account_id=sandboxes.google.config.user_email,
        api_base_url=sandboxes.google_url,
        status="verified",
    )
    account.set_credentials({"refresh_token": tokens["refresh_token"]})
    account.save()
    return account


def walk_to_app(client, sandboxes: Sandboxes, *, contact_type: str = "individual_customers") -> dict:
    """Authorize NetSuite, pick its root subsidiary and a contact type: the wizard is at the app step.

    Returns the ids chosen (``netsuite``, ``subsidiary``)."""
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes))
    assert response.status_code == 302, response.content.decode()[:3000]
    netsuite = ConnectedAccount.objects.get(provider="netsuite")
    subsidiary = netsuite.subsidiaries.get(internal_id="1")
    assert client.post(wizard_url("subsidiary"), {"s-subsidiary": subsidiary.pk}).status_code == 302
    assert client.post(wizard_url("contact-type"), {"c-contact_type": contact_type}).status_code == 302
    return {"netsuite": netsuite.pk, "subsidiary": subsidiary.pk}


def walk_to_review(client, sandboxes: Sandboxes, *, contact_type: str = "individual_customers") -> dict:
    """:func:`walk_to_app`, then pick a connected Google account: the wizard is at the review.

    Returns the ids chosen (``netsuite``, ``subsidiary``, ``google``)."""
    chosen = walk_to_app(client, sandboxes, contact_type=contact_type)
    google = google_account(sandboxes)
    response = client.post(wizard_url("app"), {"app-account": google.pk})
    assert response["Location"] == wizard_url("review")
    return {**chosen, "google": google.pk}
