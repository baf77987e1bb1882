"""OAuth 2.0 for Google (web-server flow with offline access).

Plain ``requests`` on purpose: requests-oauthlib would need process-wide
environment switches for the http:// sandbox and for Google's habit of
answering with a reordered scope list. The admin views build on these four
functions; the API client calls :func:`refresh_access_token`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from config.redaction import register_secret

from ..errors import AuthenticationError, MalformedResponse, PermissionDenied, ReauthorizationRequired, Unavailable

GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_API_URL = "https://people.googleapis.com"

CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts"
# Only what verify() needs to learn which account was connected (people/me emailAddresses).
EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email"
SCOPES = (CONTACTS_SCOPE, EMAIL_SCOPE)

REAUTHORIZE_MESSAGE = (
    "Google no longer accepts this connection's authorization (the grant was revoked or has expired); "
    "reconnect the Google account from the admin."
)


@dataclass(frozen=True)
class GoogleOAuthEndpoints:
    """Where to send the user, where to trade codes for tokens, and the API root."""

    authorize_url: str
    token_url: str
    api_base_url: str

    @classmethod
    def for_base_url(cls, base_url: str | None) -> GoogleOAuthEndpoints:
        """The real Google when ``base_url`` is empty, else a sandbox serving all three under it."""
        if not base_url:
            return cls(GOOGLE_AUTHORIZE_URL, GOOGLE_TOKEN_URL, GOOGLE_API_URL)
        base = base_url.rstrip("/")
        return cls(f"{base}/o/oauth2/v2/auth", f"{base}/token", base)


def authorization_url(
    endpoints: GoogleOAuthEndpoints, client_id: str, redirect_uri: str, state: str, *, login_hint: str | None = None
) -> str:
    """The consent page URL: contacts and email scopes, offline access, and
    ``prompt=consent`` so that Google issues a refresh token every time."""
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "state": state,
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{endpoints.authorize_url}?{urlencode(params)}"


def exchange_code(
    endpoints: GoogleOAuthEndpoints,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    *,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Trade an authorization code for tokens.

    Returns ``{"access_token", "refresh_token", "expires_at", "scope"}``
    (``expires_at`` in epoch seconds). Raises :class:`AuthenticationError` when
    the code is refused or no refresh token comes back (a connection without
    offline access could not sync), :class:`PermissionDenied` when the user
    unticked the contacts scope on Google's consent page.
    """
    register_secret(client_secret)
    register_secret(code)
    payload = _post_token(
        endpoints,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=timeout,
        refused=lambda error: AuthenticationError(
            f"Google refused the authorization code ({error}); start the connection again.", code=error
        ),
    )
    tokens = _tokens_from(payload)
    if not tokens.get("refresh_token"):
        raise AuthenticationError(
            "Google granted no offline access (no refresh token came back); remove the app's access in the "
            "Google account's security settings and connect again."
        )
    granted = tokens.get("scope")
    if granted and CONTACTS_SCOPE not in granted.split():
        raise PermissionDenied(
            "The Google account did not grant access to its contacts; connect again and allow "
            "'See, edit, download, and permanently delete your contacts'."
        )
    return tokens


def refresh_access_token(
    endpoints: GoogleOAuthEndpoints,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    *,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """A fresh access token for ``refresh_token``.

    Returns the new credentials ``{"refresh_token", "access_token", "expires_at"}``
    (Google usually keeps the refresh token; a new one replaces it when sent).
    A revoked or expired grant raises :class:`ReauthorizationRequired`.
    """
    register_secret(client_secret)
    register_secret(refresh_token)
    payload = _post_token(
        endpoints,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=timeout,
        refused=lambda error: ReauthorizationRequired(REAUTHORIZE_MESSAGE, status=400, code=error),
    )
    tokens = _tokens_from(payload)
    credentials = {
        "refresh_token": tokens.get("refresh_token") or refresh_token,
        "access_token": tokens["access_token"],
        "expires_at": tokens["expires_at"],
    }
    if tokens.get("scope"):
        credentials["scope"] = tokens["scope"]
    return credentials


def _post_token(endpoints: GoogleOAuthEndpoints, form: dict[str, str], *, timeout: float, refused) -> dict[str, Any]:
    """POST to the token endpoint; map its answers onto typed errors.

    ``refused`` builds the error for ``invalid_grant`` (the code or the refresh
    token is no good), which means different things to the two callers.
    """
    try:
        response = requests.post(
            endpoints.token_url, data=form, timeout=timeout, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        raise Unavailable(f"Google's token endpoint could not be reached ({type(exc).__name__}).") from None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if response.status_code >= 500:
        raise Unavailable(f"Google's token endpoint failed (HTTP {response.status_code}).", status=response.status_code)
    if not isinstance(payload, dict):
        raise MalformedResponse(f"Google's token endpoint answered HTTP {response.status_code} with a non-JSON body.")
    if response.status_code >= 400 or "error" in payload:
        error = str(payload.get("error") or f"HTTP {response.status_code}")
        if error == "invalid_grant":
            raise refused(error)
        if error in ("invalid_client", "unauthorized_client"):
            raise AuthenticationError(
                f"Google refused this app's OAuth client id or secret ({error}); check the Google client "
                "settings of this installation.",
                status=response.status_code,
                code=error,
            )
        raise AuthenticationError(
            f"Google's token endpoint refused the request ({error}).", status=response.status_code, code=error
        )
    return payload


def _tokens_from(payload: dict[str, Any]) -> dict[str, Any]:
    access_token = payload.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise MalformedResponse("Google's token endpoint answered without an access token.")
    register_secret(access_token)
    try:
        expires_in = float(payload.get("expires_in", 3600))
    except (TypeError, ValueError):
        raise MalformedResponse("Google's token endpoint answered with a non-numeric expires_in.") from None
    tokens: dict[str, Any] = {"access_token": access_token, "expires_at": int(time.time() + expires_in)}
    if payload.get("refresh_token"):
        register_secret(payload["refresh_token"])
        tokens["refresh_token"] = payload["refresh_token"]
    if payload.get("scope"):
        tokens["scope"] = str(payload["scope"])
    return tokens
