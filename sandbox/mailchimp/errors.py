"""Mailchimp's error JSON (reference C.6): an RFC 7807 problem detail
``{type, title, status, detail, instance}``, plus ``errors[]`` for validation.

Raise :class:`ApiError` anywhere in a handler; the app answers with its body.
"""

from __future__ import annotations

import uuid

from sandbox.common.http import Response

ERROR_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"

KEY_INVALID = "Your API key may be invalid, or you've attempted to access the wrong datacenter."
# UNCERTAIN: the reference names APIKeyMissing and WrongDataCenter (C.6) but quotes no wording for them.
KEY_MISSING = "Your request did not include an API key."
WRONG_DC = "The API key provided is linked to a different datacenter."
NOT_FOUND = "The requested resource could not be found."
VALIDATION = "The resource submitted could not be validated. For field-specific details, see the 'errors' array."
TOO_MANY = "You have exceeded the limit of 10 simultaneous connections."


class ApiError(Exception):
    """An error answer of the simulated API."""

    def __init__(self, status: int, title: str, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors

    def body(self) -> dict:
        body = {
            "type": ERROR_TYPE,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": str(uuid.uuid4()),
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        # UNCERTAIN: the reference gives no content type; RFC 7807's application/problem+json is used,
        # so a client must read the body whatever the type says (the official client then hands the
        # body over as text).
        return Response(status=self.status, body=self.body(), content_type="application/problem+json; charset=utf-8")


def not_found() -> ApiError:
    return ApiError(404, "Resource Not Found", NOT_FOUND)


def invalid(detail: str, errors: list[dict] | None = None) -> ApiError:
    """400 Invalid Resource."""
    return ApiError(400, "Invalid Resource", detail, errors)


def field_errors(errors: list[dict]) -> ApiError:
    """400 Invalid Resource with the field-specific ``errors`` array."""
    return invalid(VALIDATION, errors)


def bad_request(detail: str) -> ApiError:
    return ApiError(400, "Bad Request", detail)


def member_exists(email: str) -> ApiError:
    return ApiError(
        400,
        "Member Exists",
        f"{email} is already a list member. Use PUT to insert or update list members.",
    )


def forgotten(email: str) -> ApiError:
    return ApiError(
        400,
        "Forgotten Email Not Subscribed",
        f"{email} was permanently deleted and cannot be re-imported. "
        "The contact must re-subscribe to get back on the list.",
    )


def compliance(email: str) -> ApiError:
    return ApiError(
        400,
        "Member In Compliance State",
        f"{email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.",
    )


def merge_invalid(errors: list[dict]) -> ApiError:
    return invalid("Your merge fields were invalid.", errors)
