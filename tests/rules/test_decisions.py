"""The three decisions of the issue's acceptance, on records shaped like the providers'.

Each rule is built the way the admin will build it: options picked by name
(:func:`resolve_option`), then validated, then evaluated.
"""

from datetime import UTC, date, datetime

import pytest

from rules.choices import ActionKind, ApplyOn
from rules.choices import Operator as Op
from rules.evaluator import evaluate
from rules.specs import ActionSpec, ConditionSpec, RuleSpec
from rules.validation import validate_action, validate_condition
from rules.values import resolve_option

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def _picked(field, name):
    option = resolve_option(field, name)
    assert option is not None, name
    return {"id": option.id, "name": option.name}


def _netsuite_customer(**values):
    """A NetSuite customer's values as the provider returns them."""
    record = {
        "firstName": "Ann",
        "lastName": "Example",
        "email": "ann@example.com",
        "salesRep": {"id": "8", "name": "Bob Rep"},
        "partner": None,
        "leadSource": None,
        "custentity_vip": False,
        "subsidiary": {"id": "1", "name": "HQ"},
        "lastModifiedDate": datetime(2025, 6, 14, 9, 30, tzinfo=UTC),
        "isInactive": False,
    }
    record.update(values)
    return record


def _assert_valid(rule, source, target, source_app, target_app):
    for condition in rule.conditions:
        field = source.get(condition.field_id) if condition.field_id else None
        assert validate_condition(condition, field, app=source_app) == []
    for action in rule.actions:
        assert validate_action(action, target.get(action.field_id), app=target_app) == []


@pytest.fixture
def sales_rep_rule(netsuite_catalog):
    """IF Sales Rep is Ann Rep THEN sync and set Initial Lead Source to Trade Show.

    Both fields are NetSuite's, so the condition and the action are checked
    against NetSuite's catalog (which direction carries such a rule is the
    models' business, not the evaluator's).
    """
    return RuleSpec(
        "Ann's customers come from trade shows",
        conditions=[ConditionSpec("salesRep", Op.IS, _picked(netsuite_catalog["salesRep"], "Ann Rep"))],
        actions=[ActionSpec("leadSource", _picked(netsuite_catalog["leadSource"], "Trade Show"))],
    )


def test_sales_rep_rule_is_valid(sales_rep_rule, netsuite_catalog):
    _assert_valid(sales_rep_rule, netsuite_catalog, netsuite_catalog, "NetSuite", "NetSuite")


@pytest.mark.parametrize(
    ("sales_rep", "synced"),
    [({"id": "7", "name": "Ann Rep"}, True), ({"id": "8", "name": "Bob Rep"}, False), (None, False)],
)
def test_if_sales_rep_is_x_then_sync_and_set_initial_lead_source(sales_rep_rule, netsuite_catalog, sales_rep, synced):
    record = _netsuite_customer(salesRep=sales_rep)
    decision = evaluate([sales_rep_rule], record, False, catalog=netsuite_catalog, now=NOW, is_create=True)
    assert decision.sync is synced
    assert decision.actions == ({"leadSource": {"id": "2", "name": "Trade Show"}} if synced else {})
    assert decision.matched == (["Ann's customers come from trade shows"] if synced else [])


@pytest.fixture
def vip_rule(netsuite_catalog, google_catalog):
    """IF custom check box custentity_vip is true THEN add to the Google group VIP (NetSuite → Google)."""
    return RuleSpec(
        "VIPs into the VIP group",
        conditions=[ConditionSpec("custentity_vip", Op.IS_TRUE)],
        actions=[
            ActionSpec("memberships", _picked(google_catalog["memberships"], "VIP"), kind=ActionKind.ADD_TO_GROUP)
        ],
    )


def test_vip_rule_is_valid(vip_rule, netsuite_catalog, google_catalog):
    _assert_valid(vip_rule, netsuite_catalog, google_catalog, "NetSuite", "Google Contacts")


@pytest.mark.parametrize(("vip", "synced"), [(True, True), (False, False), (None, False)])
@pytest.mark.parametrize("is_create", [True, False])
def test_if_custom_checkbox_is_true_then_add_to_google_group_vip(
    vip_rule, netsuite_catalog, google_catalog, vip, synced, is_create
):
    record = _netsuite_customer(custentity_vip=vip)
    decision = evaluate(
        [vip_rule],
        record,
        not is_create,
        catalog=netsuite_catalog,
        now=NOW,
        is_create=is_create,
        target_catalog=google_catalog,
    )
    assert decision.sync is synced
    assert decision.groups_to_add == ([{"id": "contactGroups/5a1b", "name": "VIP"}] if synced else [])
    assert decision.groups_to_remove == []
    assert decision.actions == {}


@pytest.fixture
def partner_rules(google_catalog, netsuite_catalog):
    """Google → NetSuite: sync everyone, and IF the contact already exists in NetSuite THEN update Partner."""
    return [
        RuleSpec("Sync everyone", order=0),
        RuleSpec(
            "Known contacts get the partner",
            order=1,
            conditions=[ConditionSpec(None, Op.EXISTS_IN_OTHER_APP)],
            actions=[ActionSpec("partner", _picked(netsuite_catalog["partner"], "Acme Partners"), on=ApplyOn.UPDATE)],
        ),
    ]


def test_partner_rules_are_valid(partner_rules, google_catalog, netsuite_catalog):
    for rule in partner_rules:
        _assert_valid(rule, google_catalog, netsuite_catalog, "Google Contacts", "NetSuite")


@pytest.mark.parametrize(
    ("exists", "matched", "actions"),
    [
        (
            True,
            ["Sync everyone", "Known contacts get the partner"],
            {"partner": {"id": "101", "name": "Acme Partners"}},
        ),
        (False, ["Sync everyone"], {}),
    ],
)
def test_if_already_exists_in_the_other_app_then_update_partner(
    partner_rules, google_catalog, exists, matched, actions
):
    google_contact = {
        "givenName": "Ann",
        "email": "ann@example.com",
        "birthday": date(1990, 4, 1),
        "memberships": [{"id": "contactGroups/myContacts", "name": "My Contacts"}],
    }
    decision = evaluate(partner_rules, google_contact, exists, catalog=google_catalog, now=NOW, is_create=not exists)
    assert decision.sync is True
    assert decision.matched == matched
    assert decision.actions == actions


def test_partner_rule_alone_syncs_only_known_contacts(partner_rules, google_catalog):
    only_partner = partner_rules[1:]
    contact = {"givenName": "Ann", "email": "ann@example.com"}
    known = evaluate(only_partner, contact, True, catalog=google_catalog, now=NOW, is_create=False)
    new = evaluate(only_partner, contact, False, catalog=google_catalog, now=NOW, is_create=True)
    assert (known.sync, new.sync) == (True, False)
    assert "already exists in the app you sync with → failed (it does not)" in new.trace[0]
