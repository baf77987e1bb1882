import json

import pytest

from config.redaction import register_secret
from connections.providers.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationError,
)
from connections.providers.netsuite import error_for_response


def body(detail, code, path=None, status=400, title="Bad Request"):
    entry = {"detail": detail, "o:errorCode": code}
    if path:
        entry["o:errorPath"] = path
    return json.dumps({"type": "https://...", "title": title, "status": status, "o:errorDetails": [entry]})


def test_401_lists_the_usual_causes_for_ops_staff():
    error = error_for_response(
        401, body("Invalid login attempt.", "INVALID_LOGIN", status=401), account_id="1234567_SB1", operation="GET /x"
    )
    assert isinstance(error, AuthenticationError)
    text = str(error)
    for hint in ("1234567_SB1", "upper case", "revoked", "REST Web Services", "Log in using Access Tokens"):
        assert hint in text
    assert "INVALID_LOGIN" in text


def test_400_keeps_netsuites_detail_and_error_path():
    error = error_for_response(400, body("Please enter value(s) for: Subsidiary.", "USER_ERROR", path="subsidiary"))
    assert isinstance(error, ValidationError)
    assert error.path == "subsidiary"
    assert error.code == "USER_ERROR"
    assert "Please enter value(s) for: Subsidiary." in str(error)


def test_a_role_without_suiteql_permission_is_permission_denied_even_as_400():
    detail = "Your current role does not have permission to perform this action."
    assert isinstance(error_for_response(400, body(detail, "USER_ERROR")), PermissionDenied)
    assert isinstance(error_for_response(403, body("nope", "INSUFFICIENT_PERMISSION")), PermissionDenied)


@pytest.mark.parametrize(
    ("status", "kind"), [(404, NotFound), (429, RateLimited), (500, Unavailable), (503, Unavailable)]
)
def test_status_codes_map_to_typed_errors(status, kind):
    assert isinstance(error_for_response(status, body("x", "SOME_CODE")), kind)


def test_retry_after_is_read_from_429():
    error = error_for_response(429, "", {"Retry-After": "3"})
    assert error.retryable
    assert error.retry_after == 3.0


def test_a_body_that_is_not_json_still_gives_a_typed_error():
    error = error_for_response(502, b"<html>Bad gateway</html>")
    assert isinstance(error, Unavailable)
    assert "Bad gateway" in str(error)


def test_a_registered_secret_echoed_by_the_server_is_masked():
    secret = "s3cr3t-token-secret-value"
    register_secret(secret)
    error = error_for_response(400, body(f"bad value {secret}", "USER_ERROR"))
    assert secret not in str(error)
