"""Typed errors raised by every provider client.

The sync engine decides what to do from the type alone: retry later
(:class:`RateLimited`, :class:`Unavailable`), ask an operator to re-authorise
(:class:`AuthenticationError`, :class:`ReauthorizationRequired`), or log the
record as failed and carry on (:class:`ValidationError`, :class:`NotFound`).
Messages are written for ops staff and never contain a secret.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base class. ``retryable`` says whether the same call may succeed later."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return self.message


class AuthenticationError(ProviderError):
    """The API refused the credentials (bad signature, revoked token, wrong account)."""


class ReauthorizationRequired(AuthenticationError):
    """The grant is gone (revoked or expired refresh token): a person must reconnect."""


class PermissionDenied(ProviderError):
    """The credentials are valid but the role may not do this."""


class NotFound(ProviderError):
    """The record does not exist (any more)."""


class ValidationError(ProviderError):
    """The API refused the data; ``path`` names the offending field when known."""

    def __init__(self, message: str, *, path: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.path = path


class RefusedUntilChanged(ValidationError):
    """The app refuses the record as it is, and always will (a Mailchimp address permanently deleted): retrying
    it is pointless. The engine excludes the record, says why, and tries it again only once it changes."""


class Conflict(ProviderError):
    """The record changed since we read it (for example a stale Google etag)."""


class RateLimited(ProviderError):
    """Too many requests; ``retry_after`` is in seconds when the API said so."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(ProviderError):
    """The API could not be reached, timed out, or answered 5xx."""

    retryable = True


class MalformedResponse(ProviderError):
    """The API answered with something we cannot parse."""

    retryable = True
