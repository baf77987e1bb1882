"""Rules on a groups field of open options that the app keeps read-only (an app's tags, issue 19 item 4): a
condition tests a name with the operators of multi selects and groups ("contains any of", "contains none
of"); an action adds or removes one name, even a name no record carries yet; the field can never be set as a
whole. The field here is shaped as an app registers its tags: ``open_options``, ``writable=False``."""

from __future__ import annotations

import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from rules.choices import ActionKind, ApplyOn, Operator
from rules.evaluator import evaluate
from rules.operators import operators_for
from rules.specs import ActionSpec, ConditionSpec, RuleSpec
from rules.validation import validate_action, validate_condition
from rules.value_entry import EntryProblem, action_value, condition_value, resolve_entry
from rules.values import OperandKind, resolve_option

from .conftest import NOW

TAGS = FieldSpec("tags", "Tags", FieldType.GROUPS, writable=False, open_options=True)
KNOWN = FieldSpec(
    "tags", "Tags", FieldType.GROUPS, writable=False, open_options=True, options=(FieldOption("VIP", "VIP"),)
)
CLOSED = FieldSpec("groups", "Groups", FieldType.GROUPS, options=(FieldOption("g/1", "VIP"),))
READ_ONLY_TEXT = FieldSpec("source", "Source", FieldType.TEXT, writable=False)


def tag(name: str) -> dict[str, str]:
    return {"id": name, "name": name}


def test_a_tag_condition_uses_the_operators_multi_selects_and_groups_already_have():
    assert operators_for(TAGS.type) == operators_for(FieldType.MULTI_SELECT)
    assert {Operator.CONTAINS_ANY, Operator.CONTAINS_NONE} <= set(operators_for(TAGS.type))


@pytest.mark.parametrize(
    ("operator", "record_tags", "matches"),
    [
        (Operator.CONTAINS_ANY, [tag("VIP"), tag("Newsletter")], True),
        (Operator.CONTAINS_ANY, [tag("Newsletter")], False),
        (Operator.CONTAINS_ANY, [], False),
        (Operator.CONTAINS_NONE, [tag("Newsletter")], True),
        (Operator.CONTAINS_NONE, [tag("VIP")], False),
        (Operator.CONTAINS_NONE, None, True),
    ],
)
def test_a_condition_on_a_name_no_option_lists_matches_the_records_carrying_it(operator, record_tags, matches):
    value = condition_value(OperandKind.OPTIONS, TAGS, "VIP", "the app")
    assert value == [tag("VIP")]
    condition = ConditionSpec("tags", operator, value)
    assert validate_condition(condition, TAGS, app="the app") == []
    rule = RuleSpec("VIPs", conditions=(condition,))
    decision = evaluate([rule], {"tags": record_tags}, False, catalog={"tags": TAGS}, now=NOW, is_create=True)
    assert decision.sync is matches


def test_a_name_is_any_name_on_open_options_but_must_be_listed_on_a_closed_field():
    assert resolve_entry(TAGS, " Customer ", "the app") == tag("Customer")
    assert resolve_entry(KNOWN, "vip", "the app") == tag("VIP")  # a known name keeps its own spelling
    assert resolve_option(TAGS, "Customer") == FieldOption("Customer", "Customer")
    assert resolve_option(CLOSED, "Customer") is None
    with pytest.raises(EntryProblem, match="is not a contact group"):
        resolve_entry(CLOSED, "Customer", "the app")
    assert validate_condition(ConditionSpec("groups", Operator.CONTAINS_ANY, [tag("Customer")]), CLOSED) != []


def test_an_action_adds_or_removes_one_name_on_a_read_only_groups_field_but_never_sets_it():
    for kind in (ActionKind.ADD_TO_GROUP, ActionKind.REMOVE_FROM_GROUP):
        value = action_value(TAGS, "Customer", "the app", group=True)
        assert value == tag("Customer")
        assert validate_action(ActionSpec("tags", value, kind=kind), TAGS, app="the app") == []
    assert validate_action(ActionSpec("tags", [tag("Customer")]), TAGS, app="the app") == [
        "Tags is read-only in the app, so a rule cannot set it"
    ]
    # Read-only stays read-only for anything but a groups field's groups.
    assert validate_action(ActionSpec("source", "x", kind=ActionKind.SET_FIELD), READ_ONLY_TEXT) != []
    assert validate_action(ActionSpec("source", tag("x"), kind=ActionKind.ADD_TO_GROUP), READ_ONLY_TEXT) != []


def test_the_actions_of_matching_rules_become_one_wish_per_tag_the_later_rule_winning():
    rules = [
        RuleSpec(
            "Customers", order=1, actions=(ActionSpec("tags", tag("Customer"), on=ApplyOn.BOTH, kind="add_to_group"),)
        ),
        RuleSpec(
            "Lapsed",
            order=2,
            conditions=(ConditionSpec("tags", Operator.CONTAINS_ANY, [tag("Lapsed")]),),
            actions=(ActionSpec("tags", tag("Customer"), on=ApplyOn.BOTH, kind="remove_from_group"),),
        ),
    ]
    catalog = {"tags": TAGS}
    keeps = evaluate(rules, {"tags": [tag("Newsletter")]}, True, catalog=catalog, now=NOW, is_create=False)
    assert keeps.groups_to_add == [tag("Customer")] and keeps.groups_to_remove == []
    lapsed = evaluate(rules, {"tags": [tag("Lapsed")]}, True, catalog=catalog, now=NOW, is_create=False)
    assert lapsed.groups_to_add == [] and lapsed.groups_to_remove == [tag("Customer")]


def test_the_catalog_cache_keeps_open_options():
    assert FieldSpec.from_dict(TAGS.to_dict()) == TAGS
    assert "open_options" not in CLOSED.to_dict()  # catalogs cached before it existed read the same
