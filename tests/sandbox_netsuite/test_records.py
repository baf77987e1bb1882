"""The record service: create, read, update, upsert, delete, validation and paging."""

import re

import pytest

RECORD = "/services/rest/record/v1"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _company(small_account, **extra) -> dict:
    return {"companyName": "Acme Inc", "subsidiary": {"id": str(small_account["us"])}, **extra}


def test_create_answers_204_with_location_and_no_body(client, small_account):
    response = client.post(f"{RECORD}/customer", json=_company(small_account, email="ap@acme.example.com"))
    assert response.status_code == 204
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith(client.base_url + f"{RECORD}/customer/")
    new_id = location.rsplit("/", 1)[1]
    assert new_id.isdigit()

    record = client.get(f"{RECORD}/customer/{new_id}").json()
    assert record["id"] == new_id
    assert record["companyName"] == "Acme Inc"
    assert record["isPerson"] is False
    assert record["entityId"] == "Acme Inc"
    assert record["subsidiary"]["id"] == str(small_account["us"])
    assert record["subsidiary"]["refName"] == "US West"
    assert record["subsidiary"]["links"][0]["href"].endswith(f"/subsidiary/{small_account['us']}")
    assert ISO_Z.match(record["lastModifiedDate"]) and ISO_Z.match(record["dateCreated"])
    assert "phone" not in record  # empty fields are omitted


def test_references_and_custom_fields_round_trip(client, small_account):
    body = {
        "isPerson": True,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "subsidiary": {"id": small_account["uk"]},
        "salesRep": {"id": str(small_account["rep"])},
        "partner": {"id": str(small_account["partner"])},
        "leadSource": {"id": str(small_account["web_form"])},
        "globalSubscriptionStatus": {"id": "3"},
        "custentity_vip": True,
        "custentity_nickname": "Countess",
        "custentity_renewal_date": "2027-01-31",
        "custentity_loyalty_tier": {"id": "1"},
        "custentity_interests": {"items": [{"id": "3"}, {"id": "1"}]},
        "custentity_seats": 12,
        "custentity_discount_rate": 0.15,
        "custentity_billing_email": "billing@example.com",
        "custentity_assistant_phone": "555-010-9999",
    }
    record_id = client.create("customer", body)
    record = client.get(f"{RECORD}/customer/{record_id}").json()
    assert record["entityId"] == "Ada Lovelace"
    assert record["salesRep"]["refName"] == "Sam Rep"
    assert record["partner"]["refName"] == "Channel Co"
    assert record["leadSource"]["refName"] == "Web Form"
    assert record["globalSubscriptionStatus"] == {"links": [], "id": "3", "refName": "Confirmed Opt-In"}
    assert record["custentity_vip"] is True
    assert record["custentity_renewal_date"] == "2027-01-31"
    assert record["custentity_loyalty_tier"]["id"] == "1"
    assert record["custentity_loyalty_tier"]["refName"] == "Gold"
    assert [item["id"] for item in record["custentity_interests"]["items"]] == ["1", "3"]
    assert record["custentity_interests"]["totalResults"] == 2
    assert record["custentity_seats"] == 12
    assert record["custentity_discount_rate"] == pytest.approx(0.15)


def test_lower_case_property_names_are_accepted(client, small_account):
    record_id = client.create("customer", {"companyname": "lower co", "subsidiary": {"id": str(small_account["us"])}})
    assert client.get(f"{RECORD}/customer/{record_id}").json()["companyName"] == "lower co"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"companyName": "No Sub"}, "Please enter value(s) for: Subsidiary."),
        ({"subsidiary": {"id": "1"}}, "Please enter value(s) for: Company Name."),
        ({"isPerson": True, "firstName": "Solo", "subsidiary": {"id": "1"}}, "Please enter value(s) for: Last Name."),
    ],
)
def test_missing_mandatory_fields_are_refused(client, error_of, body, detail):
    response = client.post(f"{RECORD}/customer", json=body)
    assert response.status_code == 400
    code, text = error_of(response)
    assert code == "USER_ERROR"
    assert text == "Error while accessing a resource. " + detail


