"""Unique-value properties and ``batch/upsert`` (reference B.2, B.4, B.6)."""

from __future__ import annotations

import pytest

C = "/crm/v3/objects/contacts"
KEY = {
    "name": "sync_key",
    "label": "Sync key",
    "type": "string",
    "fieldType": "text",
    "groupName": "contactinformation",
    "hasUniqueValue": True,
}


@pytest.fixture
def keyed(api):
    assert api.post("/crm/v3/properties/contacts", KEY).status_code == 201
    return api


def test_a_unique_value_held_by_another_record_is_400(keyed):
    first = keyed.create_contact(sync_key="k1")
    response = keyed.post(C, {"properties": {"sync_key": "k1"}})
    assert response.status_code == 400
    assert response.json()["message"].endswith(f"{first['id']} already has that value.")
    second = keyed.create_contact(sync_key="k2")
    assert keyed.patch(f"{C}/{second['id']}", {"properties": {"sync_key": "k1"}}).status_code == 400
    twice = {"inputs": [{"properties": {"sync_key": "k3"}}, {"properties": {"sync_key": "k3"}}]}
    assert keyed.post(f"{C}/batch/create", twice).status_code == 400
    # archiving frees the value
    keyed.delete(f"{C}/{first['id']}")
    assert keyed.post(C, {"properties": {"sync_key": "k1"}}).status_code == 201


def test_upsert_creates_then_updates_and_says_which(keyed):
    body = {"inputs": [{"id": "ns-1", "idProperty": "sync_key", "properties": {"firstname": "Ann"}}]}
    first = keyed.post(f"{C}/batch/upsert", body)
    assert first.status_code == 200
    created = first.json()["results"][0]
    assert created["new"] is True and created["properties"]["sync_key"] == "ns-1"
    body["inputs"][0]["properties"] = {"firstname": "Anne"}
    second = keyed.post(f"{C}/batch/upsert", body).json()["results"][0]
    assert second["new"] is False and second["id"] == created["id"]
    assert second["properties"]["firstname"] == "Anne"
    assert len(keyed.get(C).json()["results"]) == 1


def test_upsert_refusals(keyed):
    keyed.create_contact(email="taken@example.org")
    for inputs in (
        [{"id": "a@example.org", "idProperty": "email", "properties": {}}],  # email: refused (UNCERTAIN)
        [{"id": "1", "idProperty": "firstname", "properties": {}}],  # not a unique property
        [{"id": "k", "idProperty": "sync_key", "properties": {"sync_key": "other"}}],
        [{"id": "k", "idProperty": "sync_key", "properties": {}}] * 2,
    ):
        assert keyed.post(f"{C}/batch/upsert", {"inputs": inputs}).status_code == 400, inputs
    conflict = keyed.post(
        f"{C}/batch/upsert",
        {"inputs": [{"id": "n", "idProperty": "sync_key", "properties": {"email": "taken@example.org"}}]},
    )
    assert conflict.status_code == 409
    assert len(keyed.get(C).json()["results"]) == 1  # nothing written by the refused batches
