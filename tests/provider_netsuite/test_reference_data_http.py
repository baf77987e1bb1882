"""Subsidiaries, option lists and the field catalog, read from the sandbox over real HTTP."""

import pytest

from connections.providers.fields import FieldOption, FieldType

from .conftest import id_range


def test_subsidiaries_are_listed_with_parent_inactive_and_elimination_flags(client, sandbox, account):
    subsidiaries = {s.name: s for s in client.subsidiaries()}
    assert len(subsidiaries) == 1 + account["generated"]["subsidiary"]["count"]
    root = subsidiaries["Parent Company"]
    assert root.parent_id is None and root.can_hold_records
    inactive = [s for s in subsidiaries.values() if s.is_inactive]
    elimination = [s for s in subsidiaries.values() if s.is_elimination]
    assert len(inactive) == 1 and len(elimination) == 1
    assert not inactive[0].can_hold_records and not elimination[0].can_hold_records
    for info in subsidiaries.values():
        stored = sandbox.get_record("subsidiary", int(info.id))
        assert info.name == stored["name"]
        assert info.is_inactive == bool(stored.get("isInactive"))
        assert info.is_elimination == bool(stored.get("isElimination"))
        assert info.parent_id == (stored["parent"]["id"] if "parent" in stored else None)
        assert info.country == stored["country"]  # ISO 3166-1 alpha-2: a connection's automatic phone region
    assert (subsidiaries["Parent Company"].country, subsidiaries["UK Ltd"].country) == ("US", "GB")


def test_option_lists_hold_the_active_reps_partners_and_lead_sources(client, sandbox, account):
    employees = [sandbox.get_record("employee", i) for i in id_range(account, "employee")]
    expected_reps = {e["id"] for e in employees if e.get("isSalesRep") and not e.get("isInactive")}
    reps = client.sales_reps()
    assert {o.id for o in reps} == expected_reps
    assert any(e.get("isSalesRep") and e.get("isInactive") for e in employees)  # so the filter was tested
    rep = sandbox.get_record("employee", int(reps[0].id))
    assert reps[0].name == f"{rep['firstName']} {rep['lastName']}"

    partners = [sandbox.get_record("partner", i) for i in id_range(account, "partner")]
    assert {o.id for o in client.partners()} == {p["id"] for p in partners if not p.get("isInactive")}

    campaigns = [sandbox.get_record("campaign", i) for i in id_range(account, "campaign")]
    active = {c["id"]: c["title"] for c in campaigns if not c.get("isInactive")}
    assert len(active) < len(campaigns)
    assert {o.id: o.name for o in client.lead_sources()} == active


@pytest.mark.parametrize("populated", [False, True], ids=["empty-account", "generated-account"])
def test_custom_fields_appear_in_the_catalog_with_their_types(client, sandbox, populated):
    if populated:  # with employees to list, the record-valued field has options: its type must not change
        sandbox.seed({"generate": {"customers": 5, "contacts": 2, "seed": 1}})
    catalog = {spec.id: spec for spec in client.field_catalog("company_customers")}
    custom = {spec.id: spec.type for spec in catalog.values() if spec.custom}
    assert custom == {
        "custentity_vip": FieldType.BOOLEAN,
        "custentity_nickname": FieldType.TEXT,
        "custentity_notes": FieldType.LONG_TEXT,
        "custentity_renewal_date": FieldType.DATE,
        "custentity_loyalty_tier": FieldType.SELECT,
        "custentity_interests": FieldType.MULTI_SELECT,
        "custentity_account_manager": FieldType.SELECT,  # a List/Record of employees
        "custentity_seats": FieldType.INTEGER,
        "custentity_discount_rate": FieldType.DECIMAL,
        "custentity_billing_email": FieldType.EMAIL,
        "custentity_assistant_phone": FieldType.PHONE,
    }
    assert catalog["custentity_loyalty_tier"].options == (
        FieldOption("1", "Gold"),
        FieldOption("2", "Silver"),
        FieldOption("3", "Bronze"),
    )
    assert catalog["custentity_vip"].label == "VIP"


def test_a_custom_field_added_to_the_account_shows_up_typed(make_client, sandbox):
    sandbox.seed({"customFields": [{"scriptId": "custentity_region_code", "label": "Region Code", "type": "integer"}]})
    catalog = {spec.id: spec for spec in make_client().field_catalog("contacts")}
    assert catalog["custentity_region_code"].type == FieldType.INTEGER
    assert catalog["custentity_region_code"].custom


def test_standard_fields_are_typed_with_reference_options_and_read_only_flags(client, account):
    catalog = {spec.id: spec for spec in client.field_catalog("company_customers")}
    assert catalog["email"].type == FieldType.EMAIL
    assert catalog["mobilePhone"].type == FieldType.PHONE
    assert catalog["globalSubscriptionStatus"].type == FieldType.SELECT
    assert {o.name for o in catalog["globalSubscriptionStatus"].options} >= {"Soft Opt-In", "Confirmed Opt-Out"}
    assert list(catalog["salesRep"].options) == client.sales_reps()
    assert list(catalog["partner"].options) == client.partners()
    assert list(catalog["leadSource"].options) == client.lead_sources()
    assert catalog["salesRep"].options and catalog["leadSource"].options
    for field_id in ("dateCreated", "lastModifiedDate", "subsidiary", "externalId", "entityId"):
        assert not catalog[field_id].writable, field_id
    assert catalog["companyName"].writable and catalog["email"].writable
    assert "addressBook" not in catalog


def test_the_contact_catalog_has_contact_fields(client, account):
    specs = {spec.id: spec for spec in client.field_catalog("contacts")}
    catalog = set(specs)
    assert {"firstName", "lastName", "title", "email", "company", "subsidiary"} <= catalog
    # The contact record's other standard fields (reference, 4.2).
    assert {"salutation", "middleName", "altEmail", "officePhone", "fax", "contactSource", "entityId"} <= catalog
    assert (specs["altEmail"].type, specs["officePhone"].type, specs["fax"].type) == (
        FieldType.EMAIL,
        FieldType.PHONE,
        FieldType.PHONE,
    )
    # A contact's Initial Lead Source is contactSource, a campaign picked by name like a customer's leadSource.
    assert specs["contactSource"].type == FieldType.REFERENCE and specs["contactSource"].writable
    assert list(specs["contactSource"].options) == client.lead_sources() and specs["contactSource"].options
    # Contacts have no company name, partner, sales rep, or customer lead source.
    assert not catalog & {"companyName", "salesRep", "partner", "leadSource"}
