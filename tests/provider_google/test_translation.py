"""Person <-> record translation and field masks (pure functions, no HTTP)."""

from datetime import UTC, date, datetime

import pytest

from connections.providers.errors import ValidationError
from connections.providers.google_contacts.person_fields import person_field_for, update_mask
from connections.providers.google_contacts.translation import (
    IDEMPOTENCY_KEY,
    apply_values,
    new_person,
    parse_timestamp,
    person_to_record,
    person_values,
)

PRIMARY = {"primary": True, "source": {"type": "CONTACT", "id": "abc"}}
SECONDARY = {"source": {"type": "CONTACT", "id": "abc"}}

PERSON = {
    "resourceName": "people/c1",
    "etag": "%EgUBAi43PRoEAQIFByIMRk5UYlBpQ0lKYTA9",
    "metadata": {
        "sources": [
            {"type": "CONTACT", "id": "abc", "etag": "#src1", "updateTime": "2025-03-04T05:06:07.123456789Z"},
        ],
        "objectType": "PERSON",
    },
    "names": [
        {
            "metadata": PRIMARY,
            "givenName": "Ada",
            "familyName": "Lovelace",
            "middleName": "King",
            "displayName": "Ada King Lovelace",
            "unstructuredName": "Ada King Lovelace",
        }
    ],
    "emailAddresses": [
        {"metadata": SECONDARY, "value": "other@example.com", "type": "home"},
        {"metadata": PRIMARY, "value": "ada@example.com", "type": "work", "formattedType": "Work"},
    ],
    "phoneNumbers": [
        {"metadata": PRIMARY, "value": "+1 555 0100", "type": "work", "canonicalForm": "+15550100"},
        {"metadata": SECONDARY, "value": "+1 555 0101", "type": "mobile"},
        {"metadata": SECONDARY, "value": "+1 555 0102", "type": "workFax"},
        {"metadata": {"source": {"type": "PROFILE", "id": "p"}}, "value": "+1 555 0199", "type": "home"},
    ],
    "organizations": [{"metadata": PRIMARY, "name": "Analytical Engines", "title": "Analyst", "department": "R&D"}],
    "addresses": [
        {
            "metadata": PRIMARY,
            "streetAddress": "1 Main St",
            "city": "London",
            "postalCode": "N1",
            "countryCode": "GB",
            "country": "United Kingdom",
            "formattedValue": "1 Main St, London N1",
            "type": "home",
        }
    ],
    "biographies": [{"metadata": PRIMARY, "value": "Met at the expo", "contentType": "TEXT_PLAIN"}],
    "birthdays": [{"metadata": PRIMARY, "date": {"year": 1815, "month": 12, "day": 10}}],
    "urls": [{"metadata": PRIMARY, "value": "https://ada.example.com"}],
    "userDefined": [
        {"metadata": PRIMARY, "key": "Tier", "value": "Gold"},
        {"metadata": SECONDARY, "key": "Ref", "value": "X1"},
    ],
    "memberships": [
        {
            "contactGroupMembership": {
                "contactGroupId": "myContacts",
                "contactGroupResourceName": "contactGroups/myContacts",
            }
        },
        {"contactGroupMembership": {"contactGroupId": "vip", "contactGroupResourceName": "contactGroups/vip"}},
    ],
    "clientData": [{"metadata": SECONDARY, "key": IDEMPOTENCY_KEY, "value": "ns:42"}],
}


def test_person_reads_as_typed_canonical_values():
    values = person_values(PERSON, {"contactGroups/vip": "VIP", "contactGroups/myContacts": "My Contacts"})
    assert values == {
        "name": "Ada King Lovelace",  # Google's unstructuredName: the name as shown
        "givenName": "Ada",
        "familyName": "Lovelace",
        "email": "ada@example.com",  # the primary one, not the first listed
        "phone.work": "+1 555 0100",
        "phone.mobile": "+1 555 0101",
        "phone.home": None,  # a linked profile's phone is not the contact's
        "phone.other": None,
        "organization.name": "Analytical Engines",
        "organization.title": "Analyst",
        "address": {"street": "1 Main St", "city": "London", "postal_code": "N1", "country": "GB"},
        # The first address of each type: the primary one is of type home, and there is no work address.
        "address.home": {"street": "1 Main St", "city": "London", "postal_code": "N1", "country": "GB"},
        "address.work": None,
        "notes": "Met at the expo",
        "birthday": date(1815, 12, 10),
        "url": "https://ada.example.com",
        "memberships": [
            {"id": "contactGroups/myContacts", "name": "My Contacts"},
            {"id": "contactGroups/vip", "name": "VIP"},
        ],
        "userDefined.Tier": "Gold",
        "userDefined.Ref": "X1",
    }


