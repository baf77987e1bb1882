"""Token-Based Authentication: Oracle's published vectors, and every refusal as a 401 INVALID_LOGIN."""

import time

import pytest
import requests
from oauthlib.oauth1 import Client as OAuthClient

from sandbox.netsuite.errors import INVALID_LOGIN_DETAIL
from sandbox.netsuite.tba import (
    hmac_sha256_signature,
    parse_authorization,
    percent_encode,
    signature_base_string,
)

# Oracle's published test vector (reference section 1.5, "The Signature for Web Services and RESTlets").
ORACLE = {
    "consumer_key": "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
    "consumer_secret": "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
    "token_id": "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
    "token_secret": "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
    "nonce": "fjaLirsIcCGVZWzBX0pg",
    "timestamp": "1508242306",
}


def _oracle_oauth_params() -> list[tuple[str, str]]:
    return [
        ("oauth_consumer_key", ORACLE["consumer_key"]),
        ("oauth_nonce", ORACLE["nonce"]),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_timestamp", ORACLE["timestamp"]),
        ("oauth_token", ORACLE["token_id"]),
        ("oauth_version", "1.0"),
    ]


def test_oracle_published_rest_vector_is_reproduced():
    base = signature_base_string(
        "GET",
        "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40",
        _oracle_oauth_params(),
    )
    assert base == (
        "GET&https%3A%2F%2F123456.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2Femployee%2F40&"
        "oauth_consumer_key%3Def40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4"
        "%26oauth_nonce%3DfjaLirsIcCGVZWzBX0pg%26oauth_signature_method%3DHMAC-SHA256"
        "%26oauth_timestamp%3D1508242306"
        "%26oauth_token%3D2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc%26oauth_version%3D1.0"
    )
    signature = hmac_sha256_signature(base, ORACLE["consumer_secret"], ORACLE["token_secret"])
    assert signature == "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="
    assert percent_encode(signature) == "B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"


def test_oracle_published_restlet_vector_signs_sorted_query_parameters():
    query = [("script", "6"), ("deploy", "1"), ("customParam", "someValue"), ("testParam", "someOtherValue")]
    base = signature_base_string(
        "POST", "https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl", query + _oracle_oauth_params()
    )
    assert "customParam%3DsomeValue%26deploy%3D1%26oauth_consumer_key" in base
    assert base.endswith("oauth_version%3D1.0%26script%3D6%26testParam%3DsomeOtherValue")
    signature = hmac_sha256_signature(base, ORACLE["consumer_secret"], ORACLE["token_secret"])
    assert signature == "+KK4SKNgz4ZiILGLwOMtfYlgcXSy1eis8ldE9X90azQ="


def test_requests_oauthlib_header_for_the_vector_carries_the_same_signature():
    client = OAuthClient(
        ORACLE["consumer_key"],
        client_secret=ORACLE["consumer_secret"],
        resource_owner_key=ORACLE["token_id"],
        resource_owner_secret=ORACLE["token_secret"],
        signature_method="HMAC-SHA256",
        realm="123456",
        nonce=ORACLE["nonce"],
        timestamp=ORACLE["timestamp"],
    )
    _, headers, _ = client.sign("https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40")
    params = parse_authorization(headers["Authorization"])
    assert params["realm"] == "123456"
    assert params["oauth_signature"] == "B5OIWznZ2YP0OB7VrJrGkYsTh+8H+5T9Hag+o92q0zY="


# --- over HTTP -------------------------------------------------------------------------
LIST = "/services/rest/record/v1/subsidiary"


def _signed_header(sandbox, url: str, method: str = "GET", **overrides) -> str:
    config = sandbox.config
    kwargs = {
        "client_secret": config.consumer_secret,
        "resource_owner_key": config.token_id,
        "resource_owner_secret": config.token_secret,
        "signature_method": "HMAC-SHA256",
        "realm": config.account_id,
    }
    kwargs.update(overrides)
    client = OAuthClient(kwargs.pop("client_key", config.consumer_key), **kwargs)
    _, headers, _ = client.sign(url, http_method=method)
    return headers["Authorization"]


