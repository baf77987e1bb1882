"""HubSpot's error JSON (reference B.9) and the 429 bodies (B.8).

Every error is ``{"status": "error", "message", "correlationId", "category"}``
plus, when known, ``subCategory``, ``context`` and ``errors``. Raise
:class:`ApiError` anywhere in a handler; the app answers with its body.
"""

from __future__ import annotations

import json
import uuid

from sandbox.common.http import Response, json_response

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more "
    "details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
# UNCERTAIN: the reference quotes only the "not found" message. A token that is sent but unknown
# gets the same category (INVALID_AUTHENTICATION) with this message.
BAD_TOKEN_MESSAGE = "The access token provided is invalid or has been revoked."
SCOPES_MESSAGE = "This app hasn't been granted all required scopes to make this call."


def correlation_id() -> str:
    return str(uuid.uuid4())


class ApiError(Exception):
    """An error answer of the simulated API."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        context: dict | None = None,
        sub_category: str | None = None,
        errors: list[dict] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.context = context
        self.sub_category = sub_category
        self.errors = errors

    def body(self) -> dict:
        body = {
            "status": "error",
            "message": self.message,
            "correlationId": correlation_id(),
            "category": self.category,
        }
        if self.sub_category:
            body["subCategory"] = self.sub_category
        if self.context:
            body["context"] = self.context
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        return json_response(self.body(), self.status)


def validation(message: str, **kwargs) -> ApiError:
    """400 VALIDATION_ERROR."""
    return ApiError(400, "VALIDATION_ERROR", message, **kwargs)


def not_found(message: str = "Resource not found", ids: list[str] | None = None) -> ApiError:
    """404 OBJECT_NOT_FOUND, with ``context.id`` when ids are known."""
    return ApiError(404, "OBJECT_NOT_FOUND", message, context={"id": ids} if ids else None)


def conflict(message: str) -> ApiError:
    return ApiError(409, "CONFLICT", message)


def property_errors(problems: list[dict]) -> ApiError:
    """400 for bad property values: the message embeds the JSON list of problems (reference B.4)."""
    return validation(f"Property values were not valid: {json.dumps(problems, separators=(',', ':'))}")


def property_problem(name: str, error: str, message: str) -> dict:
    """One entry of the list :func:`property_errors` embeds."""
    return {"isValid": False, "message": message, "error": error, "name": name}


def standard_error(category: str, message: str, context: dict | None = None, status: str = "error") -> dict:
    """A ``StandardError`` of a 207 batch answer's ``errors[]`` (reference B.2)."""
    return {
        "status": status,
        "category": category,
        "message": message,
        "context": context or {},
        "errors": [],
        "links": {},
    }


def rate_limited(policy: str, app_id: str, portal_id: str) -> Response:
    """The 429 of an exhausted policy: ``TEN_SECONDLY_ROLLING``, ``DAILY`` or ``SECONDLY`` (search)."""
    messages = {
        "TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
        "DAILY": "You have reached your daily limit.",
        "SECONDLY": "You have reached your secondly limit.",
    }
    groups = {
        "TEN_SECONDLY_ROLLING": f"publicapi:private_app-api-calls-ten-secondly:{app_id}:{portal_id}",
        "DAILY": f"publicapi:private_app-api-calls-daily:{app_id}:{portal_id}",
        # UNCERTAIN: the reference gives the search message only; the group name follows the pattern.
        "SECONDLY": f"publicapi:search-api-calls-secondly:{portal_id}",
    }
    body = {
        "status": "error",
        "message": messages[policy],
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": policy,
        "groupName": groups[policy],
    }
    # UNCERTAIN: "some responses carry Retry-After"; the stricter choice sends none, so a client
    # must back off on its own.
    return json_response(body, 429)