def test_record_carries_update_time_etag_client_data_and_the_writable_snapshot():
    record = person_to_record(PERSON)
    assert record.id == "people/c1"
    assert record.modified_at == datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    assert not record.deleted
    assert record.meta["etag"] == PERSON["etag"]
    assert record.meta["client_data"] == {IDEMPOTENCY_KEY: "ns:42"}
    snapshot = record.meta["person"]
    assert snapshot["metadata"] == {"sources": [{"type": "CONTACT", "id": "abc", "etag": "#src1"}]}
    assert [p["value"] for p in snapshot["phoneNumbers"]] == ["+1 555 0100", "+1 555 0101", "+1 555 0102"]


def test_tombstone_reads_as_deleted_record():
    record = person_to_record({"resourceName": "people/c9", "etag": "e", "metadata": {"deleted": True}})
    assert record.deleted and record.id == "people/c9" and record.values == {} and record.meta == {"etag": "e"}


def test_year_less_birthday_reads_as_empty():
    person = {"resourceName": "people/c2", "birthdays": [{"date": {"month": 4, "day": 1}}]}
    assert person_values(person)["birthday"] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.5Z", datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("2024-01-02T05:04:05+02:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("not a time", None),
        (None, None),
    ],
)
def test_timestamps_parse_to_aware_utc(raw, expected):
    assert parse_timestamp(raw) == expected


@pytest.mark.parametrize(
    ("fields", "mask"),
    [
        (["givenName", "familyName"], "names"),
        (["phone.work", "email", "phone.mobile"], "emailAddresses,phoneNumbers"),
        (["userDefined.Tier", "notes", "memberships"], "biographies,memberships,userDefined"),
        (["address", "organization.title", "birthday", "url"], "addresses,birthdays,organizations,urls"),
    ],
)
def test_update_mask_names_only_the_person_fields_behind_the_fields(fields, mask):
    assert update_mask(fields) == mask


def test_unknown_field_is_a_validation_error():
    with pytest.raises(ValidationError):
        person_field_for("phone.pager")
    with pytest.raises(ValidationError):
        person_field_for("userDefined.")


def test_changing_one_phone_keeps_the_other_phones():
    body = apply_values(person_to_record(PERSON).meta["person"], {"phone.work": "+1 555 0200"}, ["phone.work"])
    assert set(body) == {"phoneNumbers"}
    assert body["phoneNumbers"] == [
        {"value": "+1 555 0200", "type": "work"},
        {"value": "+1 555 0101", "type": "mobile"},
        {"value": "+1 555 0102", "type": "workFax"},
    ]


def test_adding_and_clearing_phones_by_type():
    base = person_to_record(PERSON).meta["person"]
    body = apply_values(base, {"phone.home": "+44 20 1234", "phone.mobile": None}, ["phone.home", "phone.mobile"])
    assert [(p["type"], p["value"]) for p in body["phoneNumbers"]] == [
        ("work", "+1 555 0100"),
        ("workFax", "+1 555 0102"),
        ("home", "+44 20 1234"),
    ]


def test_name_change_keeps_middle_name_and_drops_stale_unstructured_name():
    body = apply_values(person_to_record(PERSON).meta["person"], {"familyName": "Byron"}, ["familyName"])
    assert body["names"] == [{"givenName": "Ada", "familyName": "Byron", "middleName": "King"}]


