"""Private-app bearer tokens (reference B.1, B.9)."""

from __future__ import annotations

from sandbox.hubspot import DEMO_TOKEN


def test_print_config_gives_the_base_url_and_a_token_that_works(sandbox, base_url, api):
    config = sandbox.print_config(base_url + "/")
    assert config["base_url"] == base_url
    assert config["access_token"] == DEMO_TOKEN
    assert api.get("/crm/v3/objects/contacts").status_code == 200


def test_missing_token_is_401_with_hubspots_error_json(api):
    response = api.request("GET", "/crm/v3/objects/contacts", token="")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"status", "message", "correlationId", "category"}
    assert body["category"] == "INVALID_AUTHENTICATION"
    assert body["message"].startswith("Authentication credentials not found.")


def test_unknown_token_and_other_schemes_are_401(api):
    for header in ("Bearer pat-na1-not-a-token", f"Basic {DEMO_TOKEN}", DEMO_TOKEN):
        response = api.session.get(f"{api.base_url}/crm/v3/objects/contacts", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["category"] == "INVALID_AUTHENTICATION"


def test_a_token_without_the_scope_gets_403_missing_scopes(sandbox, api):
    token = sandbox.issue_token(scopes=("crm.objects.contacts.read",))
    assert api.request("GET", "/crm/v3/objects/contacts", token=token).status_code == 200
    response = api.request("POST", "/crm/v3/objects/contacts", json={"properties": {}}, token=token)
    assert response.status_code == 403
    body = response.json()
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.contacts.write"]
    assert api.request("GET", "/crm/v3/objects/companies", token=token).status_code == 403
    # search is a read
    search = api.request("POST", "/crm/v3/objects/contacts/search", json={}, token=token)
    assert search.status_code == 200


def test_reset_forgets_issued_tokens(sandbox, api):
    token = sandbox.issue_token()
    sandbox.reset()
    assert api.request("GET", "/crm/v3/objects/contacts", token=token).status_code == 401
