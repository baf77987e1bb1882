"""Addresses (mappings.addresses): compared as one value whatever the spelling, and their parts mappable on
their own: read off the address, written merged into it (pure, no database)."""

from __future__ import annotations

import pytest

from connections.providers.countries import country_code, country_code_from_name, country_name, region_code
from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.addresses import (
    AddressPart,
    address_text,
    fold_parts,
    parts_in,
    with_part_values,
    with_parts,
    without_parts,
)
from mappings.choices import Direction
from mappings.compatibility import allowed_directions, convert
from mappings.converters import values_equal
from mappings.mapping_checks import MappingState, target_clashes

T = FieldType
ADDRESS = FieldSpec("defaultAddress", "Default Address", T.ADDRESS)
HOME = {"street": "1 Main St\nFloor 2", "city": "Berlin", "postal_code": "10115", "country": "DE"}


# --- Countries and states, with pycountry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("Germany", "DE"),
        (" germany ", "DE"),
        ("United States", "US"),
        ("USA", "US"),  # alpha-3
        ("Russia", "RU"),  # fuzzy: one country fits, and its name holds the text
        ("Vietnam", "VN"),
        ("Korea", "Korea"),  # two countries fit: kept as given, never guessed
        ("California", "California"),  # fits only through a state's name: kept
        ("UK", "UK"),  # not an ISO code (GB's is), and fuzzy would match several: kept
        ("Atlantis", "Atlantis"),
    ],
)
def test_a_country_name_becomes_its_iso_code_only_when_one_country_fits(given, code):
    assert country_code_from_name(given) == code


def test_a_country_code_becomes_the_name_people_use_and_back():
    for code in ("DE", "US", "GB", "TW", "FR"):
        assert country_code(country_name(code)) == code
    assert country_name("US") == "United States" and country_name("TW") == "Taiwan"
    assert country_name("XX") == "XX"  # not a code: as given
    assert region_code("California", "US") == "CA" and region_code("ca", "United States") == "CA"
    assert region_code("Bavaria", "DE") == "Bavaria"  # states are free text there


# --- Comparing two addresses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"country": "DE"}, {"country": "Germany"}),
        ({"country": "de"}, {"country": " Germany "}),
        ({"country": "US", "region": "CA"}, {"country": "United States", "region": "California"}),
        ({"city": "Berlin", "postal_code": "sw1a 1aa"}, {"city": " BERLIN ", "postal_code": "SW1A 1AA"}),
        ({"street": "1 Main St\r\nFloor 2"}, {"street": "1 Main St\nFloor 2"}),
        ({"street": "1 Main St \nFloor 2"}, {"street": "1 Main St\n Floor 2 "}),
        ({"city": "Berlin", "region": ""}, {"city": "Berlin", "region": None}),
        ({}, None),
    ],
)
def test_addresses_spelled_differently_are_equal(one, other):
    assert values_equal(one, other, T.ADDRESS)
    assert values_equal(other, one, T.ADDRESS)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"country": "DE"}, {"country": "AT"}),
        ({"country": "US", "region": "CA"}, {"country": "US", "region": "NY"}),
        ({"country": "CA", "region": "CA"}, {"country": "US", "region": "CA"}),
        ({"city": "Berlin"}, {"city": "Berlin", "street": "1 Main St"}),
        ({"street": "1 Main St\nFloor 2"}, {"street": "1 Main St Floor 2"}),
        ({"country": "Korea"}, {"country": "KR"}),  # ambiguous names are not guessed
    ],
)
def test_addresses_that_differ_are_not_equal(one, other):
    assert not values_equal(one, other, T.ADDRESS)


# --- Parts as fields ---------------------------------------------------------------------------------------------


def test_an_address_field_brings_its_parts_as_fields():
    read_only = FieldSpec("billAddress", "Billing", T.ADDRESS, writable=False)
    catalog = with_parts([FieldSpec("email", "Email", T.EMAIL), ADDRESS, read_only])
    by_id = {spec.id: spec for spec in catalog}
    assert [spec.id for spec in catalog][:7] == [
        "email",
        "defaultAddress",
        "defaultAddress.street",
        "defaultAddress.city",
        "defaultAddress.region",
        "defaultAddress.postal_code",
        "defaultAddress.country",
    ]
    assert by_id["defaultAddress.city"].type == T.TEXT and by_id["defaultAddress.city"].label == "Default Address: City"
    country = by_id["defaultAddress.country"]
    assert country.type == T.SELECT and FieldOption("DE", "Germany") in country.options
    assert not by_id["billAddress.city"].writable  # as writable as its address
    assert with_parts(catalog) == catalog  # a part the catalog already has is not added again
    # What a client is handed back (its own fields, to build its queries from): no part of ours.
    assert without_parts(by_id) == [FieldSpec("email", "Email", T.EMAIL), ADDRESS, read_only]