def test_the_whole_name_replaces_the_name_and_parts_written_with_it_set_its_parts():
    base = person_to_record(PERSON).meta["person"]
    assert apply_values(base, {"name": "Globex Inc."}, ["name"])["names"] == [{"unstructuredName": "Globex Inc."}]
    assert apply_values(base, {}, ["name"])["names"] == []
    # A new company contact: its name is the company's, next to its organization.
    person = new_person({"name": "Globex Inc.", "organization.name": "Globex Inc."}, "ns-1")
    assert person["names"] == [{"unstructuredName": "Globex Inc."}]
    assert person["organizations"] == [{"name": "Globex Inc."}]
    # Whatever the order given, First name written with it wins over the free-form text.
    body = apply_values(base, {"givenName": "Ann", "name": "Ann Lee"}, ["givenName", "name"])
    assert body["names"] == [{"givenName": "Ann"}]


def test_primary_email_is_replaced_and_secondary_kept_first_is_primary():
    body = apply_values(person_to_record(PERSON).meta["person"], {"email": "new@example.com"}, ["email"])
    assert body["emailAddresses"] == [
        {"value": "new@example.com", "type": "work"},
        {"value": "other@example.com", "type": "home"},
    ]


def test_field_listed_without_a_value_is_cleared():
    base = person_to_record(PERSON).meta["person"]
    body = apply_values(base, {}, ["notes", "birthday", "url", "address", "organization.name", "organization.title"])
    assert body["biographies"] == [] and body["birthdays"] == [] and body["urls"] == [] and body["addresses"] == []
    assert body["organizations"] == [{"department": "R&D"}]


def test_address_is_replaced_whole_with_the_country_as_code_and_name():
    base = person_to_record(PERSON).meta["person"]
    body = apply_values(base, {"address": {"street": "2 High St", "city": "Paris", "country": "fr"}}, ["address"])
    assert body["addresses"] == [
        {"type": "home", "streetAddress": "2 High St", "city": "Paris", "countryCode": "FR", "country": "France"}
    ]
    body = apply_values(base, {"address": {"city": "Berne", "country": "Switzerland"}}, ["address"])
    assert body["addresses"] == [{"type": "home", "city": "Berne", "countryCode": "CH", "country": "Switzerland"}]
    # A country no ISO code names is written as given (no countryCode): NetSuite refuses it, with its message.
    body = apply_values(base, {"address": {"city": "Atlantis City", "country": "Atlantis"}}, ["address"])
    assert body["addresses"] == [{"type": "home", "city": "Atlantis City", "country": "Atlantis"}]


@pytest.mark.parametrize(
    ("item", "country"),
    [
        ({"countryCode": "de", "country": "Allemagne"}, "DE"),  # the code wins over a localised name
        ({"country": "Germany"}, "DE"),
        ({"country": " United States "}, "US"),
        ({"country": "USA"}, "US"),  # an alpha-3 code
        ({"country": "Russia"}, "RU"),  # fuzzy, and only one country fits
        ({"country": "Korea"}, "Korea"),  # two countries fit: kept as given, never guessed
        ({"country": "California"}, "California"),  # a state's name, not a country's: kept
        ({"country": "Atlantis"}, "Atlantis"),
    ],
)
def test_the_address_country_reads_as_its_iso_code_where_one_country_fits(item, country):
    person = {"resourceName": "people/c9", "addresses": [{"city": "X", **item}]}
    assert person_values(person)["address"] == {"city": "X", "country": country}


TYPED_ADDRESSES = [
    {"metadata": PRIMARY, "type": "home", "city": "Home Town", "countryCode": "GB"},
    {"metadata": SECONDARY, "type": "Work", "city": "Office Town", "countryCode": "GB"},
    {"metadata": SECONDARY, "type": "work", "city": "Second Office"},
    {"metadata": SECONDARY, "type": "other", "city": "Cottage"},
]


def test_the_work_and_home_address_are_the_first_of_their_type():
    values = person_values({"resourceName": "people/c9", "addresses": TYPED_ADDRESSES})
    assert values["address.work"] == {"city": "Office Town", "country": "GB"}  # type compared in any case
    assert values["address.home"] == {"city": "Home Town", "country": "GB"}
    assert values["address"] == values["address.home"]  # the primary one
    assert person_values({"resourceName": "people/c9", "addresses": TYPED_ADDRESSES[3:]})["address.work"] is None


