"""The sandbox against the discovery document: the vendored copy, its routes, its
query parameters, and the translation of its schemas into JSON Schema."""

from __future__ import annotations

import hashlib
from pathlib import Path

import googleapiclient
import jsonschema
import pytest

from sandbox.google import discovery
from sandbox.google.app import ROUTES
from sandbox.google.person_fields import READ_FIELDS, UPDATABLE_FIELDS

from .helpers import person, seed_people


def test_vendored_document_is_the_pinned_one_shipped_with_the_client_library():
    vendored = discovery.DOCUMENT_PATH.read_bytes()
    assert hashlib.sha256(vendored).hexdigest() == discovery.DOCUMENT_SHA256
    shipped = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "people.v1.json"
    assert shipped.read_bytes() == vendored
    assert discovery.load_document()["revision"] == "20251117"


def test_every_route_the_sandbox_serves_is_a_method_of_the_document():
    for method_id in ROUTES:
        method = discovery.method_by_id(method_id)  # KeyError when the document has no such method
        assert method.http_method in ("GET", "POST", "PATCH", "PUT", "DELETE")


def _concrete_path(flat_path: str, contact: str, group: str) -> str:
    return "/" + flat_path.replace("{peopleId}", contact.split("/")[1]).replace(
        "{contactGroupsId}", group.split("/")[1]
    )


def test_each_served_route_answers_at_the_documents_method_and_path(api, sandbox):
    contact = seed_people(sandbox, person("A"))[0]
    group = sandbox.seed({"contactGroups": ["G"]})["contactGroups"][0]
    deletes_last = sorted(ROUTES, key=lambda method_id: "delete" in method_id.lower())
    for method_id in deletes_last:
        method = discovery.method_by_id(method_id)
        if method_id == "people.people.connections.list":
            path = "/v1/people/me/connections"
        else:
            path = _concrete_path(method.flat_path, contact, group)
        response = api.request(method.http_method, path, json={} if method.request_ref else None)
        assert response.status_code not in (404, 405, 501), (method_id, response.text)
        for other in {"GET", "POST", "PATCH", "PUT", "DELETE"} - {method.http_method}:
            if discovery.find_method(other, path) is None:
                wrong = api.request(other, path, json={})
                assert wrong.status_code == 404, (method_id, other)


def test_paths_outside_the_document_are_404(api):
    for http_method, path in (
        ("POST", "/v1/people:deleteEverything"),
        ("GET", "/v1/people/me:createContact"),
        ("POST", "/v1/people/c1:updateContact"),  # PATCH in the document
        ("GET", "/v1/people/c1/connections/extra"),
    ):
        assert api.request(http_method, path, json={}).status_code == 404, path


def _listed_values(method_id: str, parameter: str) -> list[str]:
    description = discovery.method_by_id(method_id).parameters[parameter]["description"]
    return [item.strip() for item in description.split("Valid values are:")[1].split("* ")[1:]]


def test_field_mask_paths_are_the_documents():
    assert list(READ_FIELDS) == _listed_values("people.people.get", "personFields")
    assert list(UPDATABLE_FIELDS) == _listed_values("people.people.updateContact", "updatePersonFields")


def test_find_method_matches_single_segments_and_custom_verbs():
    assert discovery.find_method("GET", "/v1/people/c123").id == "people.people.get"
    assert discovery.find_method("PATCH", "v1/people/c123:updateContact").id == "people.people.updateContact"
    assert discovery.find_method("GET", "/v1/people/me/connections?personFields=names").id == (
        "people.people.connections.list"
    )
    assert discovery.find_method("POST", "/v1/contactGroups/abc/members:modify").id == (
        "people.contactGroups.members.modify"
    )
    assert discovery.find_method("GET", "/v1/people/c1:updateContact") is None
    method = discovery.method_by_id("people.people.deleteContact")
    assert method.path_variables("/v1/people/c9:deleteContact") == {"peopleId": "c9"}


def test_check_query_binds_like_google():
    method = discovery.method_by_id("people.people.connections.list")
    ok = [("personFields", "names"), ("sources", "READ_SOURCE_TYPE_CONTACT"), ("sources", "READ_SOURCE_TYPE_PROFILE")]
    assert discovery.check_query(method, ok + [("prettyPrint", "false"), ("pageSize", "10")]) == []
    problems = dict(
        discovery.check_query(
            method,
            [("foo", "1"), ("pageSize", "ten"), ("requestSyncToken", "yes"), ("sortOrder", "RANDOM")],
        )
    )
    assert set(problems) == {"foo", "pageSize", "requestSyncToken", "sortOrder"}
    assert "Cannot bind query parameter" in problems["foo"]
    assert discovery.check_query(method, [("pageSize", "1"), ("pageSize", "2")])


def test_schema_translation_follows_refs_types_enums_and_maps():
    discovery.validate({"names": [{"givenName": "A", "metadata": {"source": {"type": "CONTACT"}}}]}, "Person")
    with pytest.raises(jsonschema.ValidationError):
        discovery.validate({"names": [{"givenName": 5}]}, "Person")
    with pytest.raises(jsonschema.ValidationError):
        discovery.validate({"names": [{"metadata": {"source": {"type": "SOMETHING"}}}]}, "Person")
    with pytest.raises(jsonschema.ValidationError):
        discovery.validate({"shoeSize": 44}, "Person")
    discovery.validate({"shoeSize": 44}, "Person", strict=False)
    with pytest.raises(jsonschema.ValidationError):
        discovery.validate({"contacts": {"people/c1": {"names": "Ann"}}}, "BatchUpdateContactsRequest")
    discovery.validate({"code": 3, "details": [{"@type": "x", "anything": [1, {"a": None}]}]}, "Status")
    schema = discovery.json_schema("ContactToCreate")
    assert schema["$ref"] == "#/$defs/ContactToCreate" and "Person" in schema["$defs"]


def test_request_body_problems_use_googles_messages():
    problems = discovery.request_body_problems({"names": [{"givenName": "A", "nick": 1}]}, "Person", "person")
    assert problems == [
        (
            "person.names[0]",
            "Invalid JSON payload received. Unknown name \"nick\" at 'person.names[0]': Cannot find field.",
        )
    ]
    typed = discovery.request_body_problems({"emailAddresses": [{"value": 7}]}, "Person", "person")
    assert typed == [
        ("person.email_addresses[0].value", "Invalid value at 'person.email_addresses[0].value' (TYPE_STRING), 7")
    ]


def test_generated_people_and_listings_fit_the_response_schemas(api, sandbox):
    sandbox.seed({"generate": {"contacts": 200, "seed": 7}})
    all_fields = ",".join(READ_FIELDS)
    body = api.get("/v1/people/me/connections", personFields=all_fields, pageSize=200, requestSyncToken="true").json()
    assert discovery.schema_errors(body, "ListConnectionsResponse") == []
    for field in ("emailAddresses", "phoneNumbers", "organizations", "addresses", "biographies", "birthdays", "urls"):
        assert any(field in p for p in body["connections"]), field
    sandbox.delete(body["connections"][0]["resourceName"])
    changes = api.get(
        "/v1/people/me/connections",
        personFields=all_fields,
        pageSize=200,
        requestSyncToken="true",
        syncToken=body["nextSyncToken"],
    ).json()
    assert discovery.schema_errors(changes, "ListConnectionsResponse") == []
    assert changes["connections"][0]["metadata"] == {"deleted": True}