@pytest.mark.parametrize("which", ["inactive_sub", "elimination_sub"])
def test_inactive_or_elimination_subsidiary_is_refused(client, small_account, error_of, which):
    response = client.post(f"{RECORD}/customer", json={"companyName": "X", "subsidiary": {"id": small_account[which]}})
    assert response.status_code == 400
    code, detail = error_of(response)
    assert code == "USER_ERROR"
    assert f"Invalid Field Value {small_account[which]} for the following field: subsidiary" in detail


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("salesRep", "not_rep", "Invalid Field Value"),  # an employee who is no sales rep
        ("leadSource", "old_campaign", "Invalid Field Value"),  # an inactive lead source
        ("partner", 999999, "Invalid Field Value"),  # no such record
        ("custentity_loyalty_tier", 99, "Invalid Field Value"),  # not a list value
        ("email", "not-an-email", "is not a valid e-mail address"),
        ("phone", "555-12", "Phone number should have seven digits or more."),
        ("firstName", "x" * 33, "maximum number ( 32 )"),
        ("custentity_vip", "yes", "Invalid Field Value"),  # check boxes take JSON booleans
    ],
)
def test_invalid_field_values_are_refused(client, small_account, error_of, field, value, fragment):
    if field in ("salesRep", "leadSource", "partner", "custentity_loyalty_tier"):
        value = {"id": str(small_account.get(value, value))}
    response = client.post(f"{RECORD}/customer", json=_company(small_account, **{field: value}))
    assert response.status_code == 400, response.text
    code, detail = error_of(response)
    assert code == "USER_ERROR"
    assert fragment in detail


def test_duplicate_external_id_on_post_is_refused(client, small_account, error_of):
    client.create("customer", _company(small_account, externalId="sync-1"))
    response = client.post(f"{RECORD}/customer", json=_company(small_account, externalId="sync-1"))
    assert response.status_code == 400
    assert error_of(response) == ("USER_ERROR", "Error while accessing a resource. This entity already exists.")


def test_patch_changes_given_fields_clears_nulls_and_bumps_last_modified(sandbox, client, small_account):
    record_id = client.create("customer", _company(small_account, email="old@acme.example.com", phone="4155550100"))
    before = client.get(f"{RECORD}/customer/{record_id}").json()
    sandbox.advance_clock(90)
    response = client.patch(f"{RECORD}/customer/{record_id}", json={"email": "new@acme.example.com", "phone": None})
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Location"].endswith(f"/customer/{record_id}")
    after = client.get(f"{RECORD}/customer/{record_id}").json()
    assert after["email"] == "new@acme.example.com"
    assert "phone" not in after
    assert after["companyName"] == before["companyName"]
    assert after["lastModifiedDate"] > before["lastModifiedDate"]
    assert after["dateCreated"] == before["dateCreated"]


def test_patch_cannot_empty_a_mandatory_field(client, small_account, error_of):
    record_id = client.create("customer", _company(small_account))
    response = client.patch(f"{RECORD}/customer/{record_id}", json={"subsidiary": None})
    assert response.status_code == 400
    assert error_of(response)[1].endswith("Please enter value(s) for: Subsidiary.")


def test_unknown_properties_are_refused_only_with_strict_property_validation(client, small_account, error_of):
    record_id = client.create("customer", _company(small_account))
    lenient = client.patch(f"{RECORD}/customer/{record_id}", json={"favouriteColour": "blue", "title": "Boss"})
    assert lenient.status_code == 204
    strict = client.patch(
        f"{RECORD}/customer/{record_id}",
        json={"favouriteColour": "blue"},
        headers={"X-NetSuite-PropertyNameValidation": "error"},
    )
    assert strict.status_code == 400
    assert error_of(strict)[0] == "NONEXISTENT_FIELD"


def test_read_only_fields_in_a_body_are_silently_dropped(client, small_account):
    record_id = client.create("customer", _company(small_account, dateCreated="2001-01-01T00:00:00Z", id="5"))
    record = client.get(f"{RECORD}/customer/{record_id}").json()
    assert record["id"] == str(record_id) != "5"
    assert not record["dateCreated"].startswith("2001")