def test_the_compatibility_of_addresses_and_their_parts():
    catalog = {spec.id: spec for spec in with_parts([ADDRESS, FieldSpec("address", "Address", T.ADDRESS)])}
    text = FieldSpec("city", "City", T.TEXT)
    note = FieldSpec("note", "Note", T.LONG_TEXT)
    phone = FieldSpec("fax", "Fax", T.PHONE)

    def allowed(ns, app):
        return allowed_directions(ns, app).allowed

    both = {Direction.TWO_WAY, Direction.TO_APP, Direction.TO_NETSUITE}
    assert allowed(ADDRESS, catalog["address"]) == both
    assert allowed(ADDRESS, note) == {Direction.TO_APP}  # formatted text cannot be split back
    assert allowed(catalog["defaultAddress.city"], text) == both
    assert allowed(catalog["defaultAddress.country"], catalog["address.country"]) == both
    assert allowed(catalog["defaultAddress.country"], phone) == set()
    assert allowed(catalog["address.city"], ADDRESS) == {Direction.TO_NETSUITE}  # one part never fills an address
    # A country part takes text only where the text names a country.
    assert convert("germany", text, catalog["defaultAddress.country"]).value == {"id": "DE", "name": "Germany"}


PARTS = parts_in({spec.id: spec for spec in with_parts([ADDRESS])})


def test_parts_are_read_off_the_address():
    values = with_part_values({"defaultAddress": HOME, "email": "a@b.c"}, PARTS)
    assert values["defaultAddress.city"] == "Berlin" and values["defaultAddress.street"] == "1 Main St\nFloor 2"
    assert values["defaultAddress.country"] == {"id": "DE", "name": "Germany"}
    assert values["defaultAddress.region"] is None
    assert values["defaultAddress"] == HOME  # the address itself stays
    odd = with_part_values({"defaultAddress": {"country": "Atlantis"}}, PARTS)
    assert odd["defaultAddress.country"] == {"id": "", "name": "Atlantis"}
    # An address not read (absent, not empty): its parts are not read either.
    assert with_part_values({"email": "a@b.c"}, PARTS) == {"email": "a@b.c"}


@pytest.mark.parametrize(
    ("writes", "current", "sent"),
    [
        # Writing a city alone keeps the rest of the address.
        ({"defaultAddress.city": "Hamburg"}, HOME, {"defaultAddress": {**HOME, "city": "Hamburg"}}),
        # A country choice is written as its code.
        (
            {"defaultAddress.country": {"id": "AT", "name": "Austria"}, "email": "x@y.z"},
            HOME,
            {"defaultAddress": {**HOME, "country": "AT"}, "email": "x@y.z"},
        ),
        # An empty part removes that part only.
        (
            {"defaultAddress.postal_code": None},
            HOME,
            {"defaultAddress": {k: v for k, v in HOME.items() if k != "postal_code"}},
        ),
        # A record without an address (or one to create) gets an address of the parts written.
        (
            {"defaultAddress.city": "Oslo", "defaultAddress.country": {"id": "NO", "name": "Norway"}},
            None,
            {"defaultAddress": {"city": "Oslo", "country": "NO"}},
        ),
        # The last part of an address removed: no address.
        ({"defaultAddress.city": ""}, {"city": "Oslo"}, {"defaultAddress": None}),
        # Parts written with their whole address apply on top of it (a rule action beside a mapping).
        (
            {"defaultAddress": {"city": "Rome", "country": "IT"}, "defaultAddress.city": "Milan"},
            HOME,
            {"defaultAddress": {"city": "Milan", "country": "IT"}},
        ),
        # No part written: the writes as they are.
        ({"email": "x@y.z"}, HOME, {"email": "x@y.z"}),
    ],
)
def test_parts_written_are_merged_into_the_target_address(writes, current, sent):
    assert fold_parts(writes, None if current is None else {"defaultAddress": current}, PARTS) == sent


def test_a_dotted_field_that_is_not_a_part_of_an_address_is_no_part():
    catalog = {
        spec.id: spec
        for spec in (
            FieldSpec("phone", "Phone", T.PHONE),
            FieldSpec("phone.city", "City phone", T.PHONE),
            *with_parts([ADDRESS]),
        )
    }
    assert AddressPart("phone.city", "phone", "city") not in parts_in(catalog)
    assert {part.field_id for part in parts_in(catalog)} == {
        f"defaultAddress.{key}" for key in ("street", "city", "region", "postal_code", "country")
    }


def test_a_part_and_its_address_written_by_two_mappings_clash():
    whole = MappingState("defaultAddress", "address.work", Direction.TWO_WAY)
    part = MappingState("custentity_city", "address.work.city", Direction.TO_APP)
    other_part = MappingState("custentity_zip", "address.work.postal_code", Direction.TO_APP)
    labels = {"netsuite": "NetSuite", "app": "Google Contacts"}
    assert target_clashes(part, [whole], side_labels=labels)
    assert target_clashes(whole, [part], side_labels=labels)
    assert not target_clashes(part, [other_part], side_labels=labels)  # two parts of one address: fine


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            {"street": "1 Bay St\nSuite 4", "city": "Toronto", "region": "ON", "country": "CA"},
            "1 Bay St, Suite 4, Toronto, ON, CA",
        ),
        ({"city": "Bremen", "postal_code": " 28195 ", "country": ""}, "Bremen, 28195"),
        ({"street": " ", "city": None}, ""),
        ({"id": "7", "name": "Acme"}, None),
        ("1 Bay St", None),
        (None, None),
    ],
)
def test_an_address_reads_as_one_line_for_people(value, shown):
    assert address_text(value) == shown
