"""What HubSpot registered, as the product asks the registry for it (pure: no HTTP)."""

from connections.providers.base import Record
from connections.providers.hubspot.catalog import standard_catalog
from connections.providers.hubspot.cursor import search_body
from connections.providers.hubspot.objects import OBJECT_TYPES
from connections.providers.hubspot.reads import _listed_until
from connections.providers.hubspot.translation import META_SYNC_KEY, object_to_record, property_names
from connections.providers.hubspot.writes import sync_key_property
from connections.providers.registry import display_name, get_provider, static_catalog, sync_key_of


def test_the_sync_key_is_read_from_the_property_the_client_put_in_meta():
    assert sync_key_of(Record(id="512", meta={META_SYNC_KEY: "cs-9"})) == "cs-9"
    assert sync_key_of(Record(id="512", meta={})) == ""


def test_names_and_record_pages():
    info = get_provider("hubspot")
    assert display_name({"firstname": "Ann", "lastname": "Lee", "company": "Acme"}) == "Ann Lee"
    assert info.company_name({"company": "Acme"}) == "Acme"
    assert info.record_url("4242", "", "contacts", "512") == "https://app.hubspot.com/contacts/4242/record/0-1/512"
    assert info.record_url("4242", "http://127.0.0.1:8803", "contacts", "512") == (
        "http://127.0.0.1:8803/crm/v3/objects/contacts/512"
    )
    assert info.record_url("4242", "", "contacts", "") == ""


def test_the_static_catalog_and_a_typed_credential():
    ids = {spec.id for spec in static_catalog("hubspot", "contacts")}
    assert {"email", "firstname", "lastname", "phone", "mobilephone", "company", "jobtitle", "postal_address"} <= ids
    assert static_catalog("hubspot", "deals") == ()
    info = get_provider("hubspot")
    assert [c.name for c in info.credential_fields] == ["private_app_token"] and info.oauth is None
    assert info.capabilities.write_batch == 100 and info.capabilities.read_batch == 100


def test_the_sync_key_property_has_every_field_a_property_create_requires():
    body = sync_key_property(OBJECT_TYPES["contacts"])
    assert {"name", "label", "type", "fieldType", "groupName"} <= set(body)
    assert (body["type"], body["fieldType"]) == ("string", "text")


def test_a_full_listing_leaves_the_cursor_no_later_than_its_start():
    assert _listed_until(None, 5_000) == 5_000
    assert _listed_until(9_000, 5_000) == 5_000  # a record changed during the listing, on a page already read
    assert _listed_until(3_000, 5_000) == 3_000


def test_companies_are_read_on_their_own_last_modified_property():
    companies = OBJECT_TYPES["companies"]
    assert get_provider("hubspot").object_types == ("contacts", "companies")
    assert get_provider("hubspot").default_object_type == "contacts"
    assert search_body(companies.modified_property, 0, [])["sorts"][0]["propertyName"] == "hs_lastmodifieddate"
    catalog = {spec.id: spec for spec in standard_catalog("companies")}
    company = {
        "id": "88",
        "properties": {"name": "Acme", "domain": "acme.example", "hs_lastmodifieddate": "1774872000000"},
        "archived": False,
    }
    record = object_to_record(company, catalog, companies)
    assert record.values == {"name": "Acme", "domain": "acme.example"}
    assert record.modified_at is not None and record.modified_at.year == 2026
    assert "hs_lastmodifieddate" in property_names(catalog.values(), companies)
