"""OAuth 2.0 against the Google sandbox over real HTTP: consent, code exchange,
refresh before expiry and after a 401, and a revoked grant."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connections.providers.errors import AuthenticationError, ReauthorizationRequired
from connections.providers.google_contacts import (
    GoogleContactsClient,
    GoogleOAuthEndpoints,
    authorization_url,
    exchange_code,
    refresh_access_token,
)

REDIRECT_URI = "http://127.0.0.1:8000/admin/connections/google/callback/"


def _consent(google, state: str) -> dict:
    endpoints = GoogleOAuthEndpoints.for_base_url(google.base_url)
    url = authorization_url(endpoints, google.config.client_id, REDIRECT_URI, state)
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code in (302, 303), answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def test_oauth_flow_end_to_end_gives_a_refresh_token_that_reaches_the_api(google):
    endpoints = GoogleOAuthEndpoints.for_base_url(google.base_url)
    callback = _consent(google, "state-123")
    assert callback["state"] == "state-123"

    tokens = exchange_code(
        endpoints, google.config.client_id, google.config.client_secret, callback["code"], REDIRECT_URI
    )
    assert tokens["refresh_token"] and tokens["access_token"]
    assert tokens["expires_at"] > time.time() + 3000

    client = GoogleContactsClient(
        "",  # the account id is learnt from verify()
        {"refresh_token": tokens["refresh_token"]},
        client_id=google.config.client_id,
        client_secret=google.config.client_secret,
        base_url=google.base_url,
    )
    assert client.verify()["email"] == google.config.user_email
    assert client.credentials["refresh_token"] == tokens["refresh_token"]


def test_a_code_is_good_once(google):
    endpoints = GoogleOAuthEndpoints.for_base_url(google.base_url)
    code = _consent(google, "s")["code"]
    exchange_code(endpoints, google.config.client_id, google.config.client_secret, code, REDIRECT_URI)
    with pytest.raises(AuthenticationError) as caught:
        exchange_code(endpoints, google.config.client_id, google.config.client_secret, code, REDIRECT_URI)
    assert code not in str(caught.value)


def test_wrong_client_secret_is_an_authentication_error_without_the_secret(google):
    endpoints = GoogleOAuthEndpoints.for_base_url(google.base_url)
    code = _consent(google, "s")["code"]
    with pytest.raises(AuthenticationError) as caught:
        exchange_code(endpoints, google.config.client_id, "GOCSPX-wrong-secret-value", code, REDIRECT_URI)
    assert not isinstance(caught.value, ReauthorizationRequired)
    assert "GOCSPX-wrong-secret-value" not in str(caught.value)


def test_access_token_is_refreshed_when_it_expires(start_google):
    google = start_google(access_token_ttl=1)
    credentials = google.credentials()
    client = google.client(credentials)
    client.verify()  # a token with less than a minute left is replaced before use
    time.sleep(1.2)  # and the 1 s token that replaced it is dead now
    client.verify()

    tokens = [update["access_token"] for update in google.updates]
    assert len(tokens) == 2 and len({credentials["access_token"], *tokens}) == 3
    assert len(google.api_calls("POST", "/token")) == 2
    assert all(update["refresh_token"] == credentials["refresh_token"] for update in google.updates)
    # Refreshed ahead of use: Google never had to refuse a token.
    assert [e["status"] for e in google.api_calls()] == [200] * len(google.api_calls())


def test_a_401_triggers_one_refresh_and_the_call_is_repeated(google):
    credentials = google.credentials(expires_in=3600)
    client = google.client(credentials)
    google.app.expire_access_tokens()  # our clock says valid, Google's says no

    assert client.verify()["email"] == google.config.user_email
    statuses = [e["status"] for e in google.api_calls("GET", "/v1/people/me")]
    assert statuses == [401, 200]
    assert len(google.updates) == 1
    assert google.updates[0]["access_token"] != credentials["access_token"]
    assert client.credentials["access_token"] == google.updates[0]["access_token"]


def test_revoked_refresh_token_asks_to_reconnect_the_account(google):
    credentials = google.credentials()
    google.app.revoke_refresh_token(credentials["refresh_token"])
    client = google.client({"refresh_token": credentials["refresh_token"]})

    with pytest.raises(ReauthorizationRequired) as caught:
        client.verify()
    message = str(caught.value)
    assert "reconnect the Google account" in message
    assert "no longer accepts this connection's authorization" in message
    assert credentials["refresh_token"] not in message and google.config.client_secret not in message
    assert credentials["refresh_token"] not in repr(client)


def test_refresh_with_a_revoked_token_directly(google):
    credentials = google.credentials()
    endpoints = GoogleOAuthEndpoints.for_base_url(google.base_url)
    fresh = refresh_access_token(
        endpoints, google.config.client_id, google.config.client_secret, credentials["refresh_token"]
    )
    assert fresh["refresh_token"] == credentials["refresh_token"] and fresh["access_token"]
    google.app.revoke_refresh_token(credentials["refresh_token"])
    with pytest.raises(ReauthorizationRequired):
        refresh_access_token(endpoints, google.config.client_id, google.config.client_secret, fresh["refresh_token"])


def test_verify_refuses_credentials_of_another_account(google):
    client = GoogleContactsClient(
        "someone.else@example.com",
        google.credentials(),
        client_id=google.config.client_id,
        client_secret=google.config.client_secret,
        base_url=google.base_url,
    )
    with pytest.raises(AuthenticationError) as caught:
        client.verify()
    assert google.config.user_email in str(caught.value)


def test_client_secrets_are_registered_for_redaction_and_kept_out_of_repr(google):
    from config.redaction import redact

    credentials = google.credentials()
    client = google.client(credentials)
    line = f"sent {credentials['refresh_token']} {credentials['access_token']} {google.config.client_secret}"
    assert redact(line) == "sent [REDACTED] [REDACTED] [REDACTED]"
    for text in (repr(client), repr(client.transport)):
        assert credentials["refresh_token"] not in text and credentials["access_token"] not in text
