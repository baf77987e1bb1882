"""Test helpers for the Google sandbox: an API client that checks every answer
against the discovery document (success bodies against the method's response
schema, errors against Google's error envelope), and person builders."""

from __future__ import annotations

import jsonschema
import requests

from sandbox.google import GoogleSandbox, discovery

ERROR_ENVELOPE = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "status"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "status": {"type": "string"},
                "details": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["@type"]}},
            },
        }
    },
}

_ENVELOPE_VALIDATOR = jsonschema.Draft202012Validator(ERROR_ENVELOPE)


class PeopleApiClient:
    """A thin HTTP client of the sandbox's People API for tests; every response
    is checked against the discovery document before the test sees it."""

    def __init__(self, base_url: str, access_token: str | None):
        self.base_url = base_url
        self.session = requests.Session()
        self.access_token = access_token

    def request(self, http_method: str, path: str, *, params=None, json=None, token: str | None = None):
        headers = {}
        bearer = token if token is not None else self.access_token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self.session.request(
            http_method, f"{self.base_url}{path}", params=params, json=json, headers=headers, timeout=30
        )
        check_against_document(http_method, path, response)
        return response

    def get(self, path, **params):
        return self.request("GET", path, params=params)

    def post(self, path, body=None, **params):
        return self.request("POST", path, params=params, json=body if body is not None else {})

    def patch(self, path, body, **params):
        return self.request("PATCH", path, params=params, json=body)

    def delete(self, path, **params):
        return self.request("DELETE", path, params=params)


def check_against_document(http_method: str, path: str, response: requests.Response) -> None:
    """Fail the test when the sandbox answered outside the document: an unknown
    route that was not refused, a success body that does not fit the method's
    response schema, or an error not in Google's envelope."""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
    else:
        raise AssertionError(f"{http_method} {path}: not JSON ({response.headers.get('Content-Type')})")
    if response.status_code >= 400:
        _ENVELOPE_VALIDATOR.validate(body)
        assert body["error"]["code"] == response.status_code
        discovery.validate(body["error"], "Status", strict=False)  # strict=False: "status" is not in Status
        return
    method = discovery.find_method(http_method, path)
    assert method is not None, f"{http_method} {path} answered {response.status_code} but is not in the document"
    problems = discovery.schema_errors(body, method.response_ref)
    assert not problems, f"{method.id} response does not fit {method.response_ref}: {problems[:5]}"


def seed_people(sandbox: GoogleSandbox, *people: dict) -> list[str]:
    """Seed explicit persons; their resource names."""
    return sandbox.seed({"persons": list(people)})["resourceNames"]


def person(given: str, email: str | None = None, **fields) -> dict:
    body = {"names": [{"givenName": given, "familyName": "Test"}], **fields}
    if email:
        body["emailAddresses"] = [{"value": email, "type": "work"}]
    return body
