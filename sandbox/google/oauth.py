"""OAuth 2.0 as Google's authorization server plays it, for the sandbox's one user.

- ``GET /o/oauth2/v2/auth``: checks the client, the redirect URI, the response
  type and the scopes, consents at once for the sandbox user and redirects to
  ``redirect_uri?state=...&code=...&scope=...``. Errors in those parameters get
  Google's error page (HTML, no redirect), as the real consent screen does.
- ``POST /token`` (form-encoded; client credentials in the body or as HTTP
  Basic): ``authorization_code`` (single-use code, same redirect URI, PKCE when
  a challenge was sent) and ``refresh_token`` grants.
- ``POST /revoke?token=...``: revokes the grant behind a refresh or access token.
- :meth:`OAuthServer.authenticate`: the bearer check of every API call.

A refresh token is returned only with ``access_type=offline``, and only on the
first consent of that client or with ``prompt=consent`` (reference A.9).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from sandbox.common.http import Request, Response

from .config import CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE, GoogleSandboxConfig
from .errors import SERVICE, ApiError, OAuthError, error_info

OPENID_SCOPE = "openid"
_AUTH = "https://www.googleapis.com/auth/"
KNOWN_SCOPES = frozenset(
    {
        OPENID_SCOPE,
        CONTACTS_SCOPE,
        USERINFO_EMAIL_SCOPE,
        USERINFO_PROFILE_SCOPE,
        _AUTH + "contacts.readonly",
        _AUTH + "contacts.other.readonly",
        _AUTH + "directory.readonly",
        _AUTH + "user.addresses.read",
        _AUTH + "user.birthday.read",
        _AUTH + "user.emails.read",
        _AUTH + "user.gender.read",
        _AUTH + "user.organization.read",
        _AUTH + "user.phonenumbers.read",
    }
)
# Google expands the short OpenID scope names in what it grants.
SCOPE_ALIASES = {"email": USERINFO_EMAIL_SCOPE, "profile": USERINFO_PROFILE_SCOPE}
DEFAULT_TEST_SCOPES = (CONTACTS_SCOPE, USERINFO_EMAIL_SCOPE)

_UNAUTHENTICATED_MISSING = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_UNAUTHENTICATED_INVALID = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
    "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


@dataclass
class Grant:
    """One consent of the user to one client: what a refresh token stands for."""

    client_id: str
    scopes: tuple[str, ...]
    revoked: bool = False


@dataclass
class AccessToken:
    """An issued access token (the token string is the key it is stored under)."""

    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    grant: Grant | None = field(default=None, repr=False)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    offline: bool
    with_refresh_token: bool
    expires_at: float
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None


def _scopes_text(scopes) -> str:
    return " ".join(scopes)


class OAuthServer:
    """The sandbox's authorization server; all state in memory, guarded by the app's lock."""

    def __init__(self, config: GoogleSandboxConfig, clock: Callable[[], float]):
        self.config = config
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, Grant] = {}
        self._access: dict[str, AccessToken] = {}
        self._offline_clients: set[str] = set()
        self.consent_granted = True

    def counts(self) -> dict:
        now = self.clock()
        return {
            "refresh_tokens": sum(1 for g in self._refresh.values() if not g.revoked),
            "revoked_refresh_tokens": sum(1 for g in self._refresh.values() if g.revoked),
            "live_access_tokens": sum(1 for t in self._access.values() if self._is_live(t, now)),
        }

    # --- Python helpers ---------------------------------------------------
    def issue_tokens(self, scopes=DEFAULT_TEST_SCOPES, *, client_id: str | None = None) -> dict:
        """A fresh grant without the browser dance: the token endpoint's answer."""
        scopes = self._expand(scopes if not isinstance(scopes, str) else scopes.split())
        return self._token_response(client_id or self.config.client_id, scopes, with_refresh_token=True, nonce=None)

    def revoke_refresh_token(self, token: str) -> bool:
        """Revoke the grant of ``token`` (its access tokens die with it). False if unknown."""
        grant = self._refresh.get(token)
        if grant is None:
            return False
        self._revoke(grant)
        return True

    def expire_access_tokens(self) -> int:
        """Make every access token expired now; returns how many were live."""
        now = self.clock()
        live = 0
        for token in self._access.values():
            if token.expires_at > now:
                live += 1
                token.expires_at = now - 1
        return live

    # --- authorization endpoint --------------------------------------------
    def authorize(self, request: Request) -> Response:
        if request.method != "GET":
            return _error_page(405, "invalid_request", "The authorization endpoint takes GET requests.")
        arg = request.arg
        client_id = arg("client_id")
        if not client_id:
            return _error_page(400, "invalid_request", "Missing required parameter: client_id")
        if client_id != self.config.client_id:
            return _error_page(401, "invalid_client", "The OAuth client was not found.")
        redirect_uri = arg("redirect_uri")
        if not redirect_uri:
            return _error_page(400, "invalid_request", "Missing required parameter: redirect_uri")
        if not self._redirect_allowed(redirect_uri):
            return _error_page(
                400,
                "redirect_uri_mismatch",
                "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. "
                f"The redirect URI in the request, {redirect_uri}, does not match the ones authorized for the client.",
            )
        response_type = arg("response_type")
        if not response_type:
            return _error_page(400, "invalid_request", "Required parameter is missing: response_type")
        if response_type != "code":
            return _error_page(400, "unsupported_response_type", f"Unsupported response type: {response_type}")
        scope = arg("scope")
        if not scope:
            return _error_page(400, "invalid_request", "Missing required parameter: scope")
        requested = scope.split(" ")
        invalid = [s for s in requested if s not in KNOWN_SCOPES and s not in SCOPE_ALIASES]
        if invalid or "" in requested:
            return _error_page(400, "invalid_scope", f"Some requested scopes were invalid. {{invalid={invalid}}}")
        scopes = self._expand(requested)
        if CONTACTS_SCOPE not in scopes:
            # The sandbox only simulates a consent that grants the contacts scope.
            return _error_page(400, "invalid_scope", f"The sandbox requires the scope {CONTACTS_SCOPE}.")
        access_type = arg("access_type", "online")
        if access_type not in ("online", "offline"):
            return _error_page(400, "invalid_request", f"Invalid access_type: {access_type}")
        prompt = (arg("prompt") or "").split(" ")
        if any(p not in ("", "none", "consent", "select_account") for p in prompt):
            return _error_page(400, "invalid_request", f"Invalid prompt: {arg('prompt')}")
        challenge, method = arg("code_challenge"), arg("code_challenge_method")
        if challenge and (method or "plain") not in ("plain", "S256"):
            return _error_page(400, "invalid_request", f"Invalid code_challenge_method: {method}")
        state = arg("state")
        if not self.consent_granted:
            return _redirect(redirect_uri, {"error": "access_denied", "state": state})

        offline = access_type == "offline"
        with_refresh = offline and ("consent" in prompt or client_id not in self._offline_clients)
        code = "4/0" + secrets.token_urlsafe(32)
        self._codes[code] = _Code(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            offline=offline,
            with_refresh_token=with_refresh,
            expires_at=self.clock() + self.config.authorization_code_ttl,
            code_challenge=challenge,
            code_challenge_method=(method or "plain") if challenge else None,
            nonce=arg("nonce"),
        )
        return _redirect(
            redirect_uri,
            {"state": state, "code": code, "scope": _scopes_text(scopes), "authuser": "0", "prompt": "consent"},
        )

    def _redirect_allowed(self, uri: str) -> bool:
        if uri in self.config.redirect_uris:
            return True
        if not self.config.allow_loopback_redirects:
            return False
        parts = urlsplit(uri)
        return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1") and not parts.fragment

    @staticmethod
    def _expand(scopes) -> tuple[str, ...]:
        expanded: list[str] = []
        for scope in scopes:
            scope = SCOPE_ALIASES.get(scope, scope)
            if scope not in expanded:
                expanded.append(scope)
        return tuple(expanded)

    # --- token endpoint ------------------------------------------------------
    def token(self, request: Request) -> Response:
        try:
            return self._token(request)
        except OAuthError as exc:
            return exc.response()

    def _form(self, request: Request) -> dict[str, str]:
        if request.method != "POST":
            raise OAuthError(405, "invalid_request", "The token endpoint takes POST requests.")
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            # Stricter than Google may be: RFC 6749 requires a form-encoded body.
            raise OAuthError(400, "invalid_request", "The request body must be application/x-www-form-urlencoded.")
        return dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))

    def _client(self, request: Request, form: dict[str, str]) -> str:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        header = request.header("authorization") or ""
        if header.lower().startswith("basic "):
            try:
                basic_id, _, basic_secret = base64.b64decode(header[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                raise OAuthError(401, "invalid_client", "Unauthorized")
            if client_id and client_id != basic_id:
                raise OAuthError(400, "invalid_request", "Client credentials were given twice and differ.")
            client_id, client_secret = basic_id, basic_secret
        if not client_id:
            raise OAuthError(400, "invalid_request", "Could not determine client ID from request.")
        if client_id != self.config.client_id:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        if not client_secret or not hmac.compare_digest(client_secret, self.config.client_secret):
            raise OAuthError(401, "invalid_client", "Unauthorized")
        return client_id

    def _token(self, request: Request) -> Response:
        form = self._form(request)
        client_id = self._client(request, form)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._exchange_code(client_id, form)
        if grant_type == "refresh_token":
            return self._refresh_access_token(client_id, form)
        raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _exchange_code(self, client_id: str, form: dict[str, str]) -> Response:
        code_value = form.get("code")
        if not code_value:
            raise OAuthError(400, "invalid_request", "Missing required parameter: code")
        redirect_uri = form.get("redirect_uri")
        if not redirect_uri:
            raise OAuthError(400, "invalid_request", "Missing parameter: redirect_uri")
        code = self._codes.pop(code_value, None)  # single use, even when the exchange fails below
        if code is None or code.expires_at < self.clock():
            raise OAuthError(400, "invalid_grant", "Bad Request")
        if code.client_id != client_id:
            raise OAuthError(400, "invalid_grant", "Bad Request")
        if redirect_uri != code.redirect_uri:
            raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
        if code.code_challenge:
            verifier = form.get("code_verifier")
            if not verifier:
                raise OAuthError(400, "invalid_request", "Missing code verifier.")
            if code.code_challenge_method == "S256":
                digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
                computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
            else:
                computed = verifier
            if not hmac.compare_digest(computed, code.code_challenge):
                raise OAuthError(400, "invalid_grant", "Invalid code verifier.")
        if code.with_refresh_token:
            self._offline_clients.add(client_id)
        body = self._token_response(
            client_id, code.scopes, with_refresh_token=code.with_refresh_token, nonce=code.nonce
        )
        return _token_json(body)

    def _refresh_access_token(self, client_id: str, form: dict[str, str]) -> Response:
        token = form.get("refresh_token")
        if not token:
            raise OAuthError(400, "invalid_request", "Missing required parameter: refresh_token")
        grant = self._refresh.get(token)
        if grant is None or grant.revoked:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        if grant.client_id != client_id:
            raise OAuthError(401, "unauthorized_client", "Unauthorized")
        scopes = grant.scopes
        if form.get("scope"):
            asked = self._expand(form["scope"].split(" "))
            if any(s not in grant.scopes for s in asked):
                raise OAuthError(400, "invalid_scope", "Some requested scopes were not granted.")
            scopes = asked
        access = self._new_access_token(client_id, scopes, grant)
        body = {
            "access_token": access,
            "expires_in": int(self.config.access_token_ttl),
            "scope": _scopes_text(scopes),
            "token_type": "Bearer",
        }
        return _token_json(body)

    def _new_access_token(self, client_id: str, scopes: tuple[str, ...], grant: Grant | None) -> str:
        token = "ya29.sandbox-" + secrets.token_urlsafe(48)
        self._access[token] = AccessToken(client_id, scopes, self.clock() + self.config.access_token_ttl, grant)
        return token

    def _token_response(self, client_id: str, scopes: tuple[str, ...], *, with_refresh_token: bool, nonce) -> dict:
        grant = Grant(client_id, scopes)
        body = {
            "access_token": self._new_access_token(client_id, scopes, grant),
            "expires_in": int(self.config.access_token_ttl),
            "scope": _scopes_text(scopes),
            "token_type": "Bearer",
        }
        if with_refresh_token:
            refresh = "1//sandbox-" + secrets.token_urlsafe(48)
            self._refresh[refresh] = grant
            body["refresh_token"] = refresh
        if OPENID_SCOPE in scopes:
            body["id_token"] = self._id_token(client_id, scopes, nonce)
        return body

    def _id_token(self, client_id: str, scopes: tuple[str, ...], nonce: str | None) -> str:
        # Google signs ID tokens with RS256 and its published keys; the sandbox
        # signs with HS256 and the client secret. Learn the email from
        # people/me instead of verifying this token.
        now = int(self.clock())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": client_id,
            "azp": client_id,
            "sub": "100000000000000000001",
            "iat": now,
            "exp": now + int(self.config.access_token_ttl),
        }
        if USERINFO_EMAIL_SCOPE in scopes:
            claims.update(email=self.config.user_email, email_verified=True)
        if nonce:
            claims["nonce"] = nonce

        def part(data: dict) -> str:
            raw = json.dumps(data, separators=(",", ":")).encode("utf-8")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

        signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}"
        signature = hmac.new(self.config.client_secret.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode('ascii')}"

    # --- revocation ------------------------------------------------------------
    def revoke(self, request: Request) -> Response:
        form = dict(request.query)
        if request.method == "POST" and request.body:
            form.update(parse_qsl(request.body.decode("utf-8", "replace")))
        token = form.get("token", "")
        grant = self._refresh.get(token)
        access = self._access.get(token)
        if grant is None and access is not None:
            grant = access.grant
        if grant is None or grant.revoked:
            return OAuthError(400, "invalid_token", "Token expired or revoked").response()
        self._revoke(grant)
        return Response(status=200, body=b"{}")

    def _revoke(self, grant: Grant) -> None:
        grant.revoked = True
        # A later consent must hand out a new refresh token.
        if not any(g.client_id == grant.client_id and not g.revoked for g in self._refresh.values()):
            self._offline_clients.discard(grant.client_id)

    # --- bearer check ------------------------------------------------------------
    def _is_live(self, token: AccessToken, now: float) -> bool:
        return token.expires_at > now and not (token.grant is not None and token.grant.revoked)

    def authenticate(self, request: Request, method_scopes: tuple[str, ...], rpc_method: str) -> AccessToken:
        """The access token of an API call; raises 401 (missing, unknown, expired,
        revoked) or 403 (scopes insufficient) in Google's error shape."""
        metadata = {"service": SERVICE, "method": rpc_method}
        header = request.header("authorization") or ""
        value = None
        if header[:7].lower() == "bearer ":
            value = header[7:].strip()
        elif not header:
            value = request.arg("access_token") or request.arg("oauth_token")
        if not value:
            raise ApiError(
                401,
                "UNAUTHENTICATED",
                _UNAUTHENTICATED_MISSING,
                [error_info("CREDENTIALS_MISSING", metadata=metadata)],
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )
        token = self._access.get(value)
        if token is None or not self._is_live(token, self.clock()):
            reason = "ACCESS_TOKEN_TYPE_UNSUPPORTED" if token is None else "ACCESS_TOKEN_EXPIRED"
            raise ApiError(
                401,
                "UNAUTHENTICATED",
                _UNAUTHENTICATED_INVALID,
                [error_info(reason, metadata=metadata)],
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
            )
        if method_scopes and not set(method_scopes) & set(token.scopes):
            raise ApiError(
                403,
                "PERMISSION_DENIED",
                "Request had insufficient authentication scopes.",
                [error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", metadata=metadata)],
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"'},
            )
        return token


def _token_json(body: dict) -> Response:
    return Response(status=200, body=body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _redirect(uri: str, params: dict) -> Response:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    location = f"{uri}{'&' if '?' in uri else '?'}{query}"
    return Response(status=302, body=b"", headers={"Location": location}, content_type="text/html")


def _error_page(status: int, error: str, description: str) -> Response:
    page = (
        "<!doctype html><html><head><title>Error</title></head><body>"
        f"<h1>Access blocked: authorization error</h1><p>Error {status}: {html.escape(error)}</p>"
        f"<p>{html.escape(description)}</p></body></html>"
    )
    return Response(status=status, body=page, content_type="text/html; charset=utf-8")
