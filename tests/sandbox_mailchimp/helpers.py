"""A thin HTTP client of the Mailchimp sandbox for tests; every error answer is
checked to be Mailchimp's problem detail (reference C.6)."""

from __future__ import annotations

import hashlib
import re

import requests

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def md5(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode()).hexdigest()  # noqa: S324 - Mailchimp's member id


def check_error(response) -> dict:
    """The error body, after checking its shape: type, title, status, detail, instance."""
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}, body
    assert body["status"] == response.status_code, body
    assert body["type"].startswith("https://mailchimp.com/developer/"), body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert UUID.match(body["instance"]), body
    return body


class MailchimpApi:
    """requests with HTTP Basic (any user name, the key as password); error answers are shape-checked."""

    def __init__(self, base_url: str, key: str | None):
        self.base_url = base_url
        self.key = key
        self.session = requests.Session()

    def request(self, method: str, path: str, *, params=None, json=None, key: str | None = None, auth=True):
        secret = self.key if key is None else key
        response = self.session.request(
            method,
            f"{self.base_url}{path}",
            params=params,
            json=json,
            auth=("anystring", secret) if auth else None,
            timeout=30,
        )
        if response.status_code >= 400 and response.status_code != 501:
            check_error(response)
        return response

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def post(self, path, body, **params):
        return self.request("POST", path, params=params, json=body)

    def put(self, path, body, **params):
        return self.request("PUT", path, params=params, json=body)

    def patch(self, path, body, **params):
        return self.request("PATCH", path, params=params, json=body)

    def delete(self, path):
        return self.request("DELETE", path)

    def add(self, list_id: str, email: str, status: str = "subscribed", **fields) -> dict:
        response = self.post(f"/lists/{list_id}/members", {"email_address": email, "status": status, **fields})
        assert response.status_code == 200, response.text
        return response.json()
