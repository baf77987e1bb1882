"""Conformance: HubSpot's official Python client (hubspot-api-client 12.0.0, generated
from HubSpot's OpenAPI specs) talks to the sandbox and parses its answers and errors.

The client deserialises every answer into its spec models (required fields checked),
so a call that succeeds here means the sandbox's shapes fit the published specs.
"""

from __future__ import annotations

import json
import re

import hubspot  # requirements-dev.txt pins it: a missing client fails here rather than skipping
import pytest
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
)
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts.exceptions import ApiException
from hubspot.crm.properties import PropertyCreate


@pytest.fixture
def client(sandbox, base_url):
    return hubspot.Client.create(access_token=sandbox.print_config(base_url)["access_token"], host=base_url)


def test_get_page_and_paging(sandbox, client):
    sandbox.seed({"generate": {"contacts": 15}})
    page = client.crm.contacts.basic_api.get_page(limit=10, properties=["email", "firstname"])
    assert len(page.results) == 10 and page.paging.next.after
    assert set(page.results[0].properties) == {"email", "firstname"}
    rest = client.crm.contacts.basic_api.get_page(limit=10, after=page.paging.next.after)
    assert len(rest.results) == 5 and rest.paging is None
    assert client.crm.companies.basic_api.get_page().results == []


def test_batch_create_then_search(client):
    inputs = [SimplePublicObjectInputForCreate(properties={"email": f"o{i}@example.org"}) for i in range(3)]
    created = client.crm.contacts.batch_api.create(
        batch_input_simple_public_object_batch_input_for_create=BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=inputs
        )
    )
    assert created.status == "COMPLETE" and len(created.results) == 3
    request = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": "email", "operator": "EQ", "value": "o1@example.org"}]}],
        sorts=[{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
        properties=["email"],
        limit=10,
    )
    found = client.crm.contacts.search_api.do_search(public_object_search_request=request)
    assert found.total == 1 and found.results[0].properties["email"] == "o1@example.org"
    # a 207 with errors[] parses into the client's model (StandardError's required fields included)
    read = client.crm.contacts.batch_api.read(
        batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
            inputs=[{"id": created.results[0].id}, {"id": "987654"}], properties=["email"], properties_with_history=[]
        )
    )
    assert len(read.results) == 1 and read.num_errors == 1
    assert read.errors[0].category == "OBJECT_NOT_FOUND" and read.errors[0].context == {"ids": ["987654"]}


def test_properties_get_all_and_create(client):
    props = client.crm.properties.core_api.get_all(object_type="contacts")
    names = {p.name for p in props.results}
    assert {"email", "lastmodifieddate", "lifecyclestage"} <= names
    created = client.crm.properties.core_api.create(
        object_type="contacts",
        property_create=PropertyCreate(
            name="contactsync_key", label="Key", type="string", field_type="text", group_name="contactinformation"
        ),
    )
    assert created.name == "contactsync_key" and created.hubspot_defined is False


def test_associations_v4(client):
    contact = client.crm.contacts.basic_api.create(
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(properties={"email": "a@example.org"})
    )
    company = client.crm.companies.basic_api.create(
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(properties={"name": "Acme"})
    )
    client.crm.associations.v4.basic_api.create_default(
        from_object_type="contacts", from_object_id=contact.id, to_object_type="companies", to_object_id=company.id
    )
    labelled = client.crm.associations.v4.basic_api.create(
        object_type="contacts",
        object_id=contact.id,
        to_object_type="companies",
        to_object_id=company.id,
        association_spec=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=1)],
    )
    assert labelled.to_object_id == company.id  # the client types ids as strings
    page = client.crm.associations.v4.basic_api.get_page(
        object_type="contacts", object_id=contact.id, to_object_type="companies"
    )
    assert sorted(t.type_id for t in page.results[0].association_types) == [1, 279]
    batch = client.crm.associations.v4.batch_api.create(
        from_object_type="companies",
        to_object_type="contacts",
        batch_input_public_association_multi_post=BatchInputPublicAssociationMultiPost(
            inputs=[
                {
                    "from": {"id": company.id},
                    "to": {"id": contact.id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}],
                }
            ]
        ),
    )
    assert batch.status == "COMPLETE"
    read = client.crm.associations.v4.batch_api.get_page(
        from_object_type="companies",
        to_object_type="contacts",
        batch_input_public_fetch_associations_batch_request=BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[{"id": company.id}]
        ),
    )
    assert read.results[0].to[0].to_object_id == contact.id


def _api_exception(call) -> ApiException:
    with pytest.raises(ApiException) as caught:
        call()
    return caught.value


def test_its_error_parsing_reads_401_409_and_429(sandbox, base_url, client, make_server):
    bad = hubspot.Client.create(access_token="pat-na1-wrong", host=base_url)
    error = _api_exception(lambda: bad.crm.contacts.basic_api.get_page())
    assert error.status == 401 and json.loads(error.body)["category"] == "INVALID_AUTHENTICATION"

    create = SimplePublicObjectInputForCreate(properties={"email": "dup@example.org"})
    first = client.crm.contacts.basic_api.create(simple_public_object_input_for_create=create)
    error = _api_exception(lambda: client.crm.contacts.basic_api.create(simple_public_object_input_for_create=create))
    assert error.status == 409
    assert re.search(r"Existing ID:\s*(\d+)", json.loads(error.body)["message"]).group(1) == first.id

    limited, limited_api = make_server(ten_second_limit=1)
    limited.clock = lambda: 1_000_000.0
    limited_client = hubspot.Client.create(access_token=limited.config.token, host=limited_api.base_url)
    limited_client.crm.contacts.basic_api.get_page()
    error = _api_exception(lambda: limited_client.crm.contacts.basic_api.get_page())
    assert error.status == 429 and json.loads(error.body)["policyName"] == "TEN_SECONDLY_ROLLING"


def test_search_429_from_the_client(make_server):
    app, api = make_server()
    app.clock = lambda: 1_000_000.0  # the same second for every call
    client = hubspot.Client.create(access_token=app.config.token, host=api.base_url)
    for _ in range(5):
        client.crm.contacts.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(limit=1))
    error = _api_exception(
        lambda: client.crm.contacts.search_api.do_search(public_object_search_request=PublicObjectSearchRequest())
    )
    assert error.status == 429 and json.loads(error.body)["message"] == "You have reached your secondly limit."
