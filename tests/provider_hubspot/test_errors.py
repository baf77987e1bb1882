"""HubSpot's error JSON as typed errors: bodies quoted from the reference (hubspot.md B.4, B.6, B.8, B.9)."""

import json

import pytest

from connections.providers.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationError,
)
from connections.providers.hubspot.api_errors import (
    DailyLimitReached,
    error_from_http,
    existing_id,
    value_holder_id,
)

TEN_SECONDLY = {
    "status": "error",
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "correlationId": "c0ffee00-1111-2222-3333-444455556666",
    "policyName": "TEN_SECONDLY_ROLLING",
    "groupName": "publicapi:private_app-api-calls-ten-secondly:123",
}
DAILY = {**TEN_SECONDLY, "message": "You have reached your daily limit.", "policyName": "DAILY"}
SEARCH_SECONDLY = {"status": "error", "message": "You have reached your secondly limit.", "category": "RATE_LIMITS"}
DUPLICATE = {
    "status": "error",
    "message": "Contact already exists. Existing ID: 12345",
    "correlationId": "abc",
    "category": "CONFLICT",
}
UNKNOWN_PROPERTY = {
    "status": "error",
    "message": 'Property values were not valid: [{"isValid":false,"message":"Property \\"foo\\" does not exist",'
    '"error":"PROPERTY_DOESNT_EXIST","name":"foo"}]',
    "correlationId": "def",
    "category": "VALIDATION_ERROR",
}
EMAIL_TAKEN = {
    "status": "error",
    "message": "Cannot set PropertyValueCoordinates{portalId=1, objectTypeId=0-1 CONTACT, propertyName=email, "
    "value=x@y} on 552148386511. 552239500007 already has that value.",
    "category": "VALIDATION_ERROR",
}


def _error(status, payload, retry_after=None):
    return error_from_http(status, json.dumps(payload).encode(), retry_after)


def test_ten_secondly_429_is_retryable_with_its_retry_after():
    error = _error(429, TEN_SECONDLY, 2.0)
    assert type(error) is RateLimited and error.retryable and error.retry_after == 2.0
    assert error.code == "TEN_SECONDLY_ROLLING"


def test_daily_limit_is_not_retried():
    error = _error(429, DAILY)
    assert isinstance(error, DailyLimitReached) and isinstance(error, RateLimited)
    assert not error.retryable


def test_rate_limits_category_instead_of_error_type_is_read_too():
    error = error_from_http(429, json.dumps(SEARCH_SECONDLY))
    assert type(error) is RateLimited and error.retryable


UNAUTHENTICATED = {
    "status": "error",
    "message": "Authentication credentials not found.",
    "category": "INVALID_AUTHENTICATION",
}
MISSING_SCOPES = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call.",
    "category": "MISSING_SCOPES",
}
NOT_FOUND = {"status": "error", "message": "Not found", "category": "OBJECT_NOT_FOUND", "context": {"id": ["9"]}}


@pytest.mark.parametrize(
    "status, payload, kind",
    [
        (401, UNAUTHENTICATED, AuthenticationError),
        (403, MISSING_SCOPES, PermissionDenied),
        (404, NOT_FOUND, NotFound),
        (409, DUPLICATE, Conflict),
        (400, UNKNOWN_PROPERTY, ValidationError),
        (502, {"status": "error", "message": "Bad gateway"}, Unavailable),
    ],
)
def test_each_category_becomes_its_typed_error(status, payload, kind):
    error = _error(status, payload)
    assert type(error) is kind
    assert error.status == status


def test_the_message_keeps_the_correlation_id_for_support():
    error = _error(409, DUPLICATE)
    assert "Contact already exists. Existing ID: 12345" in error.message
    assert "correlation id abc" in error.message


def test_duplicate_create_names_the_existing_contact():
    assert existing_id(_error(409, DUPLICATE).message) == "12345"
    assert existing_id("Contact already exists. Existing ID:987") == "987"
    assert existing_id("something else") is None


def test_update_taking_another_contacts_email_names_the_holder_not_the_target():
    assert value_holder_id(_error(400, EMAIL_TAKEN).message) == "552239500007"


def test_unknown_property_names_the_property():
    error = _error(400, UNKNOWN_PROPERTY)
    assert isinstance(error, ValidationError) and error.path == "foo"


def test_a_body_that_is_not_json_is_described_by_its_size():
    error = error_from_http(503, b"<html>down</html>")
    assert isinstance(error, Unavailable) and "17 bytes" in error.message
