"""The default address, without HTTP: a SuiteQL row to a value, a value to the addressBook body,
country and state codes, and how addresses compare."""

import pytest

from connections.providers.countries import country_code, region_code
from connections.providers.fields import FieldType
from connections.providers.netsuite.addresses import (
    META_KEY,
    DefaultAddress,
    address_book_body,
    address_book_sql,
    address_parts,
    default_address_of,
)
from mappings.converters import values_equal

BILLING_ROW = {
    "entity": "7",
    "billing_line": "12",
    "billing_addr1": "1 Main St",
    "billing_addr2": "Suite 5",
    "billing_city": "Springfield",
    "billing_state": "IL",
    "billing_zip": "62701",
    "billing_country": "US",
    "billing_addressee": "Acme Inc",
    "shipping_line": "13",
    "shipping_addr1": "Hafenstr. 2",
    "shipping_city": "Hamburg",
    "shipping_country": "DE",
}


def test_the_default_billing_line_is_the_default_address():
    found = default_address_of(BILLING_ROW)
    assert found.value == {
        "street": "1 Main St\nSuite 5",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "country": "US",
    }
    assert (found.line, found.billing_line, found.shipping_line) == ("12", "12", "13")
    assert found.meta() == {"billing": "12", "shipping": "13", "kept": {"addressee": "Acme Inc"}}


def test_without_a_default_billing_line_the_default_shipping_line_is_the_default_address():
    row = {k: v for k, v in BILLING_ROW.items() if not k.startswith("billing_")}
    found = default_address_of(row)
    assert found.value == {"street": "Hafenstr. 2", "city": "Hamburg", "country": "DE"}
    assert (found.line, found.billing_line) == ("13", None)


def test_a_record_without_default_lines_has_no_default_address():
    found = default_address_of({"entity": "7"})
    assert found == DefaultAddress()
    assert found.value is None and found.line is None


def test_the_line_ids_come_back_from_the_records_meta():
    meta = {META_KEY: default_address_of(BILLING_ROW).meta()}
    again = DefaultAddress.from_meta(meta)
    assert (again.billing_line, again.shipping_line, dict(again.kept)) == ("12", "13", {"addressee": "Acme Inc"})
    assert DefaultAddress.from_meta({"externalId": "x"}) is None  # read before addresses were read


def test_the_address_book_of_a_page_of_1000_records_is_one_query_with_one_row_per_record():
    sql = address_book_sql("customer", [str(i) for i in range(1, 1001)])
    assert sql.startswith("SELECT r.id AS entity, b.internalid AS billing_line")
    assert "FROM customer r LEFT JOIN customeraddressbook b ON b.entity = r.id AND b.defaultbilling = 'T'" in sql
    assert "LEFT JOIN customeraddressbookentityaddress ba ON ba.nkey = b.addressbookaddress" in sql
    assert "LEFT JOIN customeraddressbook s ON s.entity = r.id AND s.defaultshipping = 'T'" in sql
    assert sql.count(" IN (") == 2 and " OR r.id IN (" in sql  # IN lists of 500, one query
    assert sql.endswith("ORDER BY r.id")
    contact_sql = address_book_sql("contact", ["5"])
    assert "FROM contact r LEFT JOIN contactaddressbook b" in contact_sql
    assert "LEFT JOIN contactaddressbookentityaddress sa ON sa.nkey = s.addressbookaddress" in contact_sql
    with pytest.raises(ValueError):
        address_book_sql("customer", ["1 OR 1=1"])


VALUE = {"street": "Friedrichstr. 1\nHinterhaus", "city": "Berlin", "postal_code": "10117", "country": "Germany"}


def test_writing_updates_the_default_line_by_its_key_only():
    current = DefaultAddress(None, "12", "13", {"addressee": "Acme Inc"})
    body = address_book_body(VALUE, current)
    assert body == {
        "items": [
            {
                "id": 12,
                "addressBookAddress": {
                    "addressee": "Acme Inc",
                    "addr1": "Friedrichstr. 1",
                    "addr2": "Hinterhaus",
                    "addr3": None,
                    "city": "Berlin",
                    "state": None,
                    "zip": "10117",
                    "country": "DE",
                },
            }
        ]
    }


def test_writing_without_a_default_line_adds_one_default_for_billing_and_shipping():
    for current in (None, DefaultAddress()):
        (line,) = address_book_body(VALUE, current)["items"]
        assert "id" not in line
        assert (line["defaultBilling"], line["defaultShipping"]) == (True, True)
        assert line["addressBookAddress"]["country"] == "DE"


def test_clearing_keeps_the_entries_and_only_unsets_their_default_flags():
    body = address_book_body(None, DefaultAddress(None, "12", "13"))
    assert body == {"items": [{"id": 12, "defaultBilling": False}, {"id": 13, "defaultShipping": False}]}
    assert address_book_body({"street": " "}, DefaultAddress(None, "12", "12")) == {
        "items": [{"id": 12, "defaultBilling": False, "defaultShipping": False}]
    }
    assert address_book_body(None, DefaultAddress()) is None  # nothing to clear


@pytest.mark.parametrize(
    ("given", "code"),
    [("Germany", "DE"), ("germany", "DE"), ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("United States", "US")],
)
def test_a_country_name_or_code_becomes_its_iso_code(given, code):
    assert country_code(given) == code


def test_an_unknown_country_is_kept_as_given():
    assert country_code(" Narnia ") == "Narnia"
    assert address_parts({"country": "Narnia"})["country"] == "Narnia"


def test_a_state_name_becomes_its_code_where_netsuite_lists_states():
    assert region_code("California", "US") == "CA"
    assert region_code("california", "United States") == "CA"
    assert region_code("ca", "US") == "CA"
    assert region_code("Ontario", "CA") == "ON"
    assert region_code("New South Wales", "Australia") == "NSW"
    assert region_code("California", None) == "California"  # no country: not guessed
    assert region_code("Bayern", "DE") == "Bayern"  # free text where NetSuite has no state list
    assert address_parts({"region": "California", "country": "United States"})["state"] == "CA"


def test_an_address_written_with_codes_reads_back_equal_to_the_names_it_came_from():
    google = {"street": "1 Main St", "city": "Los Angeles", "region": "California", "country": "United States"}
    read_back = {"street": "1 Main St", "city": "Los Angeles", "region": "CA", "country": "US"}
    assert values_equal(google, read_back, FieldType.ADDRESS)
    assert not values_equal(google, {**read_back, "city": "San Diego"}, FieldType.ADDRESS)
    assert not values_equal(google, {**read_back, "country": "CA"}, FieldType.ADDRESS)
