"""The rule conditions ops staff rely on, decided by a real sync over HTTP against both sandboxes.

Each rule is built as the admin builds it (the rule, condition and action forms with their validation, list
values picked by name from the catalogs refreshed from the sandboxes), and its decisions are shown by what a
run did: which records it created on the other side, and which it skipped by rules, with what outcome.

- "already exists in the app you sync with" (Google Contacts → NetSuite);
- Sales Rep, a NetSuite reference picked by name (NetSuite → Google Contacts);
- custom fields (``custentity_*``): a check box and a custom list picked by name (NetSuite → Google Contacts).
"""

from __future__ import annotations

from mappings.catalog_cache import refresh_catalog
from rules.forms import ActionForm
from rules.models import Action
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed
from .linked_pairs import group_members
from .rule_setup import default_rule, rule_from_admin_forms, switch_off_from_admin_form


def _seed_references(sandboxes, connection) -> dict[str, list[int]]:
    """Two sales reps, a partner and the Google groups VIP and Gold; the catalogs refreshed so the admin offers
    them by name (as an operator does with "Refresh field catalogs")."""
    created = sandboxes.netsuite.seed(
        {
            "records": {
                "employee": [
                    {"firstName": "Ann", "lastName": "Rep", "isSalesRep": True, "subsidiary": {"id": "1"}},
                    {"firstName": "Bob", "lastName": "Rep", "isSalesRep": True, "subsidiary": {"id": "1"}},
                ],
                "partner": [{"companyName": "Acme Partners", "subsidiary": {"id": "1"}}],
            },
        }
    )["created"]
    sandboxes.google.seed({"contactGroups": ["VIP", "Gold"]})
    refresh_catalog(connection.netsuite_account, connection.contact_type)
    refresh_catalog(connection.app_account, "contacts")
    return created


def _outcomes(run, direction: str) -> dict[str, tuple[str, list[str]]]:
    """``email → (outcome, rules)`` of the run's outcomes in ``direction``."""
    return {o.email: (o.outcome, o.rules) for o in RecordOutcome.objects.filter(run=run, direction=direction)}


