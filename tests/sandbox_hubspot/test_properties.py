"""``/crm/v3/properties/{objectType}`` (reference B.4)."""

from __future__ import annotations

P = "/crm/v3/properties/contacts"
SYNC_KEY = {
    "name": "contactsync_key",
    "label": "ContactSync key",
    "type": "string",
    "fieldType": "text",
    "groupName": "contactinformation",
    "hasUniqueValue": True,
}


def test_list_has_types_field_types_options_and_the_response_fields(api):
    results = api.get(P).json()["results"]
    by_name = {p["name"]: p for p in results}
    assert {"email", "firstname", "lastmodifieddate", "hs_email_optout", "lifecyclestage"} <= set(by_name)
    for prop in results:
        assert {"name", "label", "type", "fieldType", "groupName", "description", "options"} <= set(prop)
        assert prop["hubspotDefined"] is True
    assert by_name["lastmodifieddate"]["type"] == "datetime"
    assert by_name["lastmodifieddate"]["modificationMetadata"]["readOnlyValue"] is True
    stages = by_name["lifecyclestage"]
    assert stages["type"] == "enumeration" and {"lead", "customer"} <= {o["value"] for o in stages["options"]}
    companies = {p["name"] for p in api.get("/crm/v3/properties/companies").json()["results"]}
    assert {"name", "domain", "hs_lastmodifieddate"} <= companies


def test_create_a_custom_property_201_then_get_it_and_409_on_the_same_name(api):
    created = api.post(P, SYNC_KEY)
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "contactsync_key" and body["hubspotDefined"] is False and body["hasUniqueValue"] is True
    assert api.get(f"{P}/contactsync_key").json()["label"] == "ContactSync key"
    again = api.post(P, SYNC_KEY)
    assert again.status_code == 409 and again.json()["category"] == "CONFLICT"
    assert api.post(P, {**SYNC_KEY, "name": "email"}).status_code == 409


def test_a_unique_custom_property_can_be_written_and_used_as_id_property(api):
    api.post(P, SYNC_KEY)
    created = api.create_contact(email="k@example.org", contactsync_key="ns-42")
    found = api.get("/crm/v3/objects/contacts/ns-42", idProperty="contactsync_key")
    assert found.json()["id"] == created["id"]


def test_missing_property_is_404(api):
    response = api.get(f"{P}/not_there")
    assert response.status_code == 404 and response.json()["category"] == "OBJECT_NOT_FOUND"


def test_bad_definitions_are_400(api):
    for change in (
        {"label": ""},
        {"type": "text"},
        {"fieldType": "dropdown"},
        {"type": "number", "fieldType": "text"},
        {"groupName": "no_such_group"},
        {"name": "Has Spaces"},
        {"type": "enumeration", "fieldType": "select"},  # without options
        {"colour": "red"},
    ):
        response = api.post(P, {**SYNC_KEY, **change})
        assert response.status_code == 400, change


def test_enumeration_with_options_and_its_values_are_checked(api):
    tier = {
        "name": "tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "contactinformation",
        "options": [{"label": "Gold", "value": "gold"}, {"label": "Silver", "value": "silver"}],
    }
    assert api.post(P, tier).status_code == 201
    assert api.post("/crm/v3/objects/contacts", {"properties": {"tier": "gold"}}).status_code == 201
    refused = api.post("/crm/v3/objects/contacts", {"properties": {"tier": "bronze"}})
    assert refused.status_code == 400 and '"error":"INVALID_OPTION"' in refused.json()["message"]


def test_archive_a_custom_property_but_not_a_hubspot_one(api):
    api.post(P, SYNC_KEY)
    assert api.delete(f"{P}/contactsync_key").status_code == 204
    assert api.get(f"{P}/contactsync_key").status_code == 404
    assert api.delete(f"{P}/email").status_code == 400
