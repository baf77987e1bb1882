"""Address books of customers and contacts over real HTTP: the REST addressBook sublist
(collapsed, expanded, sub-resources), Oracle's keyed-sublist PATCH and replace semantics, the
refusals, and the SuiteQL address tables with joins and paging."""

import pytest

RECORD = "/services/rest/record/v1"


def _company(small_account, **extra) -> dict:
    return {"companyName": "Acme Inc", "subsidiary": {"id": str(small_account["us"])}, **extra}


def _contact(small_account, **extra) -> dict:
    return {"firstName": "Ada", "lastName": "Lovelace", "subsidiary": {"id": str(small_account["us"])}, **extra}


HQ = {
    "label": "HQ",
    "defaultBilling": True,
    "defaultShipping": False,
    "addressBookAddress": {
        "addressee": "Acme Inc",
        "addr1": "1 Main St",
        "addr2": "Suite 5",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "US",
    },
}
WAREHOUSE = {
    "label": "Warehouse",
    "defaultShipping": True,
    "addressBookAddress": {"addr1": "Hafenstr. 2", "city": "Hamburg", "zip": "20457", "country": {"id": "DE"}},
}


def _lines(client, record_type: str, record_id: int) -> list[dict]:
    response = client.get(f"{RECORD}/{record_type}/{record_id}", params={"expandSubResources": "true"})
    assert response.status_code == 200, response.text
    return response.json()["addressBook"]["items"]


def _refused(response, error_of) -> tuple[str, str, str | None]:
    assert response.status_code == 400, response.text
    code, detail = error_of(response)
    (item,) = response.json()["o:errorDetails"]
    return code, detail, item.get("o:errorPath")


def test_a_customer_address_book_is_collapsed_unless_expanded(client, small_account):
    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ, WAREHOUSE]}))
    collapsed = client.get(f"{RECORD}/customer/{record_id}").json()
    assert list(collapsed["addressBook"]) == ["links"]
    assert collapsed["addressBook"]["links"][0]["href"].endswith(f"/customer/{record_id}/addressBook")
    assert collapsed["defaultAddress"] == "Acme Inc\n1 Main St\nSuite 5\nSpringfield IL 62701\nUnited States"

    hq, warehouse = _lines(client, "customer", record_id)
    assert (hq["label"], hq["defaultBilling"], hq["defaultShipping"]) == ("HQ", True, False)
    assert (warehouse["label"], warehouse["defaultBilling"], warehouse["defaultShipping"]) == ("Warehouse", False, True)
    assert hq["internalId"] == hq["id"] != warehouse["id"]
    address = warehouse["addressBookAddress"]
    assert address["country"] == {"id": "DE", "refName": "Germany"}
    assert address["addrText"] == "Hafenstr. 2\nHamburg 20457\nGermany"
    assert "addr2" not in address and "state" not in address  # empty parts are omitted

    # The sub-resources: the sublist, one line, one line's address subrecord.
    listed = client.get(f"{RECORD}/customer/{record_id}/addressBook")
    assert listed.status_code == 200
    assert [x["id"] for x in listed.json()["items"]] == [hq["id"], warehouse["id"]]
    line = client.get(f"{RECORD}/customer/{record_id}/addressBook/{warehouse['id']}").json()
    assert line["label"] == "Warehouse"
    sub = client.get(f"{RECORD}/customer/{record_id}/addressBook/{warehouse['id']}/addressBookAddress").json()
    assert sub["city"] == "Hamburg"
    assert client.get(f"{RECORD}/customer/{record_id}/addressBook/999999").status_code == 404


def test_a_contact_has_an_address_book_too(client, small_account):
    record_id = client.create("contact", _contact(small_account, addressBook={"items": [HQ]}))
    (line,) = _lines(client, "contact", record_id)
    assert line["addressBookAddress"]["city"] == "Springfield"
    collapsed = client.get(f"{RECORD}/contact/{record_id}").json()
    assert list(collapsed["addressBook"]) == ["links"]
    assert client.get(f"{RECORD}/contact/{record_id}/addressbook").status_code == 200  # either casing