def test_put_eid_upserts_without_duplicates(client, small_account):
    path = f"{RECORD}/customer/eid:gc-42"
    created = client.put(path, json=_company(small_account, email="first@example.com"))
    assert created.status_code == 204
    record_id = created.headers["Location"].rsplit("/", 1)[1]
    again = client.put(path, json={"email": "second@example.com"})
    assert again.status_code == 204
    assert again.headers["Location"].rsplit("/", 1)[1] == record_id
    record = client.get(path).json()
    assert record["id"] == record_id
    assert record["externalId"] == "gc-42"
    assert record["email"] == "second@example.com"
    assert record["companyName"] == "Acme Inc"
    matches = client.get(f"{RECORD}/customer", params={"q": 'externalId IS "gc-42"'}).json()
    assert matches["totalResults"] == 1


def test_put_without_an_external_id_is_not_an_upsert(client, small_account):
    record_id = client.create("customer", _company(small_account))
    assert client.put(f"{RECORD}/customer/{record_id}", json={"title": "x"}).status_code == 405


def test_delete_answers_204_and_records_the_deletion(client, small_account, error_of):
    record_id = client.create("customer", _company(small_account, externalId="to-go"))
    response = client.delete(f"{RECORD}/customer/{record_id}")
    assert response.status_code == 204
    assert response.content == b""
    missing = client.get(f"{RECORD}/customer/{record_id}")
    assert missing.status_code == 404
    assert error_of(missing)[0] == "NONEXISTENT_ID"
    rows = client.rows(
        f"SELECT recordid, type, recordtypeid, name, deleteddate FROM DeletedRecord WHERE recordid = {record_id}"
    )
    assert len(rows) == 1
    assert rows[0]["type"] == rows[0]["recordtypeid"] == "customer"
    assert rows[0]["name"] == "Acme Inc"
    # The external id is free again.
    client.create("customer", _company(small_account, externalId="to-go"))


def test_a_company_with_contacts_cannot_be_deleted(client, small_account, error_of):
    company = client.create("customer", _company(small_account))
    client.create(
        "contact",
        {
            "firstName": "Con",
            "lastName": "Tact",
            "company": {"id": str(company)},
            "subsidiary": {"id": small_account["us"]},
        },
    )
    response = client.delete(f"{RECORD}/customer/{company}")
    assert response.status_code == 400
    assert "dependent records" in error_of(response)[1]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_missing_id_is_404_with_an_error_body(client, error_of, method):
    kwargs = {"json": {"title": "x"}} if method == "PATCH" else {}
    response = client.request(method, f"{RECORD}/customer/987654", **kwargs)
    assert response.status_code == 404
    code, detail = error_of(response)
    assert code == "NONEXISTENT_ID"
    assert "does not exist" in detail


def test_contact_needs_a_subsidiary_and_links_to_its_company(client, small_account, error_of):
    company = client.create("customer", _company(small_account))
    refused = client.post(f"{RECORD}/contact", json={"firstName": "No", "lastName": "Sub"})
    assert refused.status_code == 400
    assert error_of(refused)[1].endswith("Please enter value(s) for: Subsidiary.")
    contact_id = client.create(
        "contact",
        {
            "firstName": "Grace",
            "lastName": "Hopper",
            "title": "Rear Admiral",
            "company": {"id": str(company)},
            "subsidiary": {"id": str(small_account["us"])},
            "mobilePhone": "+1 555 010 2000",
            "custentity_vip": True,
        },
    )
    contact = client.get(f"{RECORD}/contact/{contact_id}").json()
    assert contact["company"]["refName"] == "Acme Inc"
    assert contact["entityId"] == "Grace Hopper"
    assert contact["custentity_vip"] is True
    assert contact_id != company  # entities share one id sequence


def test_address_book_is_a_link_unless_expanded(client, small_account):
    body = _company(
        small_account,
        addressBook={
            "items": [
                {
                    "defaultBilling": True,
                    "defaultShipping": True,
                    "addressBookAddress": {
                        "addr1": "1 Infinite Loop",
                        "city": "Cupertino",
                        "state": "CA",
                        "zip": "95014",
                        "country": {"id": "US"},
                    },
                }
            ]
        },
    )
    record_id = client.create("customer", body)
    collapsed = client.get(f"{RECORD}/customer/{record_id}").json()
    assert set(collapsed["addressBook"]) == {"links"}
    assert collapsed["defaultAddress"] == "1 Infinite Loop\nCupertino CA 95014\nUnited States"
    expanded = client.get(f"{RECORD}/customer/{record_id}", params={"expandSubResources": "true"}).json()
    (line,) = expanded["addressBook"]["items"]
    assert line["defaultBilling"] is True
    assert line["addressBookAddress"]["city"] == "Cupertino"
    assert line["addressBookAddress"]["country"] == {"id": "US", "refName": "United States"}


