"""Token-Based Authentication (OAuth 1.0a, HMAC-SHA256) as NetSuite checks it.

The signature functions follow RFC 5849 and Oracle's description (reference
section 1.3): the base string is ``METHOD & enc(base URL) & enc(normalized
parameters)``, where the parameters are every query parameter plus the
``oauth_*`` header parameters except ``realm`` and ``oauth_signature``; the key
is ``enc(consumer secret) & enc(token secret)``. JSON bodies are not signed.

:class:`TbaVerifier` applies NetSuite's checks to a request and tells why it
refuses (the reason is what NetSuite's Login Audit Trail would show; the client
only ever sees 401 INVALID_LOGIN).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

_UNRESERVED = "-._~"  # RFC 3986 unreserved characters besides ALPHA / DIGIT
_HEADER_PARAM = re.compile(r'\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*(?:,|$)')
_REQUIRED = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    "oauth_signature",
)


def percent_encode(value: str) -> str:
    """RFC 5849 section 3.6 percent-encoding (UTF-8, only unreserved characters kept)."""
    return quote(value, safe=_UNRESERVED)


def base_string_uri(url: str) -> str:
    """Scheme and host in lower case, default port dropped, path as sent, no query."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path or '/'}"


def normalized_parameters(params: list[tuple[str, str]]) -> str:
    """Encode each name and value, sort by name then value, join with ``=`` and ``&``."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature_base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """The string that is signed. ``params`` holds query and oauth parameters (no realm, no signature)."""
    return "&".join(
        [method.upper(), percent_encode(base_string_uri(url)), percent_encode(normalized_parameters(params))]
    )


def hmac_sha256_signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """Base64 HMAC-SHA256 of the base string with key ``enc(cs)&enc(ts)`` (not yet percent-encoded)."""
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode("utf-8"), base_string.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_authorization(header: str | None) -> dict[str, str] | None:
    """The parameters of an ``Authorization: OAuth k="v", ...`` header, values percent-decoded.

    None when the header is missing, is not OAuth, is malformed or repeats a parameter.
    """
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    pos = 0
    rest = rest.strip()
    while pos < len(rest):
        match = _HEADER_PARAM.match(rest, pos)
        if not match:
            return None
        name, value = match.group(1), unquote(match.group(2))
        if name in params:
            return None
        params[name] = value
        pos = match.end()
    return params


@dataclass(frozen=True)
class Credentials:
    """The one integration (consumer) and access token the sandbox account knows."""

    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"


class TbaVerifier:
    """Checks one request's TBA header; remembers nonces per token.

    :meth:`check` returns None when the request is authentic, or the reason
    code of the refusal (``InvalidSignature``, ``NonceReused``, ...).
    """

    def __init__(self, realm: str, credentials: Credentials, skew_seconds: int = 300):
        self.realm = realm
        self.credentials = credentials
        self.skew_seconds = skew_seconds
        self.revoked = False
        self._nonces: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()
        self._last_purge = 0.0

    def reset(self) -> None:
        with self._lock:
            self._nonces.clear()
            self.revoked = False

    def check(
        self, method: str, url: str, query: list[tuple[str, str]], header: str | None, now: float | None = None
    ) -> str | None:
        params = parse_authorization(header)
        if params is None:
            return "MissingOrMalformedAuthorization"
        if params.get("realm") != self.realm:
            # NetSuite's realm is the account id in upper case with an underscore;
            # a lower-case sandbox realm ("1234567_sb1") is refused.
            return "InvalidAccount"
        missing = [name for name in _REQUIRED if not params.get(name)]
        if missing:
            return "MissingTokenPassportRequiredFields"
        unknown = set(params) - set(_REQUIRED) - {"realm"}
        if unknown:
            return "UnexpectedOAuthParameter"
        if any(key.startswith("oauth_") for key, _ in query):
            # NetSuite wants the OAuth parameters in the header only.
            return "OAuthParameterInQuery"
        if params["oauth_signature_method"] != "HMAC-SHA256":
            # HMAC-SHA1 support ended with NetSuite 2023.1.
            return "UnsupportedSignatureMethod"
        if params["oauth_version"] != "1.0":
            return "InvalidVersion"
        creds = self.credentials
        if not hmac.compare_digest(params["oauth_consumer_key"], creds.consumer_key):
            return "UnknownConsumerKey"
        if not hmac.compare_digest(params["oauth_token"], creds.token_id) or self.revoked:
            return "InvalidToken"
        timestamp = params["oauth_timestamp"]
        if not timestamp.isdigit():
            return "InvalidTimestamp"
        now = time.time() if now is None else now
        # UNCERTAIN (reference 1.4): NetSuite's accepted clock skew is undocumented;
        # the sandbox refuses anything more than skew_seconds (default 300) away.
        if abs(int(timestamp) - now) > self.skew_seconds:
            return "InvalidTimestamp"
        nonce = params["oauth_nonce"]
        # Oracle: a random string of 6 to 64 alphanumeric characters.
        if not (6 <= len(nonce) <= 64 and nonce.isascii() and nonce.isalnum()):
            return "InvalidNonce"
        signed = [(k, v) for k, v in params.items() if k not in ("realm", "oauth_signature")]
        expected = hmac_sha256_signature(
            signature_base_string(method, url, list(query) + signed), creds.consumer_secret, creds.token_secret
        )
        if not hmac.compare_digest(expected.encode("ascii"), params["oauth_signature"].encode("utf-8", "replace")):
            return "InvalidSignature"
        with self._lock:
            seen = self._nonces.setdefault(params["oauth_token"], {})
            if nonce in seen:
                return "NonceReused"
            seen[nonce] = int(timestamp)
            self._purge(now)
        return None

    def _purge(self, now: float) -> None:
        # A nonce only needs remembering while its timestamp is still acceptable.
        if now - self._last_purge < self.skew_seconds:
            return
        self._last_purge = now
        horizon = now - 2 * self.skew_seconds
        for token, seen in self._nonces.items():
            self._nonces[token] = {n: ts for n, ts in seen.items() if ts >= horizon}
