"""Issue 6's three decisions, evaluated on records READ from the sandboxes through the providers,
with the option lists and catalogs the providers return (rules built as the admin builds them)."""

from __future__ import annotations

from django.utils import timezone

from connections.clients import client_for
from rules.choices import ActionKind
from rules.choices import Operator as Op
from rules.evaluator import evaluate
from rules.specs import ActionSpec, ConditionSpec, RuleSpec
from rules.validation import validate_action, validate_condition
from rules.values import resolve_option

from .helpers import g_person, ns_person, seed


def _read_all(client, object_type, **scope):
    records = []
    for page in client.read_changes(object_type, None, **scope):
        records.extend(page.records)
    return {r.values.get("email"): r for r in records if r.values.get("email")}


def _picked(field, name):
    option = resolve_option(field, name)
    assert option is not None, f"{name} is not an option of {field.id}"
    return {"id": option.id, "name": option.name}


def test_the_three_rule_decisions_on_records_read_from_the_sandboxes(sandboxes, connection):
    reps = sandboxes.netsuite.seed(
        {
            "records": {
                "employee": [
                    {"firstName": "Ann", "lastName": "Rep", "isSalesRep": True, "subsidiary": {"id": "1"}},
                    {"firstName": "Bob", "lastName": "Rep", "isSalesRep": True, "subsidiary": {"id": "1"}},
                ],
                "partner": [{"companyName": "Acme Partners", "subsidiary": {"id": "1"}}],
                "campaign": [{"title": "Trade Show"}],
            },
        }
    )["created"]
    seed(
        sandboxes,
        netsuite=[
            ns_person("Vic", "Ip", "vip@example.com", salesRep={"id": str(reps["employee"][0])}, custentity_vip=True),
            ns_person("Bo", "Other", "other@example.com", salesRep={"id": str(reps["employee"][1])}),
        ],
        google=[g_person("Bo", "Other", "other@example.com")],
    )
    ns = client_for(connection.netsuite_account)
    google = client_for(connection.app_account)
    vip_group = google.create_contact_group("VIP")
    ns_catalog = {f.id: f for f in ns.field_catalog("individual_customers")}
    g_catalog = {f.id: f for f in google.field_catalog("contacts")}
    records = _read_all(ns, "individual_customers", subsidiary_id="1")
    in_google = set(_read_all(google, "contacts"))
    now = timezone.now()

    # IF Sales Rep is Ann Rep THEN sync and set Initial Lead Source to Trade Show.
    rep_rule = RuleSpec(
        "Ann's customers",
        conditions=[ConditionSpec("salesRep", Op.IS, _picked(ns_catalog["salesRep"], "Ann Rep"))],
        actions=[ActionSpec("leadSource", _picked(ns_catalog["leadSource"], "Trade Show"))],
    )
    # IF VIP is true THEN add to the Google group VIP.
    vip_rule = RuleSpec(
        "VIPs",
        conditions=[ConditionSpec("custentity_vip", Op.IS_TRUE)],
        actions=[ActionSpec("memberships", {"id": vip_group.id, "name": "VIP"}, kind=ActionKind.ADD_TO_GROUP)],
    )
    # IF already exists in the other app THEN update Partner.
    exists_rule = RuleSpec(
        "Known in Google",
        conditions=[ConditionSpec(None, Op.EXISTS_IN_OTHER_APP)],
        actions=[ActionSpec("partner", _picked(ns_catalog["partner"], "Acme Partners"))],
    )
    for rule, source, target, target_app in (
        (rep_rule, ns_catalog, ns_catalog, "NetSuite"),
        (vip_rule, ns_catalog, g_catalog, "Google Contacts"),
        (exists_rule, g_catalog, ns_catalog, "NetSuite"),
    ):
        for condition in rule.conditions:
            assert validate_condition(condition, source.get(condition.field_id) if condition.field_id else None) == []
        for action in rule.actions:
            assert validate_action(action, target.get(action.field_id), app=target_app) == []

    vip, other = records["vip@example.com"], records["other@example.com"]

    def decide(rule, record, catalog, exists):
        return evaluate([rule], record.values, exists, catalog=catalog, now=now, is_create=not exists)

    decision = decide(rep_rule, vip, ns_catalog, "vip@example.com" in in_google)
    assert decision.sync and decision.actions["leadSource"]["name"] == "Trade Show"
    assert not decide(rep_rule, other, ns_catalog, True).sync

    decision = decide(vip_rule, vip, ns_catalog, False)
    assert decision.sync and decision.groups_to_add == [{"id": vip_group.id, "name": "VIP"}]
    assert not decide(vip_rule, other, ns_catalog, True).sync

    google_other = _read_all(google, "contacts")["other@example.com"]
    decision = decide(exists_rule, google_other, g_catalog, "other@example.com" in records)
    assert decision.sync and decision.actions["partner"]["name"] == "Acme Partners"
    assert not decide(exists_rule, google_other, g_catalog, False).sync