def test_writing_the_work_address_replaces_only_the_first_work_address():
    base = {"addresses": [dict(item) for item in TYPED_ADDRESSES]}
    body = apply_values(base, {"address.work": {"city": "Berlin", "country": "DE"}}, ["address.work"])
    cities = [item.get("city") for item in body["addresses"]]
    assert cities == ["Home Town", "Berlin", "Second Office", "Cottage"]
    assert body["addresses"][1] == {"type": "Work", "city": "Berlin", "countryCode": "DE", "country": "Germany"}
    # Cleared: that address goes, the others stay.
    body = apply_values(base, {}, ["address.work"])
    assert [item.get("city") for item in body["addresses"]] == ["Home Town", "Second Office", "Cottage"]


def test_a_work_address_is_added_to_a_contact_without_one():
    base = {"addresses": [dict(TYPED_ADDRESSES[0])]}
    body = apply_values(base, {"address.work": {"street": "1 Dock Rd", "country": "Germany"}}, ["address.work"])
    assert body["addresses"][0]["city"] == "Home Town"  # still the primary address
    assert body["addresses"][1] == {
        "type": "work",
        "streetAddress": "1 Dock Rd",
        "countryCode": "DE",
        "country": "Germany",
    }
    assert update_mask(["address.work", "address.home"]) == "addresses"


def test_user_defined_set_replace_and_remove():
    base = person_to_record(PERSON).meta["person"]
    body = apply_values(
        base,
        {"userDefined.Tier": "Platinum", "userDefined.Ref": None, "userDefined.New": "1"},
        ["userDefined.Tier", "userDefined.Ref", "userDefined.New"],
    )
    assert body["userDefined"] == [{"key": "Tier", "value": "Platinum"}, {"key": "New", "value": "1"}]


def test_memberships_write_group_ids_and_never_none():
    base = person_to_record(PERSON).meta["person"]
    body = apply_values(base, {"memberships": [{"id": "contactGroups/vip", "name": "VIP"}]}, ["memberships"])
    assert body["memberships"] == [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/vip"}}]
    body = apply_values(base, {"memberships": []}, ["memberships"])
    assert body["memberships"] == [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}}]
    with pytest.raises(ValidationError):
        apply_values(base, {"memberships": [{"id": "people/c1"}]}, ["memberships"])


def test_typed_values_are_checked():
    with pytest.raises(ValidationError):
        apply_values({}, {"birthday": "1815-12-10"}, ["birthday"])
    with pytest.raises(ValidationError):
        apply_values({}, {"givenName": 42}, ["givenName"])
    assert apply_values({}, {"birthday": date(2000, 2, 29)}, ["birthday"]) == {
        "birthdays": [{"date": {"year": 2000, "month": 2, "day": 29}}]
    }


def test_new_person_carries_key_values_and_scope_group():
    person = new_person(
        {"givenName": "Grace", "email": "grace@example.com", "phone.mobile": None, "userDefined.Tier": "Gold"},
        "ns:7",
        group="contactGroups/abc",
    )
    assert person == {
        "names": [{"givenName": "Grace"}],
        "emailAddresses": [{"value": "grace@example.com"}],
        "userDefined": [{"key": "Tier", "value": "Gold"}],
        "clientData": [{"key": IDEMPOTENCY_KEY, "value": "ns:7"}],
        "memberships": [
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}},
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/abc"}},
        ],
    }


def test_round_trip_of_written_values():
    values = {
        "givenName": "Grace",
        "familyName": "Hopper",
        "email": "grace@example.com",
        "phone.work": "+1 555 0300",
        "organization.name": "Navy",
        "organization.title": "Rear Admiral",
        "address": {"street": "1 Pier", "city": "Arlington", "region": "VA", "postal_code": "22201", "country": "US"},
        "notes": "COBOL",
        "birthday": date(1906, 12, 9),
        "url": "https://grace.example.com",
        "userDefined.Tier": "Gold",
    }
    person = dict(new_person(values, "k"), resourceName="people/c3")
    read = person_values(person)
    assert {k: read[k] for k in values} == values
