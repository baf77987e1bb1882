"""HubSpot's error JSON, turned into the shared typed provider errors (reference: hubspot.md B.8, B.9).

HubSpot answers errors as ``{"status": "error", "message", "correlationId", "category", "subCategory"?,
"context"?, "errors"?}``. A 429 names its policy: ``TEN_SECONDLY_ROLLING`` (and the search's "secondly"
limit) is worth waiting for; ``DAILY`` is not (the bucket refills at midnight, far beyond what a run should
sleep), so it is a :class:`DailyLimitReached`, which is not retryable. Some 429s carry ``category:
"RATE_LIMITS"`` instead of ``errorType: "RATE_LIMIT"``: both are read.

Messages are for ops staff: the correlation id is kept (HubSpot support asks for it), secrets never are
(:func:`config.redaction.redact`).
"""

from __future__ import annotations

import json
import re
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

API_NAME = "HubSpot API"

# "Contact already exists. Existing ID: 12345" (409 on create; clients adopt that record).
_EXISTING_ID = re.compile(r"Existing ID:\s*(\d+)")
# "... on 552148386511. 552239500007 already has that value." (400 on an update taking another's email).
_HOLDER_ID = re.compile(r"(\d+) already has that value")


class DailyLimitReached(RateLimited):
    """The account's daily request limit is used up: waiting seconds will not help, so not retried."""

    retryable = False


class WriteOutcomeUnknown(Unavailable):
    """A create failed in a way that does not tell whether HubSpot applied it (timeout, dropped
    connection, 5xx, garbled answer): it must not be sent again blindly."""


def existing_id(message: str) -> str | None:
    """The id of the record a duplicate-create 409 names (``Existing ID: N``), else None."""
    match = _EXISTING_ID.search(message or "")
    return match.group(1) if match else None


def value_holder_id(message: str) -> str | None:
    """The id of the record that already holds a unique value (an update's 400), else None."""
    match = _HOLDER_ID.search(message or "")
    return match.group(1) if match else None


def _describe(message: str, category: str, correlation_id: str, status: int | None) -> str:
    where = ", ".join(p for p in (f"HTTP {status}" if status else "", category) if p)
    text = f"{API_NAME}: {message or 'no message'}"
    if where:
        text += f" ({where})"
    if correlation_id:
        text += f" [correlation id {correlation_id}]"
    return redact(text)


def _property_path(payload: dict[str, Any], message: str) -> str | None:
    """The property a validation error names: ``"name"`` inside the JSON list a 400 embeds in its message
    ("Property values were not valid: [{...,"name":"foo"}]"), else ``context.propertyName``."""
    start = message.find("[")
    if start >= 0:
        try:
            items = json.loads(message[start:])
        except ValueError:
            items = None
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and item.get("name"):
                    return str(item["name"])
    context = payload.get("context")
    if isinstance(context, dict):
        names = context.get("propertyName") or context.get("properties")
        if isinstance(names, list) and names:
            return str(names[0])
    return None


def error_from_payload(status: int | None, payload: Any, retry_after: float | None = None) -> ProviderError:
    """The typed error for one HubSpot error object (a whole answer's body, or one ``errors[]`` entry of a
    207 batch answer, whose ``status`` is the word ``"error"`` or an HTTP code)."""
    payload = payload if isinstance(payload, dict) else {}
    message = str(payload.get("message") or "")
    category = str(payload.get("category") or payload.get("errorType") or "")
    policy = str(payload.get("policyName") or "")
    correlation_id = str(payload.get("correlationId") or "")
    text = _describe(message, category, correlation_id, status)
    code = category or None
    upper = category.upper()
    if status == 429 or upper in ("RATE_LIMIT", "RATE_LIMITS"):
        if policy.upper() == "DAILY" or "daily limit" in message.lower():
            return DailyLimitReached(text, status=status, code="DAILY", retry_after=retry_after)
        return RateLimited(text, status=status, code=policy or code, retry_after=retry_after)
    if status == 401 or upper == "INVALID_AUTHENTICATION":
        return AuthenticationError(text, status=status, code=code)
    if status == 403 or upper == "MISSING_SCOPES":
        return PermissionDenied(text, status=status, code=code)
    if status == 404 or upper == "OBJECT_NOT_FOUND":
        return NotFound(text, status=status, code=code)
    if status == 409 or upper == "CONFLICT":
        return Conflict(text, status=status, code=code or "CONFLICT")
    if status is not None and status >= 500:
        return Unavailable(text, status=status, code=code)
    if upper == "VALIDATION_ERROR" or (status is not None and 400 <= status < 500):
        return ValidationError(text, path=_property_path(payload, message), status=status, code=code)
    return ProviderError(text, status=status, code=code)


def error_from_http(status: int, body: bytes | str, retry_after: float | None = None) -> ProviderError:
    """The typed error for an HTTP error answer (any body: a proxy's HTML page is described by its size)."""
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        payload = {"message": f"unexpected error body ({len(body or '')} bytes)"}
    return error_from_payload(status, payload, retry_after)


def malformed(what: str) -> MalformedResponse:
    """The error for an answer we cannot parse; ``what`` says where."""
    return MalformedResponse(f"{API_NAME}: {what}")
