"""Rule, Condition and Action: default rules, validation against the right side's catalog, and the
specs the engine reads (one query per table)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from connections.models import Connection
from rules.evaluator import evaluate
from rules.loading import rule_specs
from rules.models import Action, Condition, Rule
from rules.rule_catalogs import rule_catalogs
from rules.specs import ActionSpec, RuleSpec

from ..mappings_admin.catalog_data import make_connection


def _refused(part) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        part.full_clean()
    return refused.value.message_dict


@pytest.mark.parametrize("contact_type", ["company_customers", "individual_customers", "contacts"])
def test_a_new_connection_starts_with_one_sync_everyone_rule_per_direction(
    netsuite_account, google_account, contact_type
):
    connection = make_connection(netsuite_account, google_account, contact_type)

    rules = list(connection.rules.order_by("direction"))
    assert [(r.direction, r.name, r.enabled, r.match) for r in rules] == [
        ("to_app", "Sync everyone", True, "all"),
        ("to_netsuite", "Sync everyone", True, "all"),
    ]
    conditions = [
        (c.rule.direction, c.field_id, c.operator, c.value)
        for c in Condition.objects.filter(rule__connection=connection)
    ]
    if contact_type == "company_customers":
        # NetSuite refuses a company without a name: a Google contact without a company is excluded instead.
        assert conditions == [("to_netsuite", "organization.name", "is_not_empty", None)]
    else:
        assert conditions == []
    for direction in ("to_app", "to_netsuite"):
        specs = rule_specs(connection, direction)
        decision = evaluate(specs, {}, False, catalog={}, now=datetime.now(UTC), is_create=True)
        assert decision.sync or (contact_type, direction) == ("company_customers", "to_netsuite")  # everyone


def test_an_unknown_sales_rep_is_refused(to_app_rule):
    condition = Condition(rule=to_app_rule, field_id="salesRep", operator="is", value={"name": "Zed Nobody"})
    assert _refused(condition) == {"value": ["Sales Rep «Zed Nobody» is not a sales rep in this NetSuite account"]}


def test_text_in_a_date_condition_is_refused(to_app_rule):
    condition = Condition(rule=to_app_rule, field_id="custentity_renewal", operator="before", value="next week")
    assert _refused(condition) == {"value": ["«next week» is not a date (use YYYY-MM-DD)"]}


def test_an_operator_that_does_not_fit_the_field_is_refused_on_the_operator(to_app_rule):
    condition = Condition(rule=to_app_rule, field_id="custentity_vip", operator="contains", value="x")
    assert list(_refused(condition)) == ["operator"]


def test_conditions_read_the_source_side_of_the_rule_s_direction(to_netsuite_rule):
    # Google Contacts → NetSuite reads Google's fields: Sales Rep is NetSuite's.
    condition = Condition(rule=to_netsuite_rule, field_id="salesRep", operator="is_empty")
    assert _refused(condition) == {
        "field_id": [
            "Unknown field «salesRep»: it is not in the Google Contacts field list "
            "(refresh the field list, or remove this line)"
        ]
    }
    Condition(rule=to_netsuite_rule, field_id="userDefined.Tier", operator="is", value="Gold").full_clean()


def test_already_exists_in_the_other_app_takes_no_field_and_no_value(to_app_rule):
    condition = Condition(rule=to_app_rule, operator="exists_in_other_app", value="stray")
    condition.full_clean()
    assert condition.value is None


def test_an_action_on_a_read_only_field_is_refused(to_netsuite_rule):
    action = Action(rule=to_netsuite_rule, field_id="subsidiary", value={"id": "1", "name": "HQ"})
    assert _refused(action) == {"field_id": ["Primary Subsidiary is read-only in NetSuite, so a rule cannot set it"]}


def test_actions_set_fields_of_the_target_side_and_values_are_stored_in_their_canonical_form(
    to_app_rule, to_netsuite_rule
):
    partner = Action(rule=to_netsuite_rule, field_id="partner", value="acme partners")
    partner.full_clean()
    assert partner.value == {"id": "101", "name": "Acme Partners"}

    vip = Action(rule=to_netsuite_rule, field_id="custentity_vip", value="Yes")
    vip.full_clean()
    assert vip.value is True

    # NetSuite → Google Contacts sets Google's fields: Partner is not one of them.
    assert "field_id" in _refused(Action(rule=to_app_rule, field_id="partner", value="Acme Partners"))


def test_a_group_action_uses_the_contact_groups_and_picks_the_group_by_name(to_app_rule):
    action = Action(rule=to_app_rule, kind="add_to_group", value="vip")
    action.full_clean()
    assert (action.field_id, action.value) == ("memberships", {"id": "contactGroups/5a1b", "name": "VIP"})

    unknown = Action(rule=to_app_rule, kind="add_to_group", value="Nobody's group")
    assert _refused(unknown) == {"value": ["«Nobody's group» is not a contact group in this Google Contacts account"]}


def _add_rules(connection: Connection, count: int) -> None:
    for number in range(count):
        to_app = Rule.objects.create(connection=connection, direction="to_app", order=20 + number, name=f"R{number}")
        Condition.objects.create(rule=to_app, field_id="salesRep", operator="is", value={"id": "7", "name": "Ann Rep"})
        Condition.objects.create(rule=to_app, field_id="custentity_vip", operator="is_true")
        Action.objects.create(rule=to_app, field_id="birthday", value="2024-05-01")
        Action.objects.create(
            rule=to_app, kind="add_to_group", field_id="memberships", value={"id": "contactGroups/5a1b", "name": "VIP"}
        )


def _queries_of_rule_specs(connection_pk: int, direction: str) -> tuple[int, list[RuleSpec]]:
    connection = Connection.objects.get(pk=connection_pk)  # accounts not loaded yet, as the engine has it
    with CaptureQueriesContext(db_connection) as queries:
        specs = rule_specs(connection, direction)
    return len(queries), specs


def test_rule_specs_runs_a_fixed_number_of_queries(connection):
    few, specs = _queries_of_rule_specs(connection.pk, "to_app")
    assert len(specs) == 1
    _add_rules(connection, 8)
    many, specs = _queries_of_rule_specs(connection.pk, "to_app")
    assert len(specs) == 9
    # rules + conditions + actions, and each side's account and catalog (to type the action values back)
    assert few == many == 7


def test_rule_specs_type_action_values_back_for_the_engine(connection, to_netsuite_rule):
    _add_rules(connection, 1)
    Action.objects.create(rule=to_netsuite_rule, field_id="custentity_revenue", value="12.50")
    Action.objects.create(rule=to_netsuite_rule, field_id="custentity_renewal", value="2025-01-31")

    to_app = rule_specs(connection, "to_app")
    assert to_app[1].actions[0] == ActionSpec(
        field_id="birthday", value=date(2024, 5, 1), on="create", kind="set_field"
    )
    to_netsuite = rule_specs(connection, "to_netsuite")
    assert [action.value for action in to_netsuite[0].actions] == [Decimal("12.50"), date(2025, 1, 31)]


def _decide(connection, direction: str, values: dict, exists: bool, *, is_create: bool = True):
    catalogs = rule_catalogs(connection, direction)
    now = datetime(2025, 6, 1, tzinfo=UTC)
    specs = rule_specs(connection, direction)
    return evaluate(specs, values, exists, catalog=catalogs.source.fields, now=now, is_create=is_create)


def test_the_models_drive_the_evaluator(connection, to_app_rule, to_netsuite_rule):
    """IF custom check box VIP is true THEN add to the Google group VIP; IF already in Google THEN set Partner."""
    vip_rule = Rule.objects.create(connection=connection, direction="to_app", order=20, name="VIPs")
    Condition.objects.create(rule=vip_rule, field_id="custentity_vip", operator="is_true")
    Action.objects.create(
        rule=vip_rule, kind="add_to_group", field_id="memberships", value={"id": "contactGroups/5a1b", "name": "VIP"}
    )
    to_app_rule.enabled = False
    to_app_rule.save()
    partner_rule = Rule.objects.create(connection=connection, direction="to_netsuite", order=20, name="Known")
    Condition.objects.create(rule=partner_rule, operator="exists_in_other_app")
    Action.objects.create(
        rule=partner_rule, field_id="partner", value={"id": "101", "name": "Acme Partners"}, apply_on="both"
    )

    vip = _decide(connection, "to_app", {"custentity_vip": True}, False)
    assert vip.sync and vip.groups_to_add == [{"id": "contactGroups/5a1b", "name": "VIP"}]
    assert not _decide(connection, "to_app", {"custentity_vip": False}, False).sync  # "Sync everyone" is off

    known = _decide(connection, "to_netsuite", {}, True, is_create=False)
    assert known.actions == {"partner": {"id": "101", "name": "Acme Partners"}}
    new = _decide(connection, "to_netsuite", {}, False)
    assert new.sync and new.actions == {}  # "Sync everyone" still lets it through, without the Partner
