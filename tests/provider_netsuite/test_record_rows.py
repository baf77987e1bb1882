from datetime import UTC, date, datetime

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from connections.providers.netsuite.contact_types import contact_type
from connections.providers.netsuite.record_rows import RecordQuery

CATALOG = [
    FieldSpec("companyName", "Company Name", FieldType.TEXT),
    FieldSpec("salesRep", "Sales Rep", FieldType.REFERENCE),
    FieldSpec("isInactive", "Inactive", FieldType.BOOLEAN),
    FieldSpec("lastModifiedDate", "Last Modified", FieldType.DATETIME, writable=False),
    FieldSpec("custentity_since", "Since", FieldType.DATE, custom=True),
    FieldSpec(
        "custentity_tags",
        "Tags",
        FieldType.MULTI_SELECT,
        custom=True,
        options=(FieldOption("1", "Gold"), FieldOption("2", "VIP")),
    ),
]


def test_the_select_list_formats_dates_and_names_references():
    query = RecordQuery(contact_type("company_customers"), CATALOG)
    sql = query.select(query.type_conditions("3")).page_sql()
    assert sql.startswith("SELECT id, companyname, salesrep, BUILTIN.DF(salesrep) AS df_1, isinactive, ")
    assert 'TO_CHAR(SYS_EXTRACT_UTC(lastmodifieddate), \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') AS lastmodifieddate' in sql
    assert "TO_CHAR(custentity_since, 'YYYY-MM-DD') AS custentity_since" in sql
    assert "externalid" in sql  # always selected: it is the idempotency key of our creates
    assert "FROM customer WHERE subsidiary = 3 AND isperson = 'F' ORDER BY id" in sql


def test_contacts_have_no_isperson_condition():
    query = RecordQuery(contact_type("contacts"), CATALOG)
    assert query.type_conditions("5") == ["subsidiary = 5"]
    assert RecordQuery(contact_type("individual_customers"), CATALOG).type_conditions(None) == ["isperson = 'T'"]


def test_a_row_becomes_a_typed_record_with_nulls_for_omitted_columns():
    query = RecordQuery(contact_type("company_customers"), CATALOG)
    record = query.record(
        {
            "id": 107,
            "companyname": "Acme",
            "salesrep": "7",
            "df_1": "Jane Rep",
            "isinactive": "F",
            "lastmodifieddate": "2024-05-01T10:00:00Z",
            "custentity_since": "2020-01-31",
            "custentity_tags": "1, 2",
            "externalid": "cs-1",
            "links": [],
        }
    )
    assert record.id == "107"
    assert record.modified_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert record.values == {
        "companyName": "Acme",
        "salesRep": {"id": "7", "name": "Jane Rep"},
        "isInactive": False,
        "lastModifiedDate": datetime(2024, 5, 1, 10, tzinfo=UTC),
        "custentity_since": date(2020, 1, 31),
        "custentity_tags": [{"id": "1", "name": "Gold"}, {"id": "2", "name": "VIP"}],
    }
    assert record.meta["externalId"] == "cs-1"
    empty = query.record({"id": "108"})
    assert empty.values["companyName"] is None and empty.values["custentity_tags"] == []


def test_an_unreadable_value_is_left_out_and_named_so_the_rest_of_the_read_goes_on():
    query = RecordQuery(contact_type("company_customers"), CATALOG)
    record = query.record({"id": "1", "companyname": "Acme", "custentity_since": "31/01/2020"})
    assert "custentity_since" not in record.values
    assert "custentity_since" in record.meta["unreadable"]["custentity_since"]
