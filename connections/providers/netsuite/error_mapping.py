"""Turning NetSuite's error responses into the typed provider errors.

NetSuite's error body is ``{"type", "title", "status", "o:errorDetails":
[{"detail", "o:errorCode", "o:errorPath"?}]}`` (reference, 5.1). Every TBA
failure is the same opaque 401 INVALID_LOGIN, so the 401 message lists the
usual causes for the person who has to fix the account. Messages go through
:func:`config.redaction.redact`, so that even a server that echoed a secret
could not put it into our logs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from config.redaction import redact

from ..errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    Unavailable,
    ValidationError,
)
from ..http import parse_retry_after

AUTH_HELP = (
    "Usual causes: the account id is wrong, or the realm is not in NetSuite's form (upper case with an underscore, "
    "e.g. 1234567_SB1 for a sandbox); the consumer key/secret or token id/secret is wrong, or the token was revoked "
    '(refreshing a sandbox wipes its tokens); the token\'s role lacks the "REST Web Services" or '
    '"Log in using Access Tokens" permission; the integration record is blocked. NetSuite\'s Login Audit Trail '
    "(Setup > Users/Roles > User Management > View Login Audit Trail) names the exact cause."
)

# A missing "SuiteAnalytics Workbook" permission is reported as 400 USER_ERROR
# on list, q and SuiteQL calls, not as 403 (reference, 1.7 and 7.4).
_PERMISSION_HINTS = ("does not have permission", "permission violation", "insufficient permission")


@dataclass(frozen=True)
class ErrorDetail:
    """The first entry of NetSuite's ``o:errorDetails``, and the title."""

    title: str = ""
    detail: str = ""
    code: str = ""
    path: str | None = None

    @classmethod
    def from_body(cls, body: bytes | str | None) -> ErrorDetail:
        try:
            data = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, Mapping):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
            return cls(detail=text.strip()[:300])
        details = data.get("o:errorDetails") or []
        first = details[0] if details and isinstance(details[0], Mapping) else {}
        return cls(
            title=str(data.get("title") or ""),
            detail=str(first.get("detail") or data.get("detail") or ""),
            code=str(first.get("o:errorCode") or ""),
            path=first.get("o:errorPath") or None,
        )


def error_for_response(
    status: int,
    body: bytes | str | None,
    headers: Mapping[str, str] | None = None,
    *,
    account_id: str = "",
    operation: str = "",
) -> ProviderError:
    """The typed error for an HTTP error response.

    ``account_id`` (in realm form) and ``operation`` (``"GET /record/v1/customer/7"``)
    make the message useful to ops staff; neither holds a secret.
    """
    info = ErrorDetail.from_body(body)
    where = f" ({operation})" if operation else ""
    said = f"{info.code + ': ' if info.code else ''}{info.detail or info.title or 'no details'}"
    code = info.code or None
    if status == 401:
        message = (
            f"NetSuite refused the credentials for account {account_id or '?'}{where}: HTTP 401 {said.rstrip('. ')}. "
            f"{AUTH_HELP}"
        )
        return AuthenticationError(redact(message), status=status, code=code)
    if status == 403 or (status == 400 and any(hint in info.detail.lower() for hint in _PERMISSION_HINTS)):
        message = (
            f"NetSuite account {account_id or '?'} refused the operation{where}: HTTP {status} {said}. "
            "The token's role lacks a permission: REST Web Services, the record's own permission, and "
            "SuiteAnalytics Workbook for SuiteQL queries."
        )
        return PermissionDenied(redact(message), status=status, code=code)
    if status == 404:
        return NotFound(redact(f"NetSuite has no such record{where}: {said}"), status=status, code=code)
    if status == 409:
        return Conflict(redact(f"NetSuite reported a conflict{where}: {said}"), status=status, code=code)
    if status == 429:
        retry_after = parse_retry_after((headers or {}).get("Retry-After"))
        message = (
            f"NetSuite account {account_id or '?'} is over its request limit{where}: HTTP 429 {said}. "
            "The account's concurrency limit is shared by every integration; try again later."
        )
        return RateLimited(redact(message), status=status, code=code, retry_after=retry_after)
    if status >= 500:
        return Unavailable(redact(f"NetSuite is unavailable{where}: HTTP {status} {said}"), status=status, code=code)
    if 400 <= status < 500:
        path_note = f" (field {info.path})" if info.path else ""
        message = f"NetSuite refused the request{where}{path_note}: HTTP {status} {said}"
        return ValidationError(redact(message), status=status, code=code, path=info.path)
    return ProviderError(redact(f"Unexpected NetSuite response{where}: HTTP {status} {said}"), status=status, code=code)