def test_collection_pages_carry_only_ids_and_links(client, sandbox, small_account):
    created = sandbox.seed(
        {"records": {"customer": [_company(small_account, companyName=f"Co {i:02d}") for i in range(25)]}}
    )["created"]["customer"]
    seen = []
    offset = 0
    while True:
        page = client.get(f"{RECORD}/customer", params={"limit": 10, "offset": offset}).json()
        assert page["totalResults"] == 25
        assert page["offset"] == offset
        assert page["count"] == len(page["items"])
        for item in page["items"]:
            assert set(item) == {"id", "links"}
            assert item["links"][0]["href"].endswith(f"/customer/{item['id']}")
        rels = {link["rel"] for link in page["links"]}
        assert "self" in rels
        seen += [int(item["id"]) for item in page["items"]]
        if not page["hasMore"]:
            break
        assert "next" in rels
        offset += page["count"]
    assert sorted(seen) == sorted(created)
    assert [len(seen[i : i + 10]) for i in range(0, 25, 10)] == [10, 10, 5]


@pytest.mark.parametrize("params", [{"limit": 1001}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}])
def test_bad_paging_parameters_are_refused(client, error_of, params):
    response = client.get(f"{RECORD}/customer", params=params)
    assert response.status_code == 400
    assert error_of(response)[0] == "INVALID_PARAMETER"


def test_q_filter_operators(client, sandbox, small_account):
    us, uk = str(small_account["us"]), str(small_account["uk"])
    ids = sandbox.seed(
        {
            "records": {
                "customer": [
                    {"companyName": "Barbara Books", "email": "barbara@books.example.com", "subsidiary": {"id": us},
                     "lastModifiedDate": "2026-03-10T12:00:00Z"},
                    {"isPerson": True, "firstName": "Bob", "lastName": "Stone", "subsidiary": {"id": uk},
                     "lastModifiedDate": "2026-03-16T12:00:00Z"},
                    {"companyName": "Carla Cars", "email": "info@cars.example.com", "subsidiary": {"id": uk},
                     "lastModifiedDate": "2026-03-20T12:00:00Z"},
                ]
            }
        }
    )["created"]["customer"]  # fmt: skip
    barbara, bob, carla = (str(i) for i in ids)

    def matching(q: str) -> list[str]:
        response = client.get(f"{RECORD}/customer", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        return sorted(item["id"] for item in response.json()["items"])

    assert matching("email START_WITH barbara") == [barbara]
    assert matching('companyName CONTAIN "CARS"') == [carla]  # text matching ignores case
    assert matching("email EMPTY") == [bob]
    assert matching("isPerson IS true") == [bob]
    assert matching(f"subsidiary ANY_OF {uk}") == sorted([bob, carla])
    assert matching('lastModifiedDate ON_OR_AFTER "2026-03-15T00:00:00Z"') == sorted([bob, carla])
    assert matching('lastModifiedDate AFTER "2026-03-16T12:00:00Z"') == [carla]
    assert matching('lastModifiedDate ON "3/16/2026"') == [bob]
    assert matching(f"isPerson IS false AND (subsidiary EQUAL {us} OR email END_WITH cars.example.com)") == sorted(
        [barbara, carla]
    )


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("email AFTER 3", "INVALID_PARAMETER"),  # a date operator on text
        ('lastModifiedDate AFTER "2026-03-15"', "INVALID_PARAMETER"),  # not the user's date format: unparseable
        ("favouriteColour IS blue", "NONEXISTENT_FIELD"),
        ("email START_WITH", "INVALID_PARAMETER"),
    ],
)
def test_bad_q_filters_are_refused(client, error_of, q, code):
    response = client.get(f"{RECORD}/customer", params={"q": q})
    assert response.status_code == 400
    assert error_of(response)[0] == code


def test_unknown_record_type_and_non_json_body_are_refused(client, small_account, error_of):
    assert client.get(f"{RECORD}/spaceship").status_code == 404
    response = client.post(f"{RECORD}/customer", data="companyName=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    response = client.post(f"{RECORD}/customer", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