def test_a_sales_rep_picked_by_name_lets_only_that_rep_s_customers_reach_google(sandboxes, connection):
    reps = _seed_references(sandboxes, connection)["employee"]
    ann_rep, bob_rep = ({"id": str(rep)} for rep in reps)
    switch_off_from_admin_form(default_rule(connection, "to_app"))
    rule = rule_from_admin_forms(
        connection,
        "to_app",
        "Ann's customers",
        conditions=[{"field_id": "salesRep", "operator": "is", "value": "ann rep"}],  # typed as ops staff do
        actions=[{"kind": "add_to_group", "value": "VIP"}],
    )
    assert rule.conditions.get().value == {"id": str(reps[0]), "name": "Ann Rep"}  # picked by name, kept by id
    (_, bo_id, _), _ = seed(
        sandboxes,
        netsuite=[
            ns_person("Vic", "Ip", "vic@example.com", salesRep=ann_rep),
            ns_person("Bo", "Other", "bo@example.com", salesRep=bob_rep),
            ns_person("Nia", "Norep", "nia@example.com"),
        ],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(g_by_email(sandboxes)) == ["vic@example.com"]
    assert _outcomes(run, "to_app") == {
        "vic@example.com": (Outcome.CREATED, ["Ann's customers"]),
        "bo@example.com": (Outcome.SKIPPED_BY_RULES, []),
        "nia@example.com": (Outcome.SKIPPED_BY_RULES, []),
    }
    skipped = RecordOutcome.objects.get(run=run, email="bo@example.com")
    assert "Sales Rep is «Ann Rep» → failed (record: «Bob Rep»)" in skipped.message
    assert "matches no enabled rule" in skipped.message
    vic = g_by_email(sandboxes)["vic@example.com"][0]["resourceName"]
    assert group_members(sandboxes, "VIP") == {vic}

    # Bo's customer is handed over to Ann in NetSuite: the next run brings Bo to Google.
    sandboxes.netsuite.touch("customer", bo_id, salesRep=ann_rep)
    handed_over = sync(connection)

    assert handed_over.status == RunStatus.SUCCEEDED, handed_over.error
    assert sorted(g_by_email(sandboxes)) == ["bo@example.com", "vic@example.com"]
    assert _outcomes(handed_over, "to_app")["bo@example.com"] == (Outcome.CREATED, ["Ann's customers"])


def test_custom_field_conditions_a_check_box_and_a_list_picked_by_name(sandboxes, connection):
    _seed_references(sandboxes, connection)
    switch_off_from_admin_form(default_rule(connection, "to_app"))
    rule_from_admin_forms(
        connection,
        "to_app",
        "VIPs",
        conditions=[{"field_id": "custentity_vip", "operator": "is_true"}],
        actions=[{"kind": "add_to_group", "value": "VIP"}],
    )
    gold = rule_from_admin_forms(
        connection,
        "to_app",
        "Gold tier",
        conditions=[{"field_id": "custentity_loyalty_tier", "operator": "is", "value": "GOLD"}],
        actions=[{"kind": "add_to_group", "value": "Gold"}],
        order=30,
    )
    assert gold.conditions.get().value == {"id": "1", "name": "Gold"}
    seed(
        sandboxes,
        netsuite=[
            ns_person("Vic", "Ip", "vic@example.com", custentity_vip=True, custentity_loyalty_tier={"id": "2"}),
            ns_person(
                "Goldie", "Tier", "goldie@example.com", custentity_vip=False, custentity_loyalty_tier={"id": "1"}
            ),
            ns_person("Sil", "Ver", "sil@example.com", custentity_vip=False, custentity_loyalty_tier={"id": "2"}),
            ns_person("Nemo", "Blank", "nemo@example.com"),  # neither field set
        ],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(g_by_email(sandboxes)) == ["goldie@example.com", "vic@example.com"]
    assert _outcomes(run, "to_app") == {
        "vic@example.com": (Outcome.CREATED, ["VIPs"]),
        "goldie@example.com": (Outcome.CREATED, ["Gold tier"]),
        "sil@example.com": (Outcome.SKIPPED_BY_RULES, []),
        "nemo@example.com": (Outcome.SKIPPED_BY_RULES, []),
    }
    people = {email: found[0]["resourceName"] for email, found in g_by_email(sandboxes).items()}
    assert group_members(sandboxes, "VIP") == {people["vic@example.com"]}
    assert group_members(sandboxes, "Gold") == {people["goldie@example.com"]}


def test_already_exists_in_the_app_you_sync_with_updates_known_people_and_creates_no_one(sandboxes, connection):
    _seed_references(sandboxes, connection)
    switch_off_from_admin_form(default_rule(connection, "to_netsuite"))
    rule = rule_from_admin_forms(
        connection,
        "to_netsuite",
        "Known in NetSuite",
        conditions=[{"field_id": "", "operator": "exists_in_other_app"}],  # "— none: the whole record —"
        actions=[{"field_id": "partner", "value": "Acme Partners"}],
    )
    assert rule.actions.get().value["name"] == "Acme Partners"
    seed(
        sandboxes,
        netsuite=[ns_person("Bo", "Other", "bo@example.com")],
        google=[g_person("Bo", "Other", "BO@example.com"), g_person("Cid", "New", "cid@example.com")],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert sorted(ns_by_email(sandboxes)) == ["bo@example.com"]  # Cid, new to NetSuite, was not created
    assert ns_by_email(sandboxes)["bo@example.com"][0]["partner"]["refName"] == "Acme Partners"
    assert _outcomes(run, "to_netsuite") == {
        "bo@example.com": (Outcome.UPDATED, ["Known in NetSuite"]),
        "cid@example.com": (Outcome.SKIPPED_BY_RULES, []),
    }
    skipped = RecordOutcome.objects.get(run=run, email="cid@example.com")
    assert "already exists in the app you sync with → failed (it does not)" in skipped.message
    assert "matches no enabled rule" in skipped.message


def test_an_action_on_the_source_side_cannot_be_built(sandboxes, connection):
    """The rule this module once evaluated by hand (IF Sales Rep … THEN set NetSuite's Initial Lead Source, on the
    way to Google) is one the admin refuses: the actions of NetSuite → Google Contacts set Google fields."""
    _seed_references(sandboxes, connection)
    rule = rule_from_admin_forms(connection, "to_app", "Ann's customers")
    form = ActionForm(
        data={"kind": "set_field", "field_id": "leadSource", "value": "Trade Show", "apply_on": "both"},
        instance=Action(rule=rule),
        catalogs=rule.catalogs(),
    )

    assert not form.is_valid()
    assert "it is not in the Google Contacts field list" in form.errors["field_id"][0]
    assert not Action.objects.filter(rule=rule).exists()
