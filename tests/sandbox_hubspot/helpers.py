"""A thin HTTP client of the HubSpot sandbox for tests; every error answer is
checked to have HubSpot's error JSON (reference B.9)."""

from __future__ import annotations

import re

import requests

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def check_error(response) -> dict:
    """The error body, after checking its shape: status "error", message, correlationId, category."""
    body = response.json()
    assert body["status"] == "error", body
    assert isinstance(body["message"], str) and body["message"], body
    assert UUID.match(body["correlationId"]), body
    if response.status_code == 429:
        assert body["errorType"] == "RATE_LIMIT" and body["policyName"], body
    else:
        assert isinstance(body["category"], str) and body["category"], body
    return body


class HubSpotApi:
    """requests with the bearer token; error answers are shape-checked."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def request(self, method: str, path: str, *, params=None, json=None, token: str | None = None):
        headers = {}
        bearer = self.token if token is None else token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self.session.request(
            method, f"{self.base_url}{path}", params=params, json=json, headers=headers, timeout=30
        )
        if response.status_code >= 400:
            check_error(response)
        return response

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def post(self, path, body, **params):
        return self.request("POST", path, params=params, json=body)

    def patch(self, path, body, **params):
        return self.request("PATCH", path, params=params, json=body)

    def put(self, path, body=None):
        return self.request("PUT", path, json=body)

    def delete(self, path):
        return self.request("DELETE", path)

    def create_contact(self, **properties) -> dict:
        response = self.post("/crm/v3/objects/contacts", {"properties": properties})
        assert response.status_code == 201, response.text
        return response.json()

    def create_company(self, **properties) -> dict:
        response = self.post("/crm/v3/objects/companies", {"properties": properties})
        assert response.status_code == 201, response.text
        return response.json()
