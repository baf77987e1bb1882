"""A field catalog refreshed from the NetSuite sandbox (what "Refresh field catalogs" stores)
offers the options rules pick by name: Sales Rep, Partner, Initial Lead Source, Status and
Global Subscription Status, each with its NetSuite name."""

from mappings.catalog_cache import catalog_for, refresh_catalog


def test_a_refreshed_catalog_offers_named_options_for_rules(sandbox_account, netsuite):
    refresh_catalog(sandbox_account, "company_customers")

    fields = {spec.id: spec for spec in catalog_for(sandbox_account, "company_customers")}
    app = netsuite.app
    for field_id in ("salesRep", "partner", "leadSource", "entityStatus", "globalSubscriptionStatus"):
        options = fields[field_id].options
        assert options, field_id
        assert all(option.name and option.name != option.id for option in options), (field_id, options[:3])
    rep = fields["salesRep"].options[0]
    employee = app.get_record("employee", int(rep.id))
    assert rep.name == f"{employee['firstName']} {employee['lastName']}" and employee["isSalesRep"]
    source = fields["leadSource"].options[0]
    assert source.name == app.get_record("campaign", int(source.id))["title"]
    partner = fields["partner"].options[0]
    assert partner.name == app.get_record("partner", int(partner.id))["companyName"]
    assert {"Soft Opt-In", "Soft Opt-Out", "Confirmed Opt-In", "Confirmed Opt-Out"} == {
        o.name for o in fields["globalSubscriptionStatus"].options
    }
    assert "CUSTOMER-Closed Won" in {o.name for o in fields["entityStatus"].options}
