"""The transport over HTTP against a tiny local stub that answers bodies quoted from the reference (B.8, B.9):
the bearer token, what is retried (ten-second 429, 5xx on reads), what is not (a daily 429, a 401, a create
that got a 5xx), and that the token never shows in an error or a log line. Not a sandbox: one canned answer
per request, for the error parsing and the retry policy only."""

from __future__ import annotations

import logging

import pytest

from connections.providers.errors import AuthenticationError, RateLimited
from connections.providers.hubspot.api_errors import DailyLimitReached, WriteOutcomeUnknown
from connections.providers.hubspot.client import HubSpotClient

from .conftest import LIST_PAGE

TOKEN = "pat-na1-00000000-stub-token-never-shown"
TEN_SECONDLY = {
    "status": "error",
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "correlationId": "c0ffee00-1111-2222-3333-444455556666",
    "policyName": "TEN_SECONDLY_ROLLING",
    "groupName": "publicapi:private_app-api-calls-ten-secondly:123",
}
DAILY = {**TEN_SECONDLY, "message": "You have reached your daily limit.", "policyName": "DAILY"}
UNAUTHENTICATED = {
    "status": "error",
    "message": "Authentication credentials not found.",
    "category": "INVALID_AUTHENTICATION",
}


def _client(stub, **kwargs):
    return HubSpotClient("123", {"private_app_token": TOKEN}, base_url=stub.base_url, backoff_base=0.01, **kwargs)


def test_verify_sends_the_token_as_a_bearer_and_asks_for_one_contact(stub):
    assert _client(stub).verify() == {"account_id": "123"}
    assert stub.requests == [{"method": "GET", "path": "/crm/v3/objects/contacts?limit=1", "auth": f"Bearer {TOKEN}"}]


def test_a_ten_second_429_is_waited_for_then_retried(stub):
    stub.answers = [(429, TEN_SECONDLY, {"Retry-After": "0"}), (200, LIST_PAGE, {})]
    _client(stub).verify()
    assert len(stub.requests) == 2


def test_a_daily_429_is_not_retried(stub):
    stub.answers = [(429, DAILY, {})]
    with pytest.raises(DailyLimitReached) as refused:
        _client(stub).verify()
    assert len(stub.requests) == 1 and isinstance(refused.value, RateLimited)


def test_a_refused_token_is_an_authentication_error_without_the_token_in_it_or_in_the_logs(stub, caplog):
    stub.answers = [(401, UNAUTHENTICATED, {})]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as refused:
        _client(stub).verify()
    assert len(stub.requests) == 1  # a 401 is not a refresh signal, nor worth retrying (B.1)
    assert "Authentication credentials not found." in str(refused.value)
    assert TOKEN not in str(refused.value) and TOKEN not in repr(_client(stub))
    assert TOKEN not in caplog.text


def test_a_5xx_on_a_read_is_retried(stub):
    stub.answers = [(502, {"status": "error", "message": "Bad gateway"}, {}), (200, LIST_PAGE, {})]
    _client(stub).verify()
    assert len(stub.requests) == 2


def test_a_create_that_got_a_5xx_is_not_sent_again(stub):
    stub.answers = [(502, {"status": "error", "message": "Bad gateway"}, {})]
    client = _client(stub)
    with pytest.raises(WriteOutcomeUnknown):
        client.transport.request(
            "POST", "/crm/v3/objects/contacts/batch/create", json_body={"inputs": []}, idempotent=False
        )
    assert len(stub.requests) == 1


def test_a_create_refused_by_a_ten_second_429_is_sent_again(stub):
    stub.answers = [(429, TEN_SECONDLY, {"Retry-After": "0"}), (201, {"status": "COMPLETE", "results": []}, {})]
    client = _client(stub)
    client.transport.request(
        "POST", "/crm/v3/objects/contacts/batch/create", json_body={"inputs": []}, idempotent=False
    )
    assert len(stub.requests) == 2
