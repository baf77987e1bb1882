"""The default address over real HTTP against the sandbox: read in bulk (one query per page),
written as one addressBook line (the other entries kept), codes converted, refusals per record."""

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import ValidationError
from connections.providers.fields import FieldType
from connections.providers.netsuite.addresses import ADDRESS_FIELD, META_KEY
from mappings.converters import values_equal

from .conftest import sandbox_requests

SUBSIDIARY = "3"


def read_back(client, object_type: str, result):
    """The record as NetSuite stored it, read through the client (a write reads nothing back)."""
    (record,) = client.get_many(object_type, [result.record_id])
    return record


@pytest.fixture(autouse=True)
def empty_account(sandbox):
    """Subsidiaries, reps and the like, and no customer or contact: the tests make their own."""
    return sandbox.seed({"generate": {"customers": 0, "contacts": 0, "seed": 11}})


def _line(label, *, billing=False, shipping=False, **address):
    return {"label": label, "defaultBilling": billing, "defaultShipping": shipping, "addressBookAddress": address}


HQ = _line(
    "HQ",
    billing=True,
    addressee="Acme Inc",
    addr1="1 Main St",
    city="Springfield",
    state="IL",
    zip="62701",
    country="US",
)
WAREHOUSE = _line("Warehouse", shipping=True, addr1="Hafenstr. 2", city="Hamburg", zip="20457", country="DE")
OTHER = _line("Other", addr1="9 Rue Haute", city="Lyon", zip="69001", country="FR")


def _company(sandbox, name, *lines) -> str:
    body = {"companyName": name, "subsidiary": {"id": SUBSIDIARY}}
    if lines:
        body["addressBook"] = {"items": list(lines)}
    return str(sandbox.create_record("customer", body))


def _lines(sandbox, record_id) -> dict[str, dict]:
    """The record's address book as NetSuite stores it, by label."""
    items = sandbox.get_record("customer", int(record_id))["addressBook"]["items"]
    return {item.get("label"): item for item in items}


def _country(line) -> str:
    country = line["addressBookAddress"].get("country")
    return country["id"] if isinstance(country, dict) else country


def _write(client, record_id, value, *, with_meta=True):
    (record,) = client.get_many("company_customers", [record_id])
    request = WriteRequest(
        key=f"k{record_id}",
        record_id=record_id,
        values={ADDRESS_FIELD: value},
        fields=[ADDRESS_FIELD],
        meta=record.meta if with_meta else {"externalId": None},
    )
    (result,) = client.update_many("company_customers", [request])
    return result


def test_reading_pages_of_customers_adds_exactly_one_request_per_page_for_their_addresses(client, sandbox, base_url):
    three = _company(sandbox, "Three Lines Co", HQ, WAREHOUSE, OTHER)
    shipping_only = _company(sandbox, "Shipping Only Co", OTHER, WAREHOUSE)
    bare = _company(sandbox, "No Address Co")
    for n in range(1000):  # more than one page of 1,000 records in this scope
        _company(sandbox, f"Bulk {n}", *([HQ] if n % 3 == 0 else []))
    client.field_catalog("company_customers")  # the metadata, fetched once and cached
    before = len(sandbox_requests(base_url))
    pages = list(client.read_changes("company_customers", None, subsidiary_id=SUBSIDIARY))
    calls = sandbox_requests(base_url)[before:]
    with_records = [page for page in pages if page.records]
    assert len(with_records) == 2 and len(with_records[0].records) == 1000
    assert {(c["method"], c["path"]) for c in calls} == {("POST", "/services/rest/query/v1/suiteql")}
    assert len(calls) == 2 * len(with_records)  # each page: its records, then their addresses

    records = {r.id: r for page in with_records for r in page.records}
    assert records[three].values[ADDRESS_FIELD] == {
        "street": "1 Main St",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "country": "US",
    }
    lines = _lines(sandbox, three)
    assert records[three].meta[META_KEY]["billing"] == str(lines["HQ"]["id"])
    assert records[three].meta[META_KEY]["shipping"] == str(lines["Warehouse"]["id"])
    assert records[shipping_only].values[ADDRESS_FIELD]["city"] == "Hamburg"  # no billing default: shipping
    assert records[bare].values[ADDRESS_FIELD] is None
    with_address = [r for r in records.values() if r.values[ADDRESS_FIELD]]
    assert len(with_address) == 2 + 334


