"""Fixtures for the NetSuite sandbox tests: one sandbox served on a free local port,
reset before each test, and a small TBA-signing HTTP client (requests-oauthlib)."""

from __future__ import annotations

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox.common.server import SandboxServer
from sandbox.netsuite import NetSuiteSandbox

REST = "/services/rest"
RECORD = REST + "/record/v1"
SUITEQL = REST + "/query/v1/suiteql"


class Client:
    """Signs every request like a NetSuite integration does (HMAC-SHA256, realm, fresh nonce)."""

    def __init__(self, base_url: str, sandbox: NetSuiteSandbox, **overrides):
        self.base_url = base_url
        self.sandbox = sandbox
        config = sandbox.config
        self.credentials = {
            "client_key": config.consumer_key,
            "client_secret": config.consumer_secret,
            "resource_owner_key": config.token_id,
            "resource_owner_secret": config.token_secret,
            "signature_method": "HMAC-SHA256",
            "realm": config.account_id,
        }
        self.credentials.update(overrides)
        self.session = requests.Session()

    def auth(self, **overrides) -> OAuth1:
        return OAuth1(**{**self.credentials, **overrides})

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("auth", self.auth())
        kwargs.setdefault("timeout", 15)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def suiteql(self, query: str, limit: int | None = None, offset: int | None = None) -> requests.Response:
        params = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
        return self.post(SUITEQL, params=params, json={"q": query}, headers={"Prefer": "transient"})

    def rows(self, query: str) -> list[dict]:
        """All rows of a query that fits in one page (asserts it does)."""
        response = self.suiteql(query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body["hasMore"]
        return body["items"]

    def create(self, record_type: str, body: dict) -> int:
        response = self.post(f"{RECORD}/{record_type}", json=body)
        assert response.status_code == 204, response.text
        return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def served_sandbox():
    sandbox = NetSuiteSandbox()
    server = SandboxServer(sandbox).start()
    yield sandbox, server.base_url
    server.stop()


@pytest.fixture
def sandbox(served_sandbox) -> NetSuiteSandbox:
    app, _ = served_sandbox
    app.reset()
    return app


@pytest.fixture
def base_url(served_sandbox) -> str:
    return served_sandbox[1]


@pytest.fixture
def client(sandbox, base_url) -> Client:
    return Client(base_url, sandbox)


@pytest.fixture
def make_client(sandbox, base_url):
    """A client with some credentials changed (wrong secret, lower-case realm, ...)."""

    def make(**overrides) -> Client:
        return Client(base_url, sandbox, **overrides)

    return make


def _error_detail(response: requests.Response) -> tuple[str | None, str]:
    """(o:errorCode, detail) of a NetSuite error body, after checking its shape."""
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("https://")
    assert body["title"]
    (item,) = body["o:errorDetails"]
    return item.get("o:errorCode"), item["detail"]


@pytest.fixture
def error_of():
    """``error_of(response)`` -> (o:errorCode, detail), checking NetSuite's error body shape."""
    return _error_detail


@pytest.fixture
def small_account(sandbox) -> dict:
    """Two subsidiaries (plus an inactive and an elimination one), a sales rep, a partner, a lead source."""
    created = sandbox.seed(
        {
            "records": {
                "subsidiary": [
                    {"name": "US West", "parent": {"id": "1"}},
                    {"name": "UK Ltd", "parent": {"id": "1"}},
                    {"name": "Closed Branch", "parent": {"id": "1"}, "isInactive": True},
                    {"name": "Elimination", "parent": {"id": "1"}, "isElimination": True},
                ],
                "campaign": [{"title": "Web Form"}, {"title": "Old Campaign", "isInactive": True}],
                "employee": [
                    {"firstName": "Sam", "lastName": "Rep", "subsidiary": {"id": "1"}, "isSalesRep": True},
                    {"firstName": "Ops", "lastName": "Person", "subsidiary": {"id": "1"}},
                ],
                "partner": [{"companyName": "Channel Co", "subsidiary": {"id": "1"}}],
            }
        }
    )["created"]
    return {
        "us": created["subsidiary"][0],
        "uk": created["subsidiary"][1],
        "inactive_sub": created["subsidiary"][2],
        "elimination_sub": created["subsidiary"][3],
        "web_form": created["campaign"][0],
        "old_campaign": created["campaign"][1],
        "rep": created["employee"][0],
        "not_rep": created["employee"][1],
        "partner": created["partner"][0],
    }
