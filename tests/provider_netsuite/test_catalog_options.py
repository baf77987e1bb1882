"""Options of select and reference fields in the field catalog: Sales Rep, Partner and Initial
Lead Source from SuiteQL (paged, read once per client), every other select named from the
metadata in each plausible shape (the reference is UNCERTAIN about it)."""

import pytest

from connections.providers.fields import FieldOption
from connections.providers.netsuite.catalog import schema_options

from .conftest import sandbox_requests

SUITEQL = ("POST", "/services/rest/query/v1/suiteql")
METADATA = ("GET", "/services/rest/record/v1/metadata-catalog/customer")

_ID = {"title": "Internal identifier", "type": "string"}
NAMED = [FieldOption("1", "Soft Opt-Out"), FieldOption("2", "Soft Opt-In")]


@pytest.mark.parametrize(
    "prop, expected",
    [
        pytest.param(  # the sandbox: names beside the reference, bare ids on its id
            {
                "type": "object",
                "x-ns-select-options": [{"id": "1", "refName": "Soft Opt-Out"}, {"id": "2", "refName": "Soft Opt-In"}],
                "properties": {"id": {**_ID, "enum": ["1", "2"]}, "refName": {"type": "string"}},
            },
            NAMED,
            id="sandbox-select-options-beside-an-id-enum",
        ),
        pytest.param(  # ids first in the document, names further in: the names are not lost
            {
                "type": "object",
                "enum": ["1", "2"],
                "properties": {"id": {**_ID, "enum": ["1", "2"], "x-enumNames": ["Soft Opt-Out", "Soft Opt-In"]}},
            },
            NAMED,
            id="bare-enum-first-names-on-the-id",
        ),
        pytest.param(
            {"type": "object", "properties": {"id": {**_ID, "oneOf": [{"const": 1, "title": "Soft Opt-Out"}]}}},
            [FieldOption("1", "Soft Opt-Out")],
            id="one-of-const-title",
        ),
        pytest.param(
            {"type": "object", "x-ns-options": [{"value": "1", "text": "Soft Opt-Out"}, {"text": "no id"}, None]},
            [FieldOption("1", "Soft Opt-Out")],
            id="value-text-items-without-an-id-skipped",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"id": {**_ID, "enum": ["1", "2"]}}},
                    }
                },
                "x-ns-select-options": [{"id": "1", "refName": "Hiking"}, {"id": "2", "refName": "Cooking"}],
            },
            [FieldOption("1", "Hiking"), FieldOption("2", "Cooking")],
            id="multiple-select-collection",
        ),
        pytest.param(
            {"type": "object", "properties": {"id": {**_ID, "enum": ["6", "7"]}}},
            [FieldOption("6", "6"), FieldOption("7", "7")],
            id="ids-only-when-no-name-is-known",
        ),
        pytest.param({"type": "object", "properties": {"id": _ID}}, [], id="no-options"),
    ],
)
def test_schema_options_keep_names_in_every_plausible_shape(prop, expected):
    assert schema_options(prop) == expected


def _suiteql_names(client, table: str) -> dict[str, str]:
    return {row["id"]: row["name"] for row in client.suiteql(f"SELECT id, name FROM {table} ORDER BY id").data["items"]}


def test_list_fields_are_named_as_in_netsuite_not_by_id(client, account):
    catalog = {spec.id: spec for spec in client.field_catalog("company_customers")}

    for field_id, table in (("entityStatus", "entitystatus"), ("globalSubscriptionStatus", "globalsubscriptionstatus")):
        options = {o.id: o.name for o in catalog[field_id].options}
        assert options == _suiteql_names(client, table), field_id
        assert all(name != option_id for option_id, name in options.items()), field_id
    assert {o.name for o in catalog["category"].options} == set(_suiteql_names(client, "customercategory").values())


def test_reps_partners_and_lead_sources_come_from_suiteql_once_per_client(make_client, sandbox, base_url, account):
    # More reps than a schema lists (the sandbox stops at 200) and than one SuiteQL page holds (1000).
    sandbox.seed(
        {
            "records": {
                "employee": [
                    {"firstName": f"Rep{i:04d}", "lastName": "Extra", "subsidiary": {"id": "1"}, "isSalesRep": True}
                    for i in range(1100)
                ]
            }
        }
    )
    client = make_client()
    before = len(sandbox_requests(base_url))

    company = {spec.id: spec for spec in client.field_catalog("company_customers")}
    first = [(c["method"], c["path"]) for c in sandbox_requests(base_url)[before:] if c["path"] != "/_sandbox/requests"]

    schema = client._schema("customer")
    assert "x-ns-select-options" not in schema["properties"]["salesRep"]  # so the names can only come from SuiteQL
    reps = company["salesRep"].options
    assert len(reps) > 1100 and len({o.id for o in reps}) == len(reps)
    assert FieldOption(reps[-1].id, "Rep1099 Extra") == reps[-1]
    assert company["partner"].options and all(o.name != o.id for o in company["partner"].options)
    assert company["leadSource"].options and all(o.name != o.id for o in company["leadSource"].options)
    # One metadata read; employees in two pages of 1000, partners and campaigns in one each.
    assert sorted(first) == sorted([METADATA] + [SUITEQL] * 4)

    mark = len(sandbox_requests(base_url))
    individual = {spec.id: spec for spec in client.field_catalog("individual_customers")}
    again = [c for c in sandbox_requests(base_url)[mark:] if not c["path"].startswith("/_sandbox/")]
    assert again == []  # same record type: schema and option lists come from the client's cache
    assert individual["salesRep"].options == reps
    assert client.sales_reps() == list(reps)


def test_a_refresh_reads_the_option_lists_again(make_client, sandbox, account):
    client = make_client()
    before = {spec.id: spec for spec in client.field_catalog("company_customers")}
    sandbox.seed(
        {
            "records": {
                "employee": [{"firstName": "Newly", "lastName": "Hired", "subsidiary": {"id": "1"}, "isSalesRep": True}]
            }
        }
    )

    cached = {spec.id: spec for spec in client.field_catalog("company_customers")}
    refreshed = {spec.id: spec for spec in client.field_catalog("company_customers", refresh=True)}

    assert cached["salesRep"].options == before["salesRep"].options
    assert "Newly Hired" in {o.name for o in refreshed["salesRep"].options}
    assert len(refreshed["salesRep"].options) == len(before["salesRep"].options) + 1
    assert "Newly Hired" in {o.name for o in client.sales_reps()}  # the cache holds the refreshed list


def test_an_account_without_reps_partners_or_lead_sources_offers_no_options(client, sandbox):
    catalog = {spec.id: spec for spec in client.field_catalog("company_customers")}

    assert (catalog["salesRep"].options, catalog["partner"].options, catalog["leadSource"].options) == ((), (), ())
    assert catalog["entityStatus"].options  # lists every account has are still named
