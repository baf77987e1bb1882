"""TBA against the sandbox over real HTTP: success, and each usual failure as a clear AuthenticationError."""

import pytest
import requests
from requests_oauthlib import OAuth1

from connections.providers.errors import AuthenticationError
from connections.providers.netsuite import error_for_response

from .conftest import CREDENTIAL_KEYS, sandbox_requests


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text


def test_verify_succeeds_and_reports_the_account(client, sandbox):
    facts = client.verify()
    assert facts["account_id"] == "1234567_SB1"
    assert facts["subsidiary_count"] == 1  # the root subsidiary of a fresh account
    assert facts["server_time"]


def test_the_realm_is_derived_upper_case_whatever_the_account_id_spelling(make_client):
    assert make_client(account_id="1234567_sb1").verify()["account_id"] == "1234567_SB1"
    assert make_client(account_id="1234567-sb1").verify()["account_id"] == "1234567_SB1"


@pytest.mark.parametrize("wrong", ["consumer_secret", "token_secret"])
def test_a_wrong_secret_is_a_clear_authentication_error_without_any_secret(make_client, credentials, base_url, wrong):
    bad_value = "f" * 64
    client = make_client(credentials={wrong: bad_value})
    with pytest.raises(AuthenticationError) as caught:
        client.verify()
    message = str(caught.value)
    assert "HTTP 401" in message and "INVALID_LOGIN" in message
    assert "1234567_SB1" in message
    assert "upper case" in message and "revoked" in message and "REST Web Services" in message
    assert_no_secret(message + repr(caught.value), bad_value, *(credentials[k] for k in CREDENTIAL_KEYS))
    # An authentication failure is not retried: one request, one refusal.
    assert [e["status"] for e in sandbox_requests(base_url)] == [401]


def test_a_lower_case_sandbox_realm_is_refused(credentials, base_url):
    # The client always upper-cases the realm, so sign these requests by hand.
    def query(realm: str) -> requests.Response:
        auth = OAuth1(
            credentials["consumer_key"],
            credentials["consumer_secret"],
            credentials["token_id"],
            credentials["token_secret"],
            signature_method="HMAC-SHA256",
            realm=realm,
        )
        return requests.post(
            f"{base_url}/services/rest/query/v1/suiteql",
            params={"limit": 1},
            json={"q": "SELECT id FROM subsidiary"},
            headers={"Prefer": "transient"},
            auth=auth,
            timeout=10,
        )

    assert query("1234567_SB1").status_code == 200  # the same request with the right realm passes
    response = query("1234567_sb1")
    error = error_for_response(
        response.status_code, response.content, response.headers, account_id="1234567_sb1", operation="POST suiteql"
    )
    assert isinstance(error, AuthenticationError)
    assert "upper case with an underscore" in str(error)
    assert_no_secret(str(error), *(credentials[k] for k in CREDENTIAL_KEYS))


def test_a_revoked_token_is_an_authentication_error(client, sandbox):
    client.verify()
    sandbox.revoke_token()
    with pytest.raises(AuthenticationError, match="revoked"):
        client.subsidiaries()


def test_repr_shows_the_account_but_no_credential(client, credentials):
    text = repr(client) + repr(client.transport)
    assert "1234567_SB1" in text
    assert_no_secret(text, *(credentials[k] for k in CREDENTIAL_KEYS))


def test_missing_credentials_are_named_without_values():
    from connections.providers.netsuite import NetSuiteClient

    with pytest.raises(ValueError, match="token_secret") as caught:
        NetSuiteClient("1234567_SB1", {"consumer_key": "k" * 10, "consumer_secret": "s" * 10, "token_id": "t" * 10})
    assert "s" * 10 not in str(caught.value)