def test_writing_the_default_address_keeps_the_other_entries_and_converts_country_and_state(client, sandbox):
    record_id = _company(sandbox, "Three Lines Co", HQ, WAREHOUSE, OTHER)
    before = _lines(sandbox, record_id)
    value = {
        "street": "500 Sunset Blvd\nFloor 2",
        "city": "Los Angeles",
        "region": "California",
        "country": "United States",
    }
    result = _write(client, record_id, value)
    assert result.ok, result.error
    after = _lines(sandbox, record_id)
    assert set(after) == {"HQ", "Warehouse", "Other"}
    assert after["Warehouse"] == before["Warehouse"] and after["Other"] == before["Other"]
    hq = after["HQ"]
    assert hq["id"] == before["HQ"]["id"] and hq["defaultBilling"] is True
    address = hq["addressBookAddress"]
    assert (address["addr1"], address["addr2"], address["city"]) == ("500 Sunset Blvd", "Floor 2", "Los Angeles")
    assert (address["state"], _country(hq)) == ("CA", "US")
    assert address["addressee"] == "Acme Inc"  # the line's other parts are kept
    # Read back, our own write compares equal to what was written: no write back and forth.
    assert values_equal(read_back(client, "company_customers", result).values[ADDRESS_FIELD], value, FieldType.ADDRESS)


def test_writing_a_record_read_without_its_line_ids_reads_its_address_book_first(client, sandbox):
    record_id = _company(sandbox, "Three Lines Co", HQ, WAREHOUSE, OTHER)
    result = _write(client, record_id, {"city": "Berlin", "country": "Germany"}, with_meta=False)
    assert result.ok, result.error
    after = _lines(sandbox, record_id)
    assert len(after) == 3  # the default line updated, not a fourth one added
    assert (after["HQ"]["addressBookAddress"]["city"], _country(after["HQ"])) == ("Berlin", "DE")


def test_a_new_default_entry_is_added_when_there_is_none(client, sandbox):
    record_id = _company(sandbox, "Other Only Co", OTHER)
    result = _write(client, record_id, {"street": "Unter den Linden 1", "city": "Berlin", "country": "Germany"})
    assert result.ok, result.error
    items = sandbox.get_record("customer", int(record_id))["addressBook"]["items"]
    assert len(items) == 2
    (other,) = [i for i in items if i.get("label") == "Other"]
    (new,) = [i for i in items if i is not other]
    assert (other["defaultBilling"], other["defaultShipping"]) == (False, False)
    assert (new["defaultBilling"], new["defaultShipping"]) == (True, True)
    assert (new["addressBookAddress"]["addr1"], _country(new)) == ("Unter den Linden 1", "DE")
    assert read_back(client, "company_customers", result).values[ADDRESS_FIELD]["country"] == "DE"


def test_a_created_record_gets_its_address_as_its_default_entry(client, sandbox):
    value = {"street": "1 Bay St", "city": "Toronto", "region": "Ontario", "country": "Canada"}
    request = WriteRequest(key="new-address-1", values={"companyName": "Maple Co", ADDRESS_FIELD: value})
    (result,) = client.create_many("company_customers", [request], subsidiary_id=SUBSIDIARY)
    assert result.ok, result.error
    (line,) = sandbox.get_record("customer", int(result.record_id))["addressBook"]["items"]
    assert (line["defaultBilling"], line["defaultShipping"]) == (True, True)
    assert (line["addressBookAddress"]["state"], _country(line)) == ("ON", "CA")
    assert values_equal(read_back(client, "company_customers", result).values[ADDRESS_FIELD], value, FieldType.ADDRESS)


