"""Google's error envelope, turned into the shared typed provider errors.

Google answers errors as ``{"error": {"code", "message", "status", "details": [...]}}``
where ``details`` may hold a ``google.rpc.ErrorInfo`` with a ``reason``. We key
on ``reason`` first (an expired sync token is a 400 whose ``status`` varies between
captures), then on ``status``, then on the HTTP code.
"""

from __future__ import annotations

import json
from typing import Any

from config.redaction import redact

from ..errors import (
    AuthenticationError,
    Conflict,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    Unavailable,
    ValidationError,
)

API_NAME = "Google People API"

# google.rpc.Code numbers, as they appear in PersonResponse.status.code.
RPC_CODE_NAMES = {
    0: "OK",
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}
_HTTP_FOR_RPC = {3: 400, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 13: 500, 14: 503, 16: 401}


class ExpiredSyncToken(ProviderError):
    """The sync token is older than Google keeps (7 days): a full read is needed."""


class WriteOutcomeUnknown(Unavailable):
    """A non-idempotent write (a create) failed in a way that does not tell
    whether Google applied it (timeout, dropped connection, 5xx, garbled answer).
    The caller must look the records up before writing them again."""


def error_reasons(details: Any) -> list[str]:
    """The ``reason`` of every ``google.rpc.ErrorInfo`` in a ``details`` list."""
    reasons = []
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and detail.get("reason"):
            reasons.append(str(detail["reason"]))
    return reasons


def _classify(http_status: int, status: str, reasons: list[str], message: str, retry_after: float | None):
    where = f"HTTP {http_status} {status}" if status else f"HTTP {http_status}"
    text = redact(f"{API_NAME}: {message or 'no message'} ({where})")
    code = reasons[0] if reasons else (status or None)
    if "EXPIRED_SYNC_TOKEN" in reasons:
        return ExpiredSyncToken(text, status=http_status, code="EXPIRED_SYNC_TOKEN")
    if http_status == 429 or status == "RESOURCE_EXHAUSTED" or "RATE_LIMIT_EXCEEDED" in reasons:
        return RateLimited(text, status=http_status, code=code, retry_after=retry_after)
    if http_status == 401 or status == "UNAUTHENTICATED":
        return AuthenticationError(text, status=http_status, code=code)
    if http_status == 403 or status == "PERMISSION_DENIED":
        return PermissionDenied(text, status=http_status, code=code)
    if http_status == 404 or status == "NOT_FOUND":
        return NotFound(text, status=http_status, code=code)
    if status in ("FAILED_PRECONDITION", "ABORTED", "ALREADY_EXISTS") or http_status == 409:
        return Conflict(text, status=http_status, code=status or code)
    if http_status >= 500 or status in ("UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "UNKNOWN"):
        return Unavailable(text, status=http_status, code=code)
    if 400 <= http_status < 500:
        return ValidationError(text, status=http_status, code=code)
    return ProviderError(text, status=http_status, code=code)


def error_from_http(http_status: int, body: bytes | str, retry_after: float | None = None) -> ProviderError:
    """The typed error for an HTTP error answer (any body, even not JSON)."""
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {}
    envelope = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(envelope, dict):
        message = str(envelope.get("message") or "")
        status = str(envelope.get("status") or "")
        reasons = error_reasons(envelope.get("details"))
    else:
        # Not Google's envelope (a proxy's HTML page, an OAuth-style error...).
        message = f"unexpected error body ({len(body or '')} bytes)"
        status, reasons = "", []
    return _classify(http_status, status, reasons, message, retry_after)


def error_from_status(status: dict[str, Any] | None, *, record: str = "") -> ProviderError | None:
    """The typed error for one ``google.rpc.Status`` inside a batch answer, or
    None when it says OK (code 0 or absent)."""
    if not status or not status.get("code"):
        return None
    rpc_code = int(status["code"])
    name = RPC_CODE_NAMES.get(rpc_code, str(rpc_code))
    message = str(status.get("message") or "")
    if record:
        message = f"{record}: {message}" if message else record
    return _classify(_HTTP_FOR_RPC.get(rpc_code, 400), name, error_reasons(status.get("details")), message, None)


def malformed(what: str) -> MalformedResponse:
    """The error for an answer we cannot parse; ``what`` says where."""
    return MalformedResponse(f"{API_NAME}: {what}")