def _assert_invalid_login(response: requests.Response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body == {
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
        "title": "Unauthorized",
        "status": 401,
        "o:errorDetails": [{"detail": INVALID_LOGIN_DETAIL, "o:errorCode": "INVALID_LOGIN"}],
    }
    assert body["o:errorDetails"][0]["detail"].startswith("Invalid login attempt.")


def _last_refusal(sandbox) -> str:
    return sandbox.login_audit_trail()[-1]["detail"]


def test_a_correctly_signed_request_is_accepted(client):
    response = client.get(LIST, params={"limit": 5, "offset": 0})
    assert response.status_code == 200, response.text
    assert response.json()["items"][0]["id"] == "1"


def test_hmac_sha1_is_refused(sandbox, make_client):
    response = make_client(signature_method="HMAC-SHA1").get(LIST)
    _assert_invalid_login(response)
    assert _last_refusal(sandbox) == "UnsupportedSignatureMethod"


def test_a_reused_nonce_is_refused(sandbox, base_url):
    url = base_url + LIST
    header = _signed_header(sandbox, url)
    assert requests.get(url, headers={"Authorization": header}, timeout=10).status_code == 200
    replay = requests.get(url, headers={"Authorization": header}, timeout=10)
    _assert_invalid_login(replay)
    assert _last_refusal(sandbox) == "NonceReused"


def test_an_unsigned_query_parameter_is_refused(sandbox, base_url):
    header = _signed_header(sandbox, base_url + LIST + "?limit=5")
    response = requests.get(base_url + LIST + "?limit=5&offset=0", headers={"Authorization": header}, timeout=10)
    _assert_invalid_login(response)
    assert _last_refusal(sandbox) == "InvalidSignature"


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_timestamp_more_than_300_seconds_away_is_refused(sandbox, base_url, skew):
    url = base_url + LIST
    header = _signed_header(sandbox, url, timestamp=str(int(time.time()) + skew))
    _assert_invalid_login(requests.get(url, headers={"Authorization": header}, timeout=10))
    assert _last_refusal(sandbox) == "InvalidTimestamp"


@pytest.mark.parametrize("nonce", ["abc12", "x" * 65, "has space1", "dash-nonce"])
def test_a_malformed_nonce_is_refused(sandbox, base_url, nonce):
    url = base_url + LIST
    _assert_invalid_login(
        requests.get(url, headers={"Authorization": _signed_header(sandbox, url, nonce=nonce)}, timeout=10)
    )
    assert _last_refusal(sandbox) == "InvalidNonce"


def test_a_timestamp_within_the_window_is_accepted(sandbox, base_url):
    url = base_url + LIST
    header = _signed_header(sandbox, url, timestamp=str(int(time.time()) - 200))
    assert requests.get(url, headers={"Authorization": header}, timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"resource_owner_secret": "0" * 64}, "InvalidSignature"),
        ({"client_secret": "0" * 64}, "InvalidSignature"),
        ({"realm": "1234567_sb1"}, "InvalidAccount"),
        ({"realm": "1234567-SB1"}, "InvalidAccount"),
        ({"client_key": "f" * 64}, "UnknownConsumerKey"),
        ({"resource_owner_key": "f" * 64}, "InvalidToken"),
    ],
    ids=[
        "wrong-token-secret",
        "wrong-consumer-secret",
        "lower-case-realm",
        "hyphen-realm",
        "unknown-key",
        "unknown-token",
    ],
)
def test_bad_credentials_are_refused_with_invalid_login(sandbox, make_client, overrides, reason):
    response = make_client(**overrides).get(LIST)
    _assert_invalid_login(response)
    assert _last_refusal(sandbox) == reason
    # The refusal never echoes a credential.
    for secret in (sandbox.config.consumer_secret, sandbox.config.token_secret, sandbox.config.token_id):
        assert secret not in response.text


def test_missing_authorization_and_revoked_token_are_refused(sandbox, client, base_url):
    _assert_invalid_login(requests.get(base_url + LIST, timeout=10))
    sandbox.revoke_token()
    _assert_invalid_login(client.get(LIST))
    assert _last_refusal(sandbox) == "InvalidToken"


def test_query_parameters_with_spaces_and_quotes_are_signed_as_sent(client):
    response = client.get(
        "/services/rest/record/v1/subsidiary", params={"q": 'name START_WITH "Parent Co"', "limit": 10}
    )
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == ["1"]


def test_the_path_is_signed_as_sent_even_percent_encoded(client, small_account):
    client.create(
        "customer", {"companyName": "Eid Co", "subsidiary": {"id": str(small_account["us"])}, "externalId": "ext-9"}
    )
    for path in ("/services/rest/record/v1/customer/eid:ext-9", "/services/rest/record/v1/customer/eid%3Aext-9"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["externalId"] == "ext-9"


def test_every_request_needs_a_fresh_signature_even_control_free_paths(sandbox, base_url):
    response = requests.get(base_url + "/services/rest/record/v1/nonexistent", timeout=10)
    _assert_invalid_login(response)