def test_patch_updates_lines_by_id_and_adds_the_others_keeping_the_rest(client, sandbox, small_account):
    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ, WAREHOUSE]}))
    hq, warehouse = _lines(client, "customer", record_id)
    before = client.get(f"{RECORD}/customer/{record_id}").json()["lastModifiedDate"]
    sandbox.advance_clock(90)
    new_line = {"label": "Branch", "addressBookAddress": {"addr1": "9 Elm St", "city": "Dayton", "country": "US"}}
    response = client.patch(
        f"{RECORD}/customer/{record_id}",
        json={"addressBook": {"items": [{"id": warehouse["id"], "label": "Depot"}, new_line]}},
    )
    assert response.status_code == 204, response.text
    after_hq, after_warehouse, branch = _lines(client, "customer", record_id)
    assert after_hq == hq  # not in the request: untouched
    assert after_warehouse["id"] == warehouse["id"]
    assert after_warehouse["label"] == "Depot"  # only what the line carries changes
    assert after_warehouse["addressBookAddress"] == warehouse["addressBookAddress"]
    assert after_warehouse["defaultShipping"] is True
    assert branch["label"] == "Branch" and branch["id"] not in (hq["id"], warehouse["id"])
    # A change of the address book is a change of the record.
    assert client.get(f"{RECORD}/customer/{record_id}").json()["lastModifiedDate"] > before


def test_patch_with_replace_keeps_only_the_lines_sent(client, small_account):
    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ, WAREHOUSE]}))
    hq, warehouse = _lines(client, "customer", record_id)
    response = client.patch(
        f"{RECORD}/customer/{record_id}",
        params={"replace": "addressBook"},
        json={"addressBook": {"items": [{"id": hq["id"]}]}},
    )
    assert response.status_code == 204, response.text
    (kept,) = _lines(client, "customer", record_id)
    assert kept == hq
    rows = client.rows(f"SELECT internalid FROM customerAddressbook WHERE entity = {record_id}")
    assert rows == [{"links": [], "internalid": str(hq["id"])}]
    assert client.rows("SELECT nkey FROM customerAddressbookEntityAddress WHERE city = 'Hamburg'") == []


def test_put_upsert_replaces_the_address_book_it_carries(client, small_account):
    path = f"{RECORD}/customer/eid:ACME-1"
    assert client.put(path, json=_company(small_account, addressBook={"items": [HQ, WAREHOUSE]})).status_code == 204
    assert client.put(path, json=_company(small_account, addressBook={"items": [WAREHOUSE]})).status_code == 204
    record_id = client.get(path).json()["id"]
    (line,) = _lines(client, "customer", record_id)
    assert line["label"] == "Warehouse"


def test_a_line_id_that_is_not_on_the_record_is_refused(client, small_account, error_of):
    first = client.create("customer", _company(small_account, addressBook={"items": [HQ]}))
    other = client.create("customer", _company(small_account, companyName="Other", addressBook={"items": [HQ]}))
    (foreign,) = _lines(client, "customer", other)
    for params in ({}, {"replace": "addressBook"}):
        response = client.patch(
            f"{RECORD}/customer/{first}",
            params=params,
            json={"addressBook": {"items": [{"id": foreign["id"], "label": "Stolen"}]}},
        )
        code, detail, path = _refused(response, error_of)
        assert code == "USER_ERROR"
        assert "does not exist" in detail
        assert path == "addressBook.items[0].id"
    assert _lines(client, "customer", other)[0]["label"] == "HQ"


@pytest.mark.parametrize("country", ["Germany", "XX", "us", "USA", 49])
def test_a_country_must_be_a_known_two_letter_code(client, small_account, error_of, country):
    line = {"addressBookAddress": {"addr1": "1 Main St", "country": country}}
    response = client.post(f"{RECORD}/customer", json=_company(small_account, addressBook={"items": [line]}))
    code, detail, path = _refused(response, error_of)
    assert code == "USER_ERROR"
    assert f"Invalid Field Value {country} for the following field: country" in detail
    assert path == "addressBook.items[0].addressBookAddress.country"
    assert client.rows("SELECT COUNT(*) AS n FROM customer") == [{"links": [], "n": "0"}]


