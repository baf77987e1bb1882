"""Every call the client makes is a method of the People API discovery document
with the same HTTP method, path and parameters, its body binds to the
method's request schema, and the answers it got fit the response schemas."""

import hashlib
import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import googleapiclient

from connections.providers.base import WriteRequest
from sandbox.google import discovery

from .conftest import person

INSTALLED_DOCUMENT = Path(googleapiclient.__file__).parent / "discovery_cache/documents/people.v1.json"


def _exercise(google, sent):
    """Drive every public operation of the client once."""
    client = google.client()
    client.transport.session.hooks["response"].append(lambda response, *a, **k: sent.append(response))
    group = client.create_contact_group("Conformance")
    client.create_contact_group("Conformance")  # 409, then the lookup
    names = google.app.seed({"persons": [person(f"C{i}", email=f"c{i}@example.com") for i in range(3)]})[
        "resourceNames"
    ]
    client.verify()
    client.field_catalog("contacts")
    pages = list(client.read_changes("contacts", None, page_size=2))
    [created] = client.create_many(
        "contacts",
        [
            WriteRequest(
                key="ns:1", values={"givenName": "New", "birthday": date(1990, 1, 2), "memberships": [group.id]}
            )
        ],
        group=group.id,
    )
    records = {r.id: r for r in client.get_many("contacts", names)}
    google.app.touch(names[0], organizations=[{"name": "Elsewhere"}])  # forces the stale-etag path
    client.update_many(
        "contacts",
        [
            WriteRequest(
                key=n,
                record_id=n,
                values={
                    "phone.mobile": "+1 555 0111",
                    "address": {"city": "Oslo", "country": "NO"},
                    "userDefined.K": "v",
                },
                fields=["phone.mobile", "address", "userDefined.K"],
                meta=records[n].meta,
            )
            for n in names
        ],
    )
    client.modify_group_members(group.id, add=names[:2], remove=[names[2]])
    client.find_by_keys(["ns:1"])
    client.find_by_emails(["c1@example.com"])
    google.app.expire_sync_tokens()
    list(client.read_changes("contacts", pages[-1].cursor))
    client.delete_many("contacts", [WriteRequest(key="d", record_id=n) for n in (created.record_id, names[2])])
    client.delete_many("contacts", [WriteRequest(key="d", record_id=names[2])])  # already gone: 404, then a check


def test_the_sandbox_checks_against_the_installed_discovery_document():
    installed = hashlib.sha256(INSTALLED_DOCUMENT.read_bytes()).hexdigest()
    assert installed == discovery.DOCUMENT_SHA256
    assert hashlib.sha256(discovery.DOCUMENT_PATH.read_bytes()).hexdigest() == installed


def test_every_call_matches_a_discovery_method_its_parameters_and_schemas(google):
    sent = []
    _exercise(google, sent)
    api_calls = [r for r in sent if urlsplit(r.request.url).path.startswith("/v1/")]
    assert api_calls

    used = set()
    problems = []
    for response in api_calls:
        request = response.request
        url = urlsplit(request.url)
        method = discovery.find_method(request.method, url.path)
        if method is None:
            problems.append(f"{request.method} {url.path}: no such method in the discovery document")
            continue
        used.add(method.id)
        query = parse_qsl(url.query, keep_blank_values=True)
        problems += [f"{method.id} ?{name}: {message}" for name, message in discovery.check_query(method, query)]
        if method.request_ref:
            body = json.loads(request.body)
            problems += [f"{method.id} body: {m}" for _, m in discovery.request_body_problems(body, method.request_ref)]
        elif request.body:
            problems.append(f"{method.id}: sends a body but the method takes none")
        if response.status_code < 400 and method.response_ref:
            problems += [
                f"{method.id} answer: {m}" for m in discovery.schema_errors(response.json(), method.response_ref)
            ]
    assert problems == []
    assert used == {
        "people.people.get",
        "people.people.connections.list",
        "people.people.getBatchGet",
        "people.people.batchCreateContacts",
        "people.people.batchUpdateContacts",
        "people.people.batchDeleteContacts",
        "people.contactGroups.list",
        "people.contactGroups.create",
        "people.contactGroups.members.modify",
    }
    # The exercise took the recovery paths it means to check.
    statuses = {(r.request.method, urlsplit(r.request.url).path, r.status_code) for r in api_calls}
    assert ("POST", "/v1/people:batchUpdateContacts", 400) in statuses
    assert ("POST", "/v1/contactGroups", 409) in statuses
    assert ("POST", "/v1/people:batchDeleteContacts", 404) in statuses
    assert ("GET", "/v1/people/me/connections", 400) in statuses
