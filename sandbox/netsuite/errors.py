"""NetSuite's REST error bodies (``type``, ``title``, ``status``, ``o:errorDetails``).

Every refusal the sandbox makes goes through :class:`NetSuiteError`, so each one
carries the body shape the reference documents (section 5.1).
"""

from __future__ import annotations

from sandbox.common.http import Response

ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error"

_RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#"
_TYPES = {
    400: (_RFC2616 + "sec10.4.1", "Bad Request"),
    401: (_RFC2616 + "sec10.4.2", "Unauthorized"),
    403: (_RFC2616 + "sec10.4.4", "Forbidden"),
    404: (_RFC2616 + "sec10.4.5", "Not Found"),
    405: (_RFC2616 + "sec10.4.6", "Method Not Allowed"),
    406: (_RFC2616 + "sec10.4.7", "Not Acceptable"),
    415: (_RFC2616 + "sec10.4.16", "Unsupported Media Type"),
    429: ("https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"),
    500: (_RFC2616 + "sec10.5.1", "Internal Server Error"),
    502: (_RFC2616 + "sec10.5.3", "Bad Gateway"),
    503: (_RFC2616 + "sec10.5.4", "Service Unavailable"),
    504: (_RFC2616 + "sec10.5.5", "Gateway Timeout"),
}

INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
# Prefix NetSuite puts in front of record-service business errors.
RESOURCE_PREFIX = "Error while accessing a resource. "
SEARCH_PREFIX = "Invalid search query. Detailed unprocessed description follows. Search error occurred: "


def error_body(status: int, code: str | None, detail: str, path: str | None = None) -> dict:
    """The JSON error document for one error detail."""
    type_url, title = _TYPES.get(status, (_RFC2616 + "sec10", "Error"))
    item: dict = {"detail": detail}
    if code:
        item["o:errorCode"] = code
    if path:
        item["o:errorPath"] = path
    return {"type": type_url, "title": title, "status": status, "o:errorDetails": [item]}


class NetSuiteError(Exception):
    """A refusal, rendered as NetSuite's error body with ``status``."""

    def __init__(self, status: int, code: str | None, detail: str, path: str | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.path = path

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return Response(
            status=self.status,
            body=error_body(self.status, self.code, self.detail, self.path),
            headers=dict(headers or {}),
            content_type=ERROR_CONTENT_TYPE,
        )


def user_error(detail: str, path: str | None = None) -> NetSuiteError:
    """400 USER_ERROR, NetSuite's business-validation refusal."""
    return NetSuiteError(400, "USER_ERROR", RESOURCE_PREFIX + detail, path)


def invalid_parameter(detail: str, path: str | None = None) -> NetSuiteError:
    return NetSuiteError(400, "INVALID_PARAMETER", detail, path)


def search_error(reason: str) -> NetSuiteError:
    """400 for a SuiteQL query the sandbox (or NetSuite) cannot run."""
    return NetSuiteError(400, "INVALID_PARAMETER", SEARCH_PREFIX + reason)


def not_found(detail: str = "The record instance does not exist. Provide a valid record instance ID.") -> NetSuiteError:
    # UNCERTAIN (reference 5.1): the 404 code; NONEXISTENT_ID is the plausible one.
    return NetSuiteError(404, "NONEXISTENT_ID", detail)


def invalid_login() -> NetSuiteError:
    """401 INVALID_LOGIN: the one answer to every TBA failure (the cause is only in the audit trail)."""
    return NetSuiteError(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)