def test_an_address_without_any_part_is_refused(client, small_account, error_of):
    for line in ({"label": "Empty"}, {"addressBookAddress": {"country": "US"}}):
        response = client.post(f"{RECORD}/customer", json=_company(small_account, addressBook={"items": [line]}))
        code, detail, path = _refused(response, error_of)
        assert (code, detail, path) == (
            "USER_ERROR",
            "Error while accessing a resource. Please enter value(s) for: Address.",
            "addressBook.items[0].addressBookAddress",
        )


def test_two_default_billing_lines_are_refused_and_a_new_default_takes_the_mark(client, small_account, error_of):
    both = {"items": [HQ, {**WAREHOUSE, "defaultBilling": True}]}
    response = client.post(f"{RECORD}/customer", json=_company(small_account, addressBook=both))
    code, detail, path = _refused(response, error_of)
    assert code == "USER_ERROR" and "Default Billing" in detail
    assert path == "addressBook.items.defaultBilling"

    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ]}))
    response = client.patch(
        f"{RECORD}/customer/{record_id}", json={"addressBook": {"items": [{**WAREHOUSE, "defaultBilling": True}]}}
    )
    assert response.status_code == 204, response.text
    hq, warehouse = _lines(client, "customer", record_id)
    assert (hq["defaultBilling"], warehouse["defaultBilling"]) == (False, True)
    rows = client.rows(
        f"SELECT internalid FROM customerAddressbook WHERE entity = {record_id} AND defaultbilling = 'T'"
    )
    assert rows == [{"links": [], "internalid": str(warehouse["id"])}]


def test_address_requests_are_logged_like_any_other(client, sandbox, small_account):
    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ]}))
    client.get(f"{RECORD}/customer/{record_id}/addressBook")
    paths = [entry["path"] for entry in sandbox.requests()]
    assert paths[-2:] == [f"{RECORD}/customer", f"{RECORD}/customer/{record_id}/addressBook"]


def test_suiteql_joins_address_books_to_their_addresses(client, small_account):
    ids = []
    for index in range(5):
        lines = [
            {**HQ, "addressBookAddress": {**HQ["addressBookAddress"], "addr1": f"{index} Main St"}},
            {**WAREHOUSE, "defaultShipping": True},
        ]
        ids.append(
            client.create("customer", _company(small_account, companyName=f"Co {index}", addressBook={"items": lines}))
        )
    contact = client.create("contact", _contact(small_account, addressBook={"items": [WAREHOUSE]}))
    query = (
        "SELECT b.entity, b.internalid, b.label, b.defaultbilling, b.defaultshipping, "
        "a.addressee, a.addr1, a.addr2, a.city, a.state, a.zip, a.country, a.addrtext "
        "FROM customerAddressbook b JOIN customerAddressbookEntityAddress a ON b.addressbookaddress = a.nkey "
        f"WHERE b.entity IN ({', '.join(map(str, ids))}) ORDER BY b.entity, b.internalid"
    )
    first = client.suiteql(query, limit=4, offset=0)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["count"], body["hasMore"], body["totalResults"]) == (4, True, 10)
    row = body["items"][0]
    assert row == {
        "links": [],
        "entity": str(ids[0]),
        "internalid": row["internalid"],
        "label": "HQ",
        "defaultbilling": "T",
        "defaultshipping": "F",
        "addressee": "Acme Inc",
        "addr1": "0 Main St",
        "addr2": "Suite 5",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "US",
        "addrtext": "Acme Inc\n0 Main St\nSuite 5\nSpringfield IL 62701\nUnited States",
    }
    warehouse = body["items"][1]
    assert "addr2" not in warehouse and "state" not in warehouse  # NULL columns are omitted
    pages = body["items"]
    for offset in (4, 8):
        pages += client.suiteql(query, limit=4, offset=offset).json()["items"]
    assert [(r["entity"], r["label"]) for r in pages] == [(str(i), label) for i in ids for label in ("HQ", "Warehouse")]

    # Keyset paging and the default filters a bulk reader sends; unqualified columns resolve to their table.
    keyset = client.rows(
        "SELECT entity, city FROM customerAddressbook b JOIN customerAddressbookEntityAddress a "
        f"ON b.addressbookaddress = a.nkey WHERE entity >= {ids[3]} AND defaultshipping = 'T' ORDER BY entity"
    )
    assert keyset == [{"links": [], "entity": str(i), "city": "Hamburg"} for i in ids[3:]]
    between = client.rows(
        "SELECT b.entity FROM customerAddressbook b INNER JOIN customerAddressbookEntityAddress a "
        f"ON a.nkey = b.addressbookaddress WHERE b.entity BETWEEN {ids[1]} AND {ids[2]} AND b.defaultbilling = 'T' "
        "ORDER BY b.entity"
    )
    assert [r["entity"] for r in between] == [str(ids[1]), str(ids[2])]
    contacts = client.rows(
        "SELECT b.entity, a.country FROM contactAddressbook b "
        "JOIN contactAddressbookEntityAddress a ON b.addressbookaddress = a.nkey ORDER BY b.internalid"
    )
    assert contacts == [{"links": [], "entity": str(contact), "country": "DE"}]


