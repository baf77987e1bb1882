""" "Connect a Google account" end to end against the Google sandbox: the admin form, the
sandbox's consent redirect (followed with ``requests``, as the browser would), the callback,
the refresh token stored encrypted, an API call with the stored grant; a wrong ``state``
refused; a revoked grant later marks the account "needs re-authorization"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection as db_connection
from django.urls import reverse

from connections.choices import AccountStatus
from connections.clients import client_for
from connections.models import ConnectedAccount
from connections.services import verify_account

from .conftest import TEST_SERVER, callback_url

CONNECT_URL = "admin:connections_google_connect"


def _start(client, google, **form) -> str:
    """Post the connect form; returns where the admin sends the browser (the sandbox's consent URL)."""
    response = client.post(reverse(CONNECT_URL), {"label": "", "api_base_url": google.base_url, **form})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def _consent(authorize_url: str) -> str:
    """What the browser does at the consent page: the sandbox consents at once and redirects back."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def _callback(client, redirect: str):
    """GET the callback as the browser would after Google's redirect (on the test server)."""
    assert redirect.startswith(callback_url())
    parts = urlsplit(redirect)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _connect(client, administrator_user, google) -> ConnectedAccount:
    client.force_login(administrator_user)
    response = _callback(client, _consent(_start(client, google)))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ConnectedAccount.objects.get(provider="google_contacts")


def _token_requests(google) -> list[dict]:
    return [e for e in google.app.requests() if e["method"] == "POST" and e["path"] == "/token"]


def test_connect_a_google_account_end_to_end(client, administrator_user, google):
    client.force_login(administrator_user)
    page = client.get(reverse("admin:connections_connectedaccount_changelist"))
    assert reverse(CONNECT_URL) in page.content.decode()  # the "Connect a Google account" button

    authorize_url = _start(client, google, label="Sales team Google")
    parts = urlsplit(authorize_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == google.info["authorize_url"]
    assert query["client_id"] == google.info["client_id"]
    assert query["redirect_uri"] == callback_url()
    assert query["access_type"] == "offline" and query["response_type"] == "code"
    assert "https://www.googleapis.com/auth/contacts" in query["scope"].split()
    assert len(query["state"]) >= 20

    redirect = _consent(authorize_url)
    back = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    assert back["state"] == query["state"] and back["code"]
    response = _callback(client, redirect)

    account = ConnectedAccount.objects.get(provider="google_contacts")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:connections_connectedaccount_change", args=[account.pk])
    assert account.account_id == google.app.config.user_email
    assert account.label == "Sales team Google"
    assert account.api_base_url == google.base_url
    assert account.status == AccountStatus.VERIFIED and account.verified_at is not None
    assert account.created_by == administrator_user
    refresh_token = account.get_credentials()["refresh_token"]
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT credentials_encrypted FROM connections_connectedaccount WHERE id = %s", [account.pk])
        (raw,) = cursor.fetchone()
    assert raw and refresh_token not in raw and "refresh_token" not in raw
    followed = client.get(response["Location"])
    assert ("success", f"Google account {account.account_id} connected.") in _messages(followed)
    assert refresh_token not in followed.content.decode()

    # The stored grant works for API calls: create a contact and find it again.
    google.app.seed({"persons": [{"names": [{"givenName": "Ada", "familyName": "Lovelace"}]}]})
    api = client_for(account)
    assert api.verify()["email"] == account.account_id
    assert len(next(iter(api.read_changes("contacts", None))).records) == 1
    # ... and the grant is the sandbox's real one: revoking it is possible (it exists).
    assert google.app.revoke_refresh_token(refresh_token)


def test_connecting_the_same_google_account_again_re_authorizes_it(client, administrator_user, google):
    first = _connect(client, administrator_user, google)
    old_token = first.get_credentials()["refresh_token"]
    first.mark_status(AccountStatus.NEEDS_REAUTH, "revoked")

    response = _callback(client, _consent(_start(client, google)))

    again = ConnectedAccount.objects.get(provider="google_contacts")
    assert again.pk == first.pk and again.status == AccountStatus.VERIFIED
    assert again.get_credentials()["refresh_token"] != old_token
    assert ("success", f"Google account {again.account_id} re-authorized.") in _messages(
        client.get(response["Location"])
    )


@pytest.mark.parametrize("tamper", ["other-state", ""], ids=["wrong-state", "missing-state"])
def test_a_wrong_state_is_refused_and_stores_nothing(client, administrator_user, google, tamper):
    client.force_login(administrator_user)
    redirect = _consent(_start(client, google))
    parts = urlsplit(redirect)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params["state"] = tamper

    response = client.get(parts.path, params, follow=True)

    assert response.redirect_chain[-1][0] == reverse(CONNECT_URL)
    messages = _messages(response)
    assert len(messages) == 1 and messages[0][0] == "error"
    assert "state mismatch" in messages[0][1] and "start again" in messages[0][1]
    assert not ConnectedAccount.objects.exists()
    assert _token_requests(google) == []  # the code was never exchanged
    # The pending sign-in is spent: replaying the genuine callback afterwards is refused as well.
    replay = _callback(client, redirect)
    assert replay["Location"] == reverse(CONNECT_URL)
    assert not ConnectedAccount.objects.exists()


def test_a_callback_without_a_pending_sign_in_is_refused(client, administrator_user, google):
    client.force_login(administrator_user)

    response = client.get(reverse("admin:connections_google_callback"), {"state": "x" * 32, "code": "c"}, follow=True)

    assert any("state mismatch" in text for _, text in _messages(response))
    assert not ConnectedAccount.objects.exists()


def test_a_denied_consent_stores_nothing(client, administrator_user, google):
    client.force_login(administrator_user)
    google.app.set_consent(False)
    try:
        response = _callback(client, _consent(_start(client, google)))
    finally:
        google.app.set_consent(True)

    followed = client.get(response["Location"])
    assert response["Location"] == reverse(CONNECT_URL)
    assert ("error", "Google did not grant access (access_denied).") in _messages(followed)
    assert not ConnectedAccount.objects.exists()


def test_the_connect_form_needs_the_oauth_client_settings(client, administrator_user, google, settings):
    settings.GOOGLE_CLIENT_ID = ""
    client.force_login(administrator_user)

    response = client.post(reverse(CONNECT_URL), {"api_base_url": google.base_url})

    assert response.status_code == 200
    assert "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set" in response.content.decode()


def test_an_operator_cannot_connect_a_google_account(client, operator_user, google):
    client.force_login(operator_user)

    assert client.get(reverse(CONNECT_URL)).status_code == 403
    assert client.post(reverse(CONNECT_URL), {"api_base_url": google.base_url}).status_code == 403
    assert client.get(reverse("admin:connections_google_callback"), {"state": "s", "code": "c"}).status_code == 403


def test_a_revoked_grant_marks_the_account_as_needing_re_authorization(client, administrator_user, google):
    account = _connect(client, administrator_user, google)
    assert google.app.revoke_refresh_token(account.get_credentials()["refresh_token"])

    result = verify_account(account)

    account.refresh_from_db()
    assert not result.ok
    assert account.status == AccountStatus.NEEDS_REAUTH
    assert account.status_message == result.message
    assert "reconnect the Google account" in result.message
    stored = account.get_credentials()
    for token in (stored["refresh_token"], stored.get("access_token")):
        assert token not in result.message
    # The admin shows it on the account list.
    changelist = client.get(reverse("admin:connections_connectedaccount_changelist")).content.decode()
    assert "Needs re-authorization" in changelist


def test_the_test_server_callback_is_what_the_admin_asks_to_register(client, administrator_user, google):
    client.force_login(administrator_user)

    page = client.get(reverse(CONNECT_URL)).content.decode()

    assert f"<code>{TEST_SERVER}{reverse('admin:connections_google_callback')}</code>" in page
