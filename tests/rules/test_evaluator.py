"""The evaluator's semantics: rules as independent filters, all / any, the "already exists"
condition, overlapping actions, disabled rules, create-versus-update actions, and the trace."""

from datetime import UTC, datetime

import pytest

from rules.choices import ActionKind, ApplyOn, Match
from rules.choices import Operator as Op
from rules.evaluator import evaluate
from rules.specs import ActionSpec, ConditionSpec, RuleSpec

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
ANN = {"id": "7", "name": "Ann Rep"}
BOB = {"id": "8", "name": "Bob Rep"}
WEB = {"id": "1", "name": "Web"}
TRADE_SHOW = {"id": "2", "name": "Trade Show"}
ACME = {"id": "101", "name": "Acme Partners"}
VIP = {"id": "contactGroups/5a1b", "name": "VIP"}

IS_ANN = ConditionSpec("salesRep", Op.IS, ANN)
IS_VIP = ConditionSpec("custentity_vip", Op.IS_TRUE)
EXISTS = ConditionSpec(None, Op.EXISTS_IN_OTHER_APP)
NOT_EXISTS = ConditionSpec(None, Op.NOT_EXISTS_IN_OTHER_APP)

ANN_VIP = {"salesRep": ANN, "custentity_vip": True, "email": "ann@example.com"}
ANN_PLAIN = {"salesRep": ANN, "custentity_vip": False}
BOB_VIP = {"salesRep": BOB, "custentity_vip": True}
BOB_PLAIN = {"salesRep": BOB, "custentity_vip": False}


def _run(catalog, rules, values, *, exists=False, is_create=True, **kwargs):
    return evaluate(rules, values, exists, catalog=catalog, now=NOW, is_create=is_create, **kwargs)


@pytest.mark.parametrize(
    ("match", "values", "expected"),
    [
        (Match.ALL, ANN_VIP, True),
        (Match.ALL, ANN_PLAIN, False),
        (Match.ALL, BOB_VIP, False),
        (Match.ALL, BOB_PLAIN, False),
        (Match.ANY, ANN_VIP, True),
        (Match.ANY, ANN_PLAIN, True),
        (Match.ANY, BOB_VIP, True),
        (Match.ANY, BOB_PLAIN, False),
        (Match.ANY, {}, False),
    ],
)
def test_all_needs_every_condition_and_any_needs_one(catalog, match, values, expected):
    rule = RuleSpec("Ann's VIPs", match=match, conditions=[IS_ANN, IS_VIP])
    assert _run(catalog, [rule], values).sync is expected


@pytest.mark.parametrize(
    ("condition", "exists", "expected"),
    [(EXISTS, True, True), (EXISTS, False, False), (NOT_EXISTS, True, False), (NOT_EXISTS, False, True)],
)
def test_already_exists_in_the_other_app(catalog, condition, exists, expected):
    decision = _run(catalog, [RuleSpec("exists", conditions=[condition])], ANN_VIP, exists=exists)
    assert decision.sync is expected
    assert ("it does)" if exists else "it does not)") in decision.trace[0]


def test_already_exists_combines_with_field_conditions(catalog):
    rule = RuleSpec("Ann's known records", conditions=[IS_ANN, EXISTS])
    assert _run(catalog, [rule], ANN_PLAIN, exists=True).sync is True
    assert _run(catalog, [rule], ANN_PLAIN, exists=False).sync is False
    assert _run(catalog, [rule], BOB_PLAIN, exists=True).sync is False


@pytest.mark.parametrize("match", [Match.ALL, Match.ANY])
def test_rule_without_conditions_matches_everyone(catalog, match):
    decision = _run(catalog, [RuleSpec("Sync everyone", match=match)], {})
    assert decision.sync is True
    assert decision.matched == ["Sync everyone"]
    assert "no conditions, matches everyone" in decision.trace[0]


def test_record_syncs_when_it_matches_any_enabled_rule(catalog):
    rules = [RuleSpec("Ann", conditions=[IS_ANN]), RuleSpec("VIP", conditions=[IS_VIP])]
    assert _run(catalog, rules, ANN_PLAIN).matched == ["Ann"]
    assert _run(catalog, rules, BOB_VIP).matched == ["VIP"]
    assert _run(catalog, rules, ANN_VIP).matched == ["Ann", "VIP"]
    decision = _run(catalog, rules, BOB_PLAIN)
    assert (decision.sync, decision.matched) == (False, [])
    assert decision.trace[-1] == "Not synced: the record matches no enabled rule"


def test_no_rule_syncs_nothing(catalog):
    decision = _run(catalog, [], ANN_VIP)
    assert (decision.sync, decision.actions, decision.group_actions) == (False, {}, [])
    assert decision.trace == ["Not synced: no enabled rule in this direction"]


