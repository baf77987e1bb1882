"""The metadata catalog: standard and custom fields of customer and contact, typed."""

import pytest

CATALOG = "/services/rest/record/v1/metadata-catalog"
SCHEMA = {"Accept": "application/schema+json"}


def test_catalog_lists_the_record_types(client):
    body = client.get(CATALOG).json()
    names = {item["name"] for item in body["items"]}
    assert {"customer", "contact", "subsidiary", "employee", "partner", "campaign"} <= names


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("custentity_vip", {"type": "boolean"}),
        ("custentity_nickname", {"type": "string"}),
        ("custentity_billing_email", {"type": "string", "format": "email"}),
        ("custentity_assistant_phone", {"type": "string", "format": "phone"}),
        ("custentity_renewal_date", {"type": "string", "format": "date"}),
        ("custentity_seats", {"type": "integer"}),
        ("custentity_discount_rate", {"type": "number"}),
        ("custentity_loyalty_tier", {"type": "object"}),
        ("custentity_interests", {"type": "object"}),
    ],
)
def test_custom_fields_of_every_type_are_in_the_customer_schema(client, field, expected):
    response = client.get(f"{CATALOG}/customer", headers=SCHEMA)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/schema+json")
    prop = response.json()["properties"][field]
    assert prop["x-ns-custom-field"] is True
    assert prop["title"]
    for key, value in expected.items():
        assert prop[key] == value


def test_list_record_fields_carry_their_options(client):
    properties = client.get(f"{CATALOG}/contact", headers=SCHEMA).json()["properties"]
    tier = properties["custentity_loyalty_tier"]
    assert tier["properties"]["id"]["enum"] == ["1", "2", "3"]
    assert tier["x-ns-select-options"] == [
        {"id": "1", "refName": "Gold"},
        {"id": "2", "refName": "Silver"},
        {"id": "3", "refName": "Bronze"},
    ]
    interests = properties["custentity_interests"]
    assert interests["properties"]["items"]["type"] == "array"
    assert {"id": "3", "refName": "Music"} in interests["x-ns-select-options"]


def test_standard_fields_are_typed_and_not_marked_custom(client, small_account):
    properties = client.get(f"{CATALOG}/customer", headers=SCHEMA).json()["properties"]
    assert properties["email"]["format"] == "email"
    assert properties["isPerson"]["type"] == "boolean"
    assert properties["lastModifiedDate"] == {
        "title": "Last Modified Date",
        "type": "string",
        "format": "date-time",
        "readOnly": True,
        "nullable": True,
    }
    assert "x-ns-custom-field" not in properties["companyName"]
    assert properties["companyName"]["maxLength"] == 83
    reps = properties["salesRep"]["x-ns-select-options"]
    assert reps == [{"id": str(small_account["rep"]), "refName": "Sam Rep"}]  # sales reps only, active only
    subsidiaries = {o["id"] for o in properties["subsidiary"]["x-ns-select-options"]}
    assert str(small_account["elimination_sub"]) not in subsidiaries
    assert str(small_account["inactive_sub"]) not in subsidiaries


def test_contact_schema_has_contact_fields_and_not_customer_only_ones(client):
    properties = client.get(f"{CATALOG}/contact", headers=SCHEMA).json()["properties"]
    assert properties["company"]["type"] == "object"
    assert "custentity_vip" in properties
    assert "custentity_notes" not in properties  # applies to customers only
    assert "companyName" not in properties


def test_schema_needs_the_schema_accept_header(client):
    assert client.get(f"{CATALOG}/customer").status_code == 406
    assert client.get(f"{CATALOG}/spaceship", headers=SCHEMA).status_code == 404


def test_seeded_custom_fields_appear_in_the_catalog(client, sandbox):
    sandbox.seed(
        {
            "customLists": [{"name": "customlist_region", "options": {"1": "North", "2": "South"}}],
            "customFields": [
                {"scriptId": "custentity_region", "label": "Region", "type": "select", "list": "customlist_region"},
                {"scriptId": "custentity_golf", "label": "Plays golf", "type": "checkbox", "appliesTo": ["contact"]},
            ],
        }
    )
    contact = client.get(f"{CATALOG}/contact", headers=SCHEMA).json()["properties"]
    assert contact["custentity_region"]["x-ns-select-options"][1] == {"id": "2", "refName": "South"}
    assert contact["custentity_golf"]["type"] == "boolean"
    customer = client.get(f"{CATALOG}/customer", headers=SCHEMA).json()["properties"]
    assert "custentity_golf" not in customer