def test_suiteql_join_refusals(client, small_account, error_of):
    client.create("customer", _company(small_account, addressBook={"items": [HQ]}))
    for query in (
        "SELECT entity FROM customerAddressbook b, customerAddressbookEntityAddress a",  # comma join
        "SELECT c.id FROM customer c JOIN customer d ON c.id = d.id WHERE id > 0",  # ambiguous column
        "SELECT b.entity FROM customerAddressbook b RIGHT JOIN customerAddressbookEntityAddress a ON 1 = 1",
        # nkey is a column of the address table, not of the address book
        "SELECT b.nkey FROM customerAddressbook b JOIN customerAddressbookEntityAddress a"
        " ON a.nkey = b.addressbookaddress",
    ):
        response = client.suiteql(query)
        assert response.status_code == 400, query
        assert "Invalid search query" in error_of(response)[1], query


def test_a_left_join_from_customers_keeps_those_without_addresses(client, small_account):
    with_address = client.create("customer", _company(small_account, addressBook={"items": [HQ]}))
    without = client.create("customer", _company(small_account, companyName="Bare Co"))
    rows = client.rows(
        "SELECT c.id, a.city FROM customer c LEFT OUTER JOIN customerAddressbook b ON b.entity = c.id "
        "LEFT JOIN customerAddressbookEntityAddress a ON a.nkey = b.addressbookaddress ORDER BY c.id"
    )
    assert rows == [
        {"links": [], "id": str(with_address), "city": "Springfield"},
        {"links": [], "id": str(without)},
    ]


def test_deleting_a_record_removes_its_address_book(client, small_account):
    record_id = client.create("customer", _company(small_account, addressBook={"items": [HQ, WAREHOUSE]}))
    assert client.delete(f"{RECORD}/customer/{record_id}").status_code == 204
    assert client.rows("SELECT internalid FROM customerAddressbook") == []
    assert client.rows("SELECT nkey FROM customerAddressbookEntityAddress") == []


def test_generated_accounts_add_contact_and_second_addresses_only_when_asked(sandbox, client):
    sandbox.seed({"generate": {"customers": 40, "contacts": 30, "seed": 3}})
    count = "SELECT COUNT(*) AS n FROM {}"
    customer_lines = int(client.rows(count.format("customerAddressbook"))[0]["n"])
    assert 0 < customer_lines <= 40  # about 60% of customers, one line each
    assert client.rows(count.format("contactAddressbook")) == [{"links": [], "n": "0"}]

    sandbox.reset()
    sandbox.seed(
        {
            "generate": {
                "customers": 40,
                "contacts": 30,
                "seed": 3,
                "contact_address_ratio": 1,
                "second_address_ratio": 1,
            }
        }
    )
    assert int(client.rows(count.format("customerAddressbook"))[0]["n"]) == 2 * customer_lines
    assert client.rows(count.format("contactAddressbook")) == [{"links": [], "n": "30"}]
    shipping = client.rows(
        "SELECT COUNT(*) AS n FROM customerAddressbook WHERE defaultshipping = 'T' AND defaultbilling = 'F'"
    )
    assert shipping == [{"links": [], "n": str(customer_lines)}]