def test_disabled_rules_are_ignored(catalog):
    everyone_disabled = RuleSpec("Sync everyone", enabled=False, actions=[ActionSpec("leadSource", WEB)])
    assert _run(catalog, [everyone_disabled], ANN_VIP).sync is False

    rules = [everyone_disabled, RuleSpec("Ann", conditions=[IS_ANN])]
    bob = _run(catalog, rules, BOB_PLAIN)
    assert bob.sync is False
    ann = _run(catalog, rules, ANN_PLAIN)
    assert (ann.sync, ann.matched, ann.actions) == (True, ["Ann"], {})
    assert "Rule «Sync everyone»: disabled, ignored" in ann.trace


def test_actions_of_every_matching_rule_apply_in_order_and_later_wins(catalog):
    rules = [
        # Listed out of order on purpose: ``order`` decides, not the list.
        RuleSpec(
            "VIPs from trade shows", order=20, conditions=[IS_VIP], actions=[ActionSpec("leadSource", TRADE_SHOW)]
        ),
        RuleSpec(
            "Ann's accounts",
            order=10,
            conditions=[IS_ANN],
            actions=[ActionSpec("leadSource", WEB), ActionSpec("partner", ACME)],
        ),
        RuleSpec(
            "Bob's accounts",
            order=15,
            conditions=[ConditionSpec("salesRep", Op.IS, BOB)],
            actions=[ActionSpec("partner", {"id": "102", "name": "Beta Resellers"})],
        ),
    ]
    both = _run(catalog, rules, ANN_VIP)
    assert both.matched == ["Ann's accounts", "VIPs from trade shows"]
    assert both.actions == {"leadSource": TRADE_SHOW, "partner": ACME}
    assert both.action_rules == {"leadSource": "VIPs from trade shows", "partner": "Ann's accounts"}
    assert (
        "Rule «VIPs from trade shows» sets leadSource to «Trade Show» (replaces «Web» from rule «Ann's accounts»)"
        in both.trace
    )

    only_ann = _run(catalog, rules, ANN_PLAIN)
    assert only_ann.actions == {"leadSource": WEB, "partner": ACME}


def test_equal_orders_keep_the_given_sequence(catalog):
    rules = [
        RuleSpec("first", order=1, actions=[ActionSpec("leadSource", WEB)]),
        RuleSpec("second", order=1, actions=[ActionSpec("leadSource", TRADE_SHOW)]),
    ]
    assert _run(catalog, rules, {}).actions == {"leadSource": TRADE_SHOW}
    assert _run(catalog, list(reversed(rules)), {}).actions == {"leadSource": WEB}


def test_actions_of_rules_that_do_not_match_are_not_applied(catalog):
    rules = [
        RuleSpec("Everyone", actions=[ActionSpec("leadSource", WEB)]),
        RuleSpec("Bob", conditions=[ConditionSpec("salesRep", Op.IS, BOB)], actions=[ActionSpec("partner", ACME)]),
    ]
    decision = _run(catalog, rules, ANN_PLAIN)
    assert decision.actions == {"leadSource": WEB}
    assert "partner" not in decision.action_rules


@pytest.mark.parametrize(
    ("on", "is_create", "applied"),
    [
        (ApplyOn.CREATE, True, True),
        (ApplyOn.CREATE, False, False),
        (ApplyOn.UPDATE, True, False),
        (ApplyOn.UPDATE, False, True),
        (ApplyOn.BOTH, True, True),
        (ApplyOn.BOTH, False, True),
        ("sometimes", True, False),
    ],
)
def test_actions_apply_on_create_update_or_both(catalog, on, is_create, applied):
    rule = RuleSpec("Everyone", actions=[ActionSpec("leadSource", WEB, on=on)])
    decision = _run(catalog, [rule], {}, is_create=is_create)
    assert decision.sync is True  # timing decides the action, never whether the record syncs
    assert decision.actions == ({"leadSource": WEB} if applied else {})
    if not applied:
        assert "skipped" in decision.trace[-2]


def test_create_only_action_of_a_later_rule_does_not_hide_an_earlier_one_on_update(catalog):
    rules = [
        RuleSpec("Everyone", order=1, actions=[ActionSpec("leadSource", WEB)]),
        RuleSpec("New VIPs", order=2, conditions=[IS_VIP], actions=[ActionSpec("leadSource", TRADE_SHOW, on="create")]),
    ]
    assert _run(catalog, rules, ANN_VIP, is_create=True).actions == {"leadSource": TRADE_SHOW}
    assert _run(catalog, rules, ANN_VIP, is_create=False).actions == {"leadSource": WEB}


