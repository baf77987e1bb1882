"""Google's error shapes: the JSON API envelope and the OAuth token endpoint's.

API errors are ``{"error": {"code", "message", "status", "details"}}`` (the
``Status`` schema of the discovery document wrapped in ``error``); ``details``
is left out when there are none, as Google's proto3 JSON does. OAuth errors
are ``{"error": "...", "error_description": "..."}``.
"""

from __future__ import annotations

from sandbox.common.http import Response, json_response

# google.rpc.Code numbers, used inside PersonResponse.status.
RPC_CODES = {
    "OK": 0,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "UNAUTHENTICATED": 16,
}

SERVICE = "people.googleapis.com"
NOT_FOUND_MESSAGE = "Requested entity was not found."
STALE_ETAG_MESSAGE = (
    "Request person.etag is different than the current person.etag. Clear local cache and get the latest person."
)


def error_info(reason: str, domain: str = "googleapis.com", metadata: dict | None = None) -> dict:
    """A ``google.rpc.ErrorInfo`` detail."""
    detail = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": domain}
    if metadata:
        detail["metadata"] = metadata
    return detail


def bad_request(violations: list[tuple[str, str]]) -> dict:
    """A ``google.rpc.BadRequest`` detail from ``(field, description)`` pairs."""
    return {
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": text} for field, text in violations],
    }


class ApiError(Exception):
    """An API error: raise it anywhere in a handler; the app answers with its envelope."""

    def __init__(
        self,
        code: int,
        status: str,
        message: str,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def rpc_status(self) -> dict:
        """The same error as a ``google.rpc.Status`` (as used in PersonResponse)."""
        status = {"code": RPC_CODES.get(self.status, 2), "message": self.message}
        if self.details:
            status["details"] = self.details
        return status

    def response(self) -> Response:
        return json_response(self.body(), self.code, **self.headers)


def invalid_argument(message: str, field: str | None = None) -> ApiError:
    """400 INVALID_ARGUMENT, with a BadRequest field violation when ``field`` is known."""
    details = [bad_request([(field, message)])] if field is not None else None
    return ApiError(400, "INVALID_ARGUMENT", message, details)


def failed_precondition(message: str, details: list[dict] | None = None) -> ApiError:
    return ApiError(400, "FAILED_PRECONDITION", message, details)


def not_found(message: str = NOT_FOUND_MESSAGE) -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


class OAuthError(Exception):
    """An error of the OAuth token or revoke endpoint (RFC 6749 section 5.2 shape)."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> Response:
        return json_response(
            {"error": self.error, "error_description": self.description},
            self.status,
            **{"Cache-Control": "no-store", "Pragma": "no-cache"},
        )
