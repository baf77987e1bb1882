"""Batching, error envelopes, backoff and OAuth URLs (pure functions, no HTTP)."""

import json
from urllib.parse import parse_qs, urlsplit

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
from connections.providers.fields import FieldOption, FieldType
from connections.providers.google_contacts.api_errors import ExpiredSyncToken, error_from_http, error_from_status
from connections.providers.google_contacts.batching import chunks, member_changes
from connections.providers.google_contacts.catalog import build_catalog
from connections.providers.google_contacts.oauth import GoogleOAuthEndpoints, authorization_url
from connections.providers.google_contacts.transport import GoogleApiTransport
from connections.providers.http import parse_retry_after


def test_chunks_split_450_into_200_200_50():
    assert [len(c) for c in chunks(list(range(450)), 200)] == [200, 200, 50]
    assert list(chunks([], 200)) == []


def test_member_changes_stay_within_the_combined_limit():
    parts = list(member_changes([f"a{i}" for i in range(1500)], [f"r{i}" for i in range(700)]))
    assert all(len(add) + len(remove) <= 1000 for add, remove in parts)
    assert sum(len(a) for a, _ in parts) == 1500 and sum(len(r) for _, r in parts) == 700


def _envelope(code, status, message="m", reason=None):
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "x"}] if reason else []
    return json.dumps({"error": {"code": code, "message": message, "status": status, "details": details}})


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, _envelope(400, "FAILED_PRECONDITION", reason="EXPIRED_SYNC_TOKEN"), ExpiredSyncToken),
        (400, _envelope(400, "INVALID_ARGUMENT", reason="EXPIRED_SYNC_TOKEN"), ExpiredSyncToken),
        (400, _envelope(400, "FAILED_PRECONDITION"), Conflict),
        (400, _envelope(400, "INVALID_ARGUMENT"), ValidationError),
        (401, _envelope(401, "UNAUTHENTICATED"), AuthenticationError),
        (403, _envelope(403, "PERMISSION_DENIED"), PermissionDenied),
        (403, _envelope(403, "PERMISSION_DENIED", reason="RATE_LIMIT_EXCEEDED"), RateLimited),
        (404, _envelope(404, "NOT_FOUND"), NotFound),
        (409, _envelope(409, "ALREADY_EXISTS"), Conflict),
        (429, _envelope(429, "RESOURCE_EXHAUSTED", reason="RATE_LIMIT_EXCEEDED"), RateLimited),
        (503, _envelope(503, "UNAVAILABLE"), Unavailable),
        (502, "<html>bad gateway</html>", Unavailable),
    ],
)
def test_error_envelope_maps_to_typed_errors(status, body, expected):
    error = error_from_http(status, body)
    assert type(error) is expected
    assert error.status == status


def test_expired_sync_token_keyed_on_reason_and_message_kept():
    body = _envelope(400, "FAILED_PRECONDITION", "Sync token is expired.", "EXPIRED_SYNC_TOKEN")
    error = error_from_http(400, body)
    assert error.code == "EXPIRED_SYNC_TOKEN" and "Sync token is expired." in error.message


def test_batch_status_maps_rpc_codes():
    assert error_from_status(None) is None
    assert error_from_status({"code": 0}) is None
    error = error_from_status({"code": 9, "message": "etag"}, record="people/c1")
    assert isinstance(error, Conflict) and "people/c1" in error.message
    assert isinstance(error_from_status({"code": 3, "message": "bad"}), ValidationError)
    assert isinstance(error_from_status({"code": 5}), NotFound)


def test_retry_after_in_seconds_or_http_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_backoff_grows_exponentially_with_jitter_and_is_capped_at_a_minute():
    transport = GoogleApiTransport(
        GoogleOAuthEndpoints.for_base_url(None),
        client_id="cid",
        client_secret="secret",
        credentials={"refresh_token": "r"},
        max_retries=9,
    )
    sleeps = []

    def unavailable():
        raise Unavailable("down")

    with pytest.raises(Unavailable):
        transport.retry_policy.call(unavailable, sleep=sleeps.append)
    assert len(sleeps) == 9
    for attempt, delay in enumerate(sleeps):
        ceiling = min(64.0, 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_endpoints_for_real_google_and_for_a_sandbox():
    real = GoogleOAuthEndpoints.for_base_url(None)
    assert real.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert real.token_url == "https://oauth2.googleapis.com/token"
    assert real.api_base_url == "https://people.googleapis.com"
    box = GoogleOAuthEndpoints.for_base_url("http://127.0.0.1:8802/")
    assert (box.authorize_url, box.token_url, box.api_base_url) == (
        "http://127.0.0.1:8802/o/oauth2/v2/auth",
        "http://127.0.0.1:8802/token",
        "http://127.0.0.1:8802",
    )


def test_authorization_url_asks_for_contacts_offline_with_consent():
    url = authorization_url(GoogleOAuthEndpoints.for_base_url(None), "cid", "https://app/cb", "st4te")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://accounts.google.com/o/oauth2/v2/auth"
    assert query["scope"].split() == [
        "https://www.googleapis.com/auth/contacts",
        "https://www.googleapis.com/auth/userinfo.email",
    ]
    assert query == dict(
        query,
        client_id="cid",
        redirect_uri="https://app/cb",
        state="st4te",
        response_type="code",
        access_type="offline",
        prompt="consent",
        include_granted_scopes="true",
    )


def test_catalog_has_canonical_ids_groups_and_user_defined_fields():
    catalog = build_catalog([FieldOption("contactGroups/vip", "VIP")], ["Tier", "Ref", "Tier"])
    by_id = {f.id: f for f in catalog}
    assert list(by_id)[:15] == [
        "givenName", "familyName", "email", "phone.work", "phone.mobile", "phone.home", "phone.other",
        "organization.name", "organization.title", "address", "address.work", "address.home", "notes",
        "birthday", "url",
    ]  # fmt: skip
    assert by_id["memberships"].type is FieldType.GROUPS
    assert by_id["memberships"].options == (FieldOption("contactGroups/vip", "VIP"),)
    assert by_id["birthday"].type is FieldType.DATE and by_id["address"].type is FieldType.ADDRESS
    assert by_id["userDefined.Tier"].custom and by_id["userDefined.Tier"].type is FieldType.TEXT
    assert [f.id for f in catalog if f.custom] == ["userDefined.Ref", "userDefined.Tier"]
