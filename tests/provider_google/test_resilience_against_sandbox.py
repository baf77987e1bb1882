"""Backoff and typed errors against the Google sandbox: 429 bursts, quotas,
5xx, garbled answers, dropped connections, and account-level failures in a
multi-batch write."""

import time

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import MalformedResponse, RateLimited, ReauthorizationRequired, Unavailable
from connections.providers.google_contacts import GoogleContactsClient
from sandbox.common.http import json_response
from sandbox.common.server import SandboxServer

from .conftest import person


def test_a_burst_of_429_is_waited_out(google):
    client = google.client(max_retries=4)
    google.set_faults(burst_429=3)
    assert client.verify()["email"] == google.config.user_email
    statuses = [e["status"] for e in google.api_calls()]
    assert statuses[:4] == [429, 429, 429, 200]


def test_rate_limit_that_outlasts_the_retries_is_a_typed_error(google):
    client = google.client(max_retries=2)
    google.set_faults(burst_429=10)
    with pytest.raises(RateLimited) as caught:
        client.verify()
    assert caught.value.retryable and caught.value.status == 429
    assert len(google.api_calls()) == 3  # the first try and two retries


def test_backoff_grows_between_attempts(google):
    client = google.client(max_retries=3, backoff_base=0.1)
    google.set_faults(burst_429=3)
    started = time.monotonic()
    client.verify()
    # 0.05-0.1, 0.1-0.2, 0.2-0.4 s of jittered waits before the 4th try succeeds.
    assert time.monotonic() - started >= 0.35


def test_per_minute_quota_429_from_the_sandbox_is_retried(start_google):
    google = start_google(read_quota_per_minute=2)
    google.app.seed({"persons": [person("Q")]})
    client = google.client(max_retries=1, backoff_base=0.01)
    list(client.read_changes("contacts", None))
    list(client.read_changes("contacts", None))
    with pytest.raises(RateLimited) as caught:
        list(client.read_changes("contacts", None))
    assert "Quota exceeded" in str(caught.value)


def test_5xx_and_dropped_connections_are_retried(google):
    client = google.client(max_retries=8)
    google.set_faults(error_rate=0.3, drop_rate=0.15, seed=7)
    for _ in range(5):
        client.verify()
    faults = [e["fault"] for e in google.api_calls() if e["fault"]]
    assert {"5xx", "drop"} <= set(faults)


def test_unavailable_after_the_retries_is_a_typed_error(google):
    client = google.client(max_retries=1)
    google.set_faults(error_rate=1.0)
    with pytest.raises(Unavailable) as caught:
        client.verify()
    assert caught.value.retryable and caught.value.status == 503


def test_garbled_json_is_retried_then_a_malformed_response(google):
    client = google.client(max_retries=2)
    google.set_faults(malformed_rate=1.0)
    with pytest.raises(MalformedResponse):
        client.verify()
    assert len(google.api_calls()) == 3


def test_revoked_grant_mid_write_fails_every_remaining_record_without_more_calls(google):
    credentials = google.credentials(expires_in=3600)
    client = google.client(credentials)
    google.app.revoke_refresh_token(credentials["refresh_token"])  # kills its access tokens too
    results = client.create_many("contacts", [WriteRequest(key=f"k{i}", values={"givenName": "x"}) for i in range(250)])
    assert len(results) == 250
    assert all(isinstance(r.error, ReauthorizationRequired) for r in results)
    assert len(google.api_calls("POST", "/v1/people:batchCreateContacts")) == 1


def test_retry_after_is_honoured_when_google_sends_it():
    # Google documents no Retry-After on 429; a proxy in front of it may send one.
    calls = []

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/token":
            return json_response({"access_token": "at-123456", "expires_in": 3600})(start_response)
        calls.append(time.monotonic())
        if len(calls) <= 2:
            return json_response(
                {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}, 429, **{"Retry-After": "0.3"}
            )(start_response)
        return json_response({"resourceName": "people/me", "emailAddresses": [{"value": "x@example.com"}]})(
            start_response
        )

    with SandboxServer(app) as server:
        client = GoogleContactsClient(
            "", {"refresh_token": "rt-123456"}, client_id="c", client_secret="s", base_url=server.base_url,
            backoff_base=0.01,
        )  # fmt: skip
        assert client.verify()["email"] == "x@example.com"
    # Two refused tries, then the answer, each retry after the 0.3 s asked for.
    assert calls[1] - calls[0] >= 0.3 and calls[2] - calls[1] >= 0.3
