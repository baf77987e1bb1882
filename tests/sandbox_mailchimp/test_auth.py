"""Auth (reference C.1, C.6): HTTP Basic with the API key; the key's data-center suffix must be the sandbox's."""

from __future__ import annotations

import requests

from .helpers import check_error


def test_any_user_name_with_the_key_is_accepted(api, config):
    response = requests.get(f"{config['base_url']}/ping", auth=("whatever-user", config["api_key"]), timeout=5)
    assert response.status_code == 200 and response.json() == {"health_status": "Everything's Chimpy!"}
    assert api.get("/lists").json()["lists"][0]["id"] == config["list_id"]


def test_an_unknown_key_of_this_data_center_is_401_api_key_invalid(api, config):
    response = api.request("GET", "/lists", key="ffffffffffffffffffffffffffffffff-us6")
    assert response.status_code == 401
    body = check_error(response)
    assert body["title"] == "API Key Invalid"
    assert body["detail"] == "Your API key may be invalid, or you've attempted to access the wrong datacenter."
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_key_without_data_center_is_401(api):
    assert api.request("GET", "/lists", key="0123456789abcdef0123456789abcdef").status_code == 401


def test_a_key_of_another_data_center_is_403_wrong_datacenter(api, config):
    key = config["api_key"].replace("-us6", "-us14")
    response = api.request("GET", "/lists", key=key)
    assert response.status_code == 403 and check_error(response)["title"] == "Wrong Datacenter"


def test_the_data_center_is_configured(make_server):
    sandbox, api = make_server(dc="us14", api_keys=("abcdefabcdefabcdefabcdefabcdef12-us14",))
    assert api.get("/lists").status_code == 200
    assert api.request("GET", "/lists", key="abcdefabcdefabcdefabcdefabcdef12-us6").status_code == 403


def test_no_credentials_is_401_api_key_missing(api, config):
    response = api.request("GET", "/lists", auth=False)
    assert response.status_code == 401 and check_error(response)["title"] == "API Key Missing"
    bearer = requests.get(
        f"{config['base_url']}/lists", headers={"Authorization": f"Bearer {config['api_key']}"}, timeout=5
    )
    assert bearer.status_code == 401


def test_unknown_paths_and_methods(api, list_id, config):
    response = api.get("/nothing-here")
    assert response.status_code == 404 and check_error(response)["title"] == "Resource Not Found"
    assert api.get("/lists/nolist/members").status_code == 404
    response = api.put(f"/lists/{list_id}/members", {})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    # Outside /3.0 nothing answers (the API's version is part of its base URL).
    outside = requests.get(config["base_url"].replace("/3.0", "") + "/lists", auth=("u", config["api_key"]), timeout=5)
    assert outside.status_code == 404
    # Documented calls that are not simulated say so loudly.
    assert api.post("/lists", {"name": "x"}).status_code == 501