def test_clearing_the_default_address_keeps_every_entry(client, sandbox):
    record_id = _company(sandbox, "Three Lines Co", HQ, WAREHOUSE, OTHER)
    result = _write(client, record_id, None)
    assert result.ok, result.error
    after = _lines(sandbox, record_id)
    assert set(after) == {"HQ", "Warehouse", "Other"}
    assert not any(line["defaultBilling"] or line["defaultShipping"] for line in after.values())
    assert read_back(client, "company_customers", result).values[ADDRESS_FIELD] is None


def test_an_invalid_country_fails_that_record_alone_with_netsuites_message(client, sandbox):
    bad = _company(sandbox, "Bad Country Co", HQ)
    good = _company(sandbox, "Good Country Co", HQ)
    records = {r.id: r for r in client.get_many("company_customers", [bad, good])}
    requests = [
        WriteRequest(
            key=f"k{record_id}",
            record_id=record_id,
            values={ADDRESS_FIELD: {"city": "Somewhere", "country": country}},
            fields=[ADDRESS_FIELD],
            meta=records[record_id].meta,
        )
        for record_id, country in ((bad, "Narnia"), (good, "France"))
    ]
    failed, written = client.update_many("company_customers", requests)
    assert isinstance(failed.error, ValidationError)
    assert "Invalid Field Value Narnia for the following field: country" in str(failed.error)
    assert written.ok, written.error
    assert _country(_lines(sandbox, good)["HQ"]) == "FR"
    assert _lines(sandbox, bad)["HQ"]["addressBookAddress"]["city"] == "Springfield"  # unchanged


def test_a_refused_address_query_leaves_addresses_unread_and_is_not_asked_again(client, sandbox, base_url, monkeypatch):
    for n in range(5):
        _company(sandbox, f"Co {n}", HQ)
    # An account whose role cannot read the address tables: NetSuite answers 400.
    monkeypatch.setattr(
        "connections.providers.netsuite.reads.address_book_sql", lambda record_type, ids: "SELECT id FROM nosuchtable"
    )
    client.field_catalog("company_customers")
    before = len(sandbox_requests(base_url))
    pages = list(client.read_changes("company_customers", None, subsidiary_id=SUBSIDIARY, page_size=2))
    records = [r for page in pages for r in page.records]
    assert len(records) == 5
    assert all(ADDRESS_FIELD not in r.values for r in records)
    assert all("address book query" in r.meta["unreadable"][ADDRESS_FIELD] for r in records)
    # Three record pages and ONE refused address query: the refusal is remembered.
    assert [c["status"] for c in sandbox_requests(base_url)[before:]] == [200, 400, 200, 200]


def test_a_contacts_default_address_is_read_and_written_the_same_way(client, sandbox):
    body = {"firstName": "Ada", "lastName": "Lovelace", "subsidiary": {"id": SUBSIDIARY}}
    record_id = str(sandbox.create_record("contact", {**body, "addressBook": {"items": [OTHER, WAREHOUSE]}}))
    (record,) = client.get_many("contacts", [record_id])
    assert record.values[ADDRESS_FIELD] == {
        "street": "Hafenstr. 2",
        "city": "Hamburg",
        "postal_code": "20457",
        "country": "DE",
    }
    request = WriteRequest(
        key="c1",
        record_id=record_id,
        values={ADDRESS_FIELD: {"city": "Bremen", "country": "Germany"}},
        fields=[ADDRESS_FIELD],
        meta=record.meta,
    )
    (result,) = client.update_many("contacts", [request])
    assert result.ok, result.error
    items = sandbox.get_record("contact", int(record_id))["addressBook"]["items"]
    assert sorted(i["addressBookAddress"]["city"] for i in items) == ["Bremen", "Lyon"]
    assert read_back(client, "contacts", result).values[ADDRESS_FIELD] == {"city": "Bremen", "country": "DE"}
