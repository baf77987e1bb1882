"""Mailchimp's problem-detail errors, turned into the shared typed provider errors (reference C.1, C.6, C.7).

Every error is ``{"type", "title", "status", "detail", "instance", "errors"?}``. Titles may be localised to the
account's language ("Miembro existente"), so the kind of a 400 is told by its ``detail`` first and its
English ``title`` only as a fallback. What a run must handle apart:

- *Member Exists* (a POST of an address the audience has): the client upserts instead (:class:`MemberExists`);
- *Forgotten Email Not Subscribed* (the address was permanently deleted): never re-imported by the API
  (:class:`ForgottenEmail`), said to ops staff, not retried;
- *Member In Compliance State* (unsubscribed by link, bounced, under review): not subscribed again
  (:class:`ComplianceState`);
- 429 (over 10 simultaneous connections) is worth waiting for; a bare 403 without JSON at high volume is a
  throttle too (reference C.7), unlike a 403 *WrongDataCenter* or *Forbidden* with its problem JSON.
"""

from __future__ import annotations

import json
from typing import Any

from config.redaction import redact

from ..errors import (
    AuthenticationError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    RefusedUntilChanged,
    Unavailable,
    ValidationError,
)

API_NAME = "Mailchimp API"


class MemberExists(ValidationError):
    """The address is already a member of the audience (a POST): update it instead."""


class ForgottenEmail(RefusedUntilChanged):
    """The address was permanently deleted from the audience: the API may never add it again."""


class ComplianceState(ValidationError):
    """The address unsubscribed, bounced or is under compliance review: it may not be subscribed again."""


# (what the detail says, English title) -> the error class of a 400.
_KINDS: tuple[tuple[str, str, type[ValidationError]], ...] = (
    ("is already a list member", "Member Exists", MemberExists),
    ("was permanently deleted and cannot be re-imported", "Forgotten Email Not Subscribed", ForgottenEmail),
    ("is in a compliance state", "Member In Compliance State", ComplianceState),
)


def problem_of(body: Any) -> dict[str, Any]:
    """The problem document of an answer's body (``{}`` when it holds none)."""
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body or b"{}")
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def describe(problem: dict[str, Any]) -> str:
    """One sentence for ops staff: title, detail, the fields' messages, and the instance (Mailchimp support
    asks for it); secrets never (:func:`config.redaction.redact`)."""
    parts = [str(problem.get(k) or "").strip() for k in ("title", "detail")]
    fields = problem.get("errors")
    if isinstance(fields, list):
        parts += [
            f"{e.get('field')}: {e.get('message')}" if e.get("field") else str(e.get("message") or "")
            for e in fields
            if isinstance(e, dict)
        ]
    text = ". ".join(p.rstrip(".") for p in parts if p)
    if problem.get("instance"):
        text += f" (instance {problem['instance']})"
    return redact(text or "no details")


def error_from_http(status: int, body: Any, retry_after: float | None = None) -> ProviderError:
    """The typed error of a Mailchimp answer with HTTP ``status`` and ``body``."""
    problem = problem_of(body)
    message = f"{API_NAME} answered {status}: {describe(problem)}"
    title, detail = str(problem.get("title") or ""), str(problem.get("detail") or "")
    if status == 400:
        for words, english, kind in _KINDS:
            if words in detail or title == english:
                return kind(message, status=status, code=english)
        return ValidationError(message, status=status, code=title or None)
    if status == 401:
        return AuthenticationError(
            f"{message} Check the API key (it may be revoked, or belong to another data centre).", status=status
        )
    if status == 403:
        if not problem:  # a bare 403 at high volume is Mailchimp's throttle (reference C.7)
            return RateLimited(f"{API_NAME} refused the call without a reason (throttled)", status=status)
        if "datacenter" in detail.lower() or "data center" in detail.lower():
            return AuthenticationError(f"{message} The key belongs to another data centre.", status=status)
        return PermissionDenied(message, status=status, code=title or None)
    if status == 404:
        return NotFound(message, status=status)
    if status == 429:
        return RateLimited(message, status=status, retry_after=retry_after)
    if status >= 500:
        return Unavailable(message, status=status)
    return ProviderError(message, status=status, code=title or None)


def malformed(what: str) -> MalformedResponse:
    return MalformedResponse(f"{API_NAME} answered {what} with something that is not the JSON it documents.")
