"""OAuth 2.0 over HTTP: consent redirect, code exchange, refresh, revocation,
and the bearer check of the API."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import requests

from sandbox.google import CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE

from .helpers import PeopleApiClient

REDIRECT = "http://127.0.0.1:8000/admin/connections/google/callback/"


def authorize(base_url, sandbox, **overrides):
    params = {
        "client_id": sandbox.config.client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": f"{CONTACTS_SCOPE} email",
        "state": "st-123",
        "access_type": "offline",
        "prompt": "consent",
        **overrides,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return requests.get(f"{base_url}/o/oauth2/v2/auth", params=params, allow_redirects=False, timeout=10)


def redirect_params(response) -> dict:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token_call(base_url, data, auth=None):
    return requests.post(f"{base_url}/token", data=data, auth=auth, timeout=10)


def exchange(base_url, sandbox, code, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": sandbox.config.client_id,
        "client_secret": sandbox.config.client_secret,
        **extra,
    }
    return token_call(base_url, data)


def refresh(base_url, sandbox, refresh_token, *, basic=False):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if basic:
        return token_call(base_url, data, auth=(sandbox.config.client_id, sandbox.config.client_secret))
    data.update(client_id=sandbox.config.client_id, client_secret=sandbox.config.client_secret)
    return token_call(base_url, data)


def test_full_dance_authorize_exchange_call_refresh(sandbox, base_url):
    params = redirect_params(authorize(base_url, sandbox))
    assert params["state"] == "st-123"
    assert params["scope"].split() == [CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE]  # "email" comes back expanded

    tokens = exchange(base_url, sandbox, params["code"]).json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["refresh_token"] and tokens["access_token"]
    assert tokens["scope"].split() == [CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE]

    api = PeopleApiClient(base_url, tokens["access_token"])
    me = api.get("/v1/people/me", personFields="emailAddresses").json()
    assert me["emailAddresses"][0]["value"] == "demo.user@example.com"

    refreshed = refresh(base_url, sandbox, tokens["refresh_token"])
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert "refresh_token" not in body  # Google keeps the old one
    assert body["access_token"] != tokens["access_token"]
    assert PeopleApiClient(base_url, body["access_token"]).get("/v1/people/me", personFields="names").ok


def test_code_is_single_use_and_bound_to_its_redirect_uri(sandbox, base_url):
    code = redirect_params(authorize(base_url, sandbox))["code"]
    wrong_redirect = exchange(base_url, sandbox, code, redirect_uri="http://127.0.0.1:8000/other/")
    assert wrong_redirect.status_code == 400
    assert wrong_redirect.json()["error"] == "redirect_uri_mismatch"

    code = redirect_params(authorize(base_url, sandbox))["code"]
    assert exchange(base_url, sandbox, code).status_code == 200
    again = exchange(base_url, sandbox, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_refresh_token_only_with_offline_access_and_on_first_consent(sandbox, base_url):
    online = redirect_params(authorize(base_url, sandbox, access_type=None))
    assert "refresh_token" not in exchange(base_url, sandbox, online["code"]).json()

    first = redirect_params(authorize(base_url, sandbox, prompt=None))
    assert "refresh_token" in exchange(base_url, sandbox, first["code"]).json()
    second = redirect_params(authorize(base_url, sandbox, prompt=None))
    assert "refresh_token" not in exchange(base_url, sandbox, second["code"]).json()
    forced = redirect_params(authorize(base_url, sandbox, prompt="consent"))
    assert "refresh_token" in exchange(base_url, sandbox, forced["code"]).json()


def test_authorize_refuses_bad_client_redirect_type_and_scope_without_redirecting(sandbox, base_url):
    cases = {
        "unknown client": ({"client_id": "nope.apps.googleusercontent.com"}, 401, "invalid_client"),
        "foreign redirect": ({"redirect_uri": "https://evil.example/cb"}, 400, "redirect_uri_mismatch"),
        "token flow": ({"response_type": "token"}, 400, "unsupported_response_type"),
        "no scope": ({"scope": None}, 400, "invalid_request"),
        "unknown scope": ({"scope": f"{CONTACTS_SCOPE} https://www.googleapis.com/auth/drive"}, 400, "invalid_scope"),
        "no contacts scope": ({"scope": "email"}, 400, "invalid_scope"),
    }
    for label, (overrides, status, error) in cases.items():
        response = authorize(base_url, sandbox, **overrides)
        assert response.status_code == status, label
        assert "Location" not in response.headers, label
        assert f"Error {status}: {error}" in response.text, label


def test_user_denying_consent_redirects_with_access_denied_and_state(sandbox, base_url):
    sandbox.set_consent(False)
    params = redirect_params(authorize(base_url, sandbox))
    assert params == {"error": "access_denied", "state": "st-123"}


def test_pkce_verifier_is_checked(sandbox, base_url):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = redirect_params(authorize(base_url, sandbox, code_challenge=challenge, code_challenge_method="S256"))["code"]
    assert exchange(base_url, sandbox, code, code_verifier="w" * 50).json()["error"] == "invalid_grant"
    code = redirect_params(authorize(base_url, sandbox, code_challenge=challenge, code_challenge_method="S256"))["code"]
    assert exchange(base_url, sandbox, code, code_verifier=verifier).status_code == 200


def test_client_authentication_in_body_or_basic(sandbox, base_url):
    refresh_token = sandbox.issue_tokens()["refresh_token"]
    assert refresh(base_url, sandbox, refresh_token, basic=True).status_code == 200
    wrong_secret = token_call(
        base_url,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(sandbox.config.client_id, "not-the-secret"),
    )
    assert wrong_secret.status_code == 401
    assert wrong_secret.json() == {"error": "invalid_client", "error_description": "Unauthorized"}
    json_body = requests.post(
        f"{base_url}/token",
        json={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(sandbox.config.client_id, sandbox.config.client_secret),
        timeout=10,
    )
    assert json_body.status_code == 400
    assert (
        token_call(
            base_url, {"grant_type": "password"}, auth=(sandbox.config.client_id, sandbox.config.client_secret)
        ).json()["error"]
        == "unsupported_grant_type"
    )


def test_revoked_refresh_token_gets_invalid_grant_and_its_access_tokens_die(sandbox, base_url):
    tokens = sandbox.issue_tokens()
    api = PeopleApiClient(base_url, tokens["access_token"])
    assert api.get("/v1/people/me", personFields="names").ok
    assert sandbox.revoke_refresh_token(tokens["refresh_token"]) is True

    response = refresh(base_url, sandbox, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    assert api.get("/v1/people/me", personFields="names").status_code == 401
    unknown = refresh(base_url, sandbox, "1//not-a-token")
    assert unknown.json()["error"] == "invalid_grant"


def test_revoke_endpoint_revokes_the_grant(sandbox, base_url):
    tokens = sandbox.issue_tokens()
    response = requests.post(f"{base_url}/revoke", data={"token": tokens["access_token"]}, timeout=10)
    assert response.status_code == 200
    assert refresh(base_url, sandbox, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_api_401_for_missing_unknown_and_expired_tokens_in_google_shape(sandbox, base_url):
    missing = PeopleApiClient(base_url, None).get("/v1/people/me/connections", personFields="names")
    assert missing.status_code == 401
    error = missing.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")

    unknown = PeopleApiClient(base_url, "ya29.unknown").get("/v1/people/me/connections", personFields="names")
    assert unknown.status_code == 401
    assert "invalid_token" in unknown.headers["WWW-Authenticate"]

    tokens = sandbox.issue_tokens()
    api = PeopleApiClient(base_url, tokens["access_token"])
    assert api.get("/v1/people/me/connections", personFields="names").status_code == 200
    assert sandbox.expire_access_tokens() >= 1
    expired = api.get("/v1/people/me/connections", personFields="names")
    assert expired.status_code == 401
    assert expired.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"
    # The refresh token still works after the access token expired.
    fresh = refresh(base_url, sandbox, tokens["refresh_token"]).json()["access_token"]
    assert PeopleApiClient(base_url, fresh).get("/v1/people/me/connections", personFields="names").ok


def test_access_token_lifetime_follows_config(make_server):
    app, api = make_server(access_token_ttl=1)
    assert app.issue_tokens()["expires_in"] == 1
    assert api.get("/v1/people/me", personFields="names").ok
    real_clock = app.clock
    app.clock = lambda: real_clock() + 1.5  # 1.5 s later, without sleeping
    assert api.get("/v1/people/me", personFields="names").status_code == 401


def test_people_me_email_needs_an_email_scope(sandbox, base_url):
    contacts_only = sandbox.issue_tokens(scopes=[CONTACTS_SCOPE])["access_token"]
    me = PeopleApiClient(base_url, contacts_only).get("/v1/people/me", personFields="emailAddresses,names").json()
    assert "emailAddresses" not in me and "names" not in me
    assert me["resourceName"].startswith("people/")


def test_insufficient_scope_is_403(sandbox, base_url):
    email_only = sandbox.issue_tokens(scopes=[USERINFO_EMAIL_SCOPE])["access_token"]
    response = PeopleApiClient(base_url, email_only).get("/v1/people/me/connections", personFields="names")
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_print_config_names_the_endpoints(sandbox):
    config = sandbox.print_config("http://127.0.0.1:8802/")
    assert config["authorize_url"] == "http://127.0.0.1:8802/o/oauth2/v2/auth"
    assert config["token_url"] == "http://127.0.0.1:8802/token"
    assert config["base_url"] == "http://127.0.0.1:8802"
    assert config["client_id"] == sandbox.config.client_id
    assert config["client_secret"] == sandbox.config.client_secret
    assert sandbox.config.client_secret not in repr(sandbox.config)


def test_tokens_never_appear_in_state_or_request_log(sandbox, base_url):
    tokens = sandbox.issue_tokens()
    PeopleApiClient(base_url, tokens["access_token"]).get("/v1/people/me", personFields="names")
    dumped = str(sandbox.state()) + str(sandbox.requests())
    assert tokens["access_token"] not in dumped and tokens["refresh_token"] not in dumped