def test_group_actions_later_rule_wins_per_group(catalog):
    customers = {"id": "contactGroups/9f2e", "name": "Customers"}
    rules = [
        RuleSpec(
            "VIP",
            order=1,
            conditions=[IS_VIP],
            actions=[
                ActionSpec("memberships", VIP, kind=ActionKind.ADD_TO_GROUP),
                ActionSpec("memberships", customers, kind=ActionKind.ADD_TO_GROUP),
            ],
        ),
        RuleSpec(
            "Not Ann's",
            order=2,
            conditions=[ConditionSpec("salesRep", Op.IS_NOT, ANN)],
            actions=[ActionSpec("memberships", VIP, kind=ActionKind.REMOVE_FROM_GROUP)],
        ),
    ]
    ann = _run(catalog, rules, ANN_VIP)
    assert ann.groups_to_add == [VIP, customers]
    assert ann.groups_to_remove == []
    bob = _run(catalog, rules, BOB_VIP)
    assert bob.groups_to_add == [customers]
    assert bob.groups_to_remove == [VIP]
    assert [(g.group["id"], g.add, g.rule) for g in bob.group_actions] == [
        ("contactGroups/9f2e", True, "VIP"),
        ("contactGroups/5a1b", False, "Not Ann's"),
    ]


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        (ConditionSpec("custentity_gone", Op.IS_NOT_EMPTY), "the field is not in the field list"),
        (ConditionSpec("salesRep", Op.CONTAINS, "Ann"), "“contains” does not apply to reference fields"),
        (ConditionSpec("custentity_renewal", Op.BEFORE, "abc"), "«abc» is not a date (use YYYY-MM-DD)"),
        (ConditionSpec("salesRep", Op.IS_NOT, "Nobody Known"), "is not one of the values of Sales Rep"),
        (ConditionSpec("lastModifiedDate", Op.WITHIN_LAST_DAYS, 0), "needs a positive whole number of days"),
        (ConditionSpec("custentity_vip", "resembles"), "“resembles” does not apply"),
        (ConditionSpec(None, Op.IS_EMPTY), "the field is not in the field list"),
    ],
)
def test_a_broken_condition_never_matches_even_when_negative(catalog, condition, reason):
    decision = _run(catalog, [RuleSpec("broken", conditions=[condition])], ANN_VIP)
    assert decision.sync is False
    assert "→ failed" in decision.trace[0]
    assert reason in decision.trace[0]


def test_a_broken_condition_does_not_block_an_any_rule(catalog):
    rule = RuleSpec("any", match=Match.ANY, conditions=[ConditionSpec("custentity_gone", Op.IS_EMPTY), IS_ANN])
    assert _run(catalog, [rule], ANN_PLAIN).sync is True


def test_unknown_match_mode_matches_no_one(catalog):
    decision = _run(catalog, [RuleSpec("odd", match="most")], ANN_VIP)
    assert decision.sync is False
    assert "unknown match mode «most»" in decision.trace[0]


def test_trace_names_each_condition_its_outcome_and_the_record_value(catalog, google_catalog, netsuite_catalog):
    rules = [
        RuleSpec(
            "Ann's VIPs",
            conditions=[IS_ANN, IS_VIP, ConditionSpec("email", Op.CONTAINS, "@acme.test")],
            match=Match.ANY,
            actions=[ActionSpec("givenName", "Ann"), ActionSpec("memberships", VIP, kind=ActionKind.ADD_TO_GROUP)],
        )
    ]
    values = {"salesRep": BOB, "custentity_vip": True, "email": "bob@example.com"}
    decision = _run(netsuite_catalog, rules, values, target_catalog=google_catalog)
    assert decision.trace == [
        "Rule «Ann's VIPs», condition 1: Sales Rep is «Ann Rep» → failed (record: «Bob Rep»)",
        "Rule «Ann's VIPs», condition 2: VIP (custentity_vip) is true → matched (record: true)",
        "Rule «Ann's VIPs», condition 3: Email contains «@acme.test» → failed (record: «bob@example.com»)",
        "Rule «Ann's VIPs» (any condition matches): matched",
        "Rule «Ann's VIPs» sets First name to «Ann»",
        "Rule «Ann's VIPs» adds the record to group «VIP»",
        "Synced: matches «Ann's VIPs»",
    ]


def test_trace_shows_empty_values_and_dates_plainly(catalog):
    rule = RuleSpec(
        "Recent",
        conditions=[
            ConditionSpec("lastModifiedDate", Op.WITHIN_LAST_DAYS, 7),
            ConditionSpec("partner", Op.IS_EMPTY),
        ],
    )
    values = {"lastModifiedDate": datetime(2025, 6, 1, tzinfo=UTC)}
    decision = _run(catalog, [rule], values)
    assert decision.trace[:2] == [
        "Rule «Recent», condition 1: Last Modified is within the last 7 days"
        " → failed (record: 2025-06-01 00:00:00 UTC)",
        "Rule «Recent», condition 2: Partner is empty → matched (record: empty)",
    ]


def test_evaluate_leaves_its_inputs_alone_and_repeats_itself(catalog):
    rules = [RuleSpec("Ann", conditions=[IS_ANN], actions=[ActionSpec("leadSource", WEB)])]
    values = dict(ANN_PLAIN)
    first = _run(catalog, rules, values)
    first.actions["leadSource"]["name"] = "Edited"  # a caller editing its decision must not change the rule
    second = _run(catalog, rules, values)
    assert values == ANN_PLAIN
    assert second.actions == {"leadSource": WEB}
    assert second.trace == first.trace
