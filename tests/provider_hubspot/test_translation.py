"""HubSpot objects as records and our values as properties (pure; record shapes from reference B.2, B.7)."""

from datetime import UTC, datetime

import pytest

from connections.providers.errors import ValidationError
from connections.providers.fields import FieldSpec, FieldType
from connections.providers.hubspot.catalog import ADDRESS_FIELD, build_catalog, standard_catalog
from connections.providers.hubspot.objects import OBJECT_TYPES, SYNC_KEY_PROPERTY
from connections.providers.hubspot.translation import (
    META_SYNC_KEY,
    object_to_record,
    property_names,
    to_properties,
)

CONTACTS = OBJECT_TYPES["contacts"]
CATALOG = {f.id: f for f in standard_catalog("contacts")}


def _contact(**props):
    return {
        "id": "512",
        "properties": {"hs_object_id": "512", "lastmodifieddate": "2026-03-30T12:00:00.000Z", **props},
        "createdAt": "2026-03-01T00:00:00.000Z",
        "updatedAt": "2026-03-30T12:00:01.000Z",
        "archived": False,
    }


def test_a_contact_becomes_a_record_with_typed_values_and_our_key_in_meta():
    record = object_to_record(
        _contact(email="ann@x.com", firstname="Ann", lastname=None, **{SYNC_KEY_PROPERTY: "k-1"}), CATALOG, CONTACTS
    )
    assert record.id == "512" and not record.deleted
    assert record.modified_at == datetime(2026, 3, 30, 12, tzinfo=UTC)
    assert record.values["email"] == "ann@x.com" and record.values["lastname"] is None
    assert "phone" not in record.values  # not read is not empty
    assert record.meta[META_SYNC_KEY] == "k-1"


def test_the_address_is_read_from_its_properties_with_the_country_as_a_code():
    record = object_to_record(
        _contact(address="1 Bay St", city="Toronto", state="ON", zip="M5J", country="Canada"), CATALOG, CONTACTS
    )
    assert record.values[ADDRESS_FIELD] == {
        "street": "1 Bay St",
        "city": "Toronto",
        "region": "ON",
        "postal_code": "M5J",
        "country": "CA",
    }


def test_an_archived_contact_is_a_deletion_at_its_archive_time():
    obj = {**_contact(), "archived": True, "archivedAt": "2026-04-01T08:00:00Z"}
    record = object_to_record(obj, CATALOG, CONTACTS)
    assert record.deleted and record.values == {}
    assert record.modified_at == datetime(2026, 4, 1, 8, tzinfo=UTC)


def test_without_the_last_modified_property_updated_at_is_the_modified_time():
    obj = {"id": "1", "properties": {}, "updatedAt": "2026-03-30T12:00:01Z"}
    assert object_to_record(obj, CATALOG, CONTACTS).modified_at == datetime(2026, 3, 30, 12, 0, 1, tzinfo=UTC)


def test_values_become_properties_an_empty_value_clears_and_the_address_splits():
    props = to_properties(
        {"firstname": "Ann", "phone": None, ADDRESS_FIELD: {"street": "1 Bay St", "city": "Toronto", "country": "CA"}},
        CATALOG,
    )
    assert props == {"firstname": "Ann", "phone": "", "address": "1 Bay St", "city": "Toronto", "country": "Canada"}


def test_only_the_requested_fields_are_written():
    assert to_properties({"firstname": "Ann", "lastname": "Lee"}, CATALOG, ["lastname"]) == {"lastname": "Lee"}


def test_a_read_only_property_is_refused_before_the_batch_is_sent():
    catalog = {"score": FieldSpec("score", "Score", FieldType.DECIMAL, writable=False)}
    with pytest.raises(ValidationError) as refused:
        to_properties({"score": 3}, catalog)
    assert refused.value.path == "score"


def test_the_read_asks_for_the_address_parts_our_key_and_both_modified_times():
    names = property_names(standard_catalog("contacts"), CONTACTS)
    assert {"address", "city", "state", "zip", "country", SYNC_KEY_PROPERTY, "lastmodifieddate"} <= set(names)
    assert ADDRESS_FIELD not in names and len(names) == len(set(names))


def test_the_catalog_keeps_custom_properties_and_leaves_out_ours_hidden_and_system_ones():
    props = [
        {"name": "email", "label": "Email", "type": "string", "fieldType": "text", "hubspotDefined": True},
        {"name": "favourite", "label": "Favourite", "type": "string", "fieldType": "text"},
        {"name": SYNC_KEY_PROPERTY, "label": "Key", "type": "string", "fieldType": "text"},
        {"name": "secret", "label": "Secret", "type": "string", "fieldType": "text", "hidden": True},
        {"name": "lastmodifieddate", "label": "Last modified", "type": "datetime", "fieldType": "date"},
    ]
    catalog = {f.id: f for f in build_catalog(props)}
    assert set(catalog) == {"email", "favourite"}
    assert catalog["favourite"].custom and not catalog["email"].custom
    parts = ("address", "city", "state", "zip", "country")
    with_address = build_catalog(
        props + [{"name": n, "label": n, "type": "string", "fieldType": "text"} for n in parts]
    )
    assert with_address[-1].id == ADDRESS_FIELD and with_address[-1].type == FieldType.ADDRESS
