# The message tables read best one case per line.
# ruff: noqa: E501
"""Validation of conditions and actions: the messages ops staff see in the admin."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from rules.choices import ActionKind
from rules.choices import Operator as Op
from rules.specs import ActionSpec, ConditionSpec
from rules.validation import validate_action, validate_condition
from rules.values import parse_action_value, resolve_option

ANN = {"id": "7", "name": "Ann Rep"}
VIP = {"id": "contactGroups/5a1b", "name": "VIP"}


def _condition_problems(catalog, field_id, operator, value=None):
    spec = ConditionSpec(field_id, operator, value)
    return validate_condition(spec, catalog.get(field_id) if field_id else None, app="NetSuite")


@pytest.mark.parametrize(
    ("field_id", "operator", "value"),
    [
        ("salesRep", Op.IS, ANN),
        ("salesRep", Op.IS, "Ann Rep"),  # picked by name
        ("salesRep", Op.IS, " ann rep "),
        ("salesRep", Op.IS_NOT, {"id": "8", "name": "Bob Rep"}),
        ("salesRep", Op.IS_ANY_OF, [ANN, {"id": "9", "name": "Cid Rep"}]),
        ("leadSource", Op.IS_NONE_OF, ["Web"]),
        ("company", Op.IS, {"id": "5501", "name": "Acme Inc"}),  # no cached list: only the shape is checked
        ("custentity_interests", Op.CONTAINS_ANY, [{"id": "a", "name": "Hardware"}]),
        ("memberships", Op.CONTAINS_NONE, [VIP]),
        ("firstName", Op.CONTAINS, "ann"),
        ("email", Op.STARTS_WITH, "info@"),
        ("custentity_seats", Op.GREATER, 10),
        ("custentity_seats", Op.EQUALS, "10"),
        ("custentity_revenue", Op.LESS, "2500.50"),
        ("custentity_revenue", Op.LESS, Decimal("2500.50")),
        ("custentity_renewal", Op.BEFORE, "2025-12-31"),
        ("custentity_renewal", Op.AFTER, date(2025, 1, 1)),
        ("lastModifiedDate", Op.AFTER, "2025-01-01T08:30:00Z"),
        ("lastModifiedDate", Op.AFTER, datetime(2025, 1, 1, tzinfo=UTC)),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 30),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, "7"),
        ("custentity_vip", Op.IS_TRUE, None),
        ("custentity_vip", Op.IS_FALSE, None),
        ("defaultAddress", Op.IS_NOT_EMPTY, None),
        (None, Op.EXISTS_IN_OTHER_APP, None),
        (None, Op.NOT_EXISTS_IN_OTHER_APP, None),
    ],
)
def test_valid_conditions_pass(catalog, field_id, operator, value):
    assert _condition_problems(catalog, field_id, operator, value) == []


@pytest.mark.parametrize(
    ("field_id", "operator", "value", "message"),
    [
        ("salesRep", Op.IS, "X", "Sales Rep «X» is not a sales rep in this NetSuite account"),
        ("salesRep", Op.IS, {"id": "999", "name": "Gone Rep"}, "Sales Rep «Gone Rep» is not a sales rep in this NetSuite account"),
        ("partner", Op.IS_NOT, "Nobody", "Partner «Nobody» is not a partner in this NetSuite account"),
        ("leadSource", Op.IS, "Radio", "Initial Lead Source «Radio» is not an initial lead source in this NetSuite account"),
        (
            "salesRep",
            Op.IS,
            "John Smith",
            "Sales Rep «John Smith» matches 2 entries in this NetSuite account; pick the one you mean from the list",
        ),
        ("salesRep", Op.IS, None, "Pick a value for Sales Rep"),
        ("salesRep", Op.IS, [ANN, {"id": "8", "name": "Bob Rep"}], "Pick exactly one value of Sales Rep, or use “is any of”"),
        ("salesRep", Op.IS_ANY_OF, [], "Pick at least one value of Sales Rep"),
        ("memberships", Op.CONTAINS_ANY, ["Golfers"], "«Golfers» is not a contact group in this NetSuite account"),
        (
            "salesRep",
            Op.CONTAINS,
            "Ann",
            "“contains” does not apply to Sales Rep (a reference field); "
            "use one of “is”, “is not”, “is any of”, “is none of”, “is empty”, “is not empty”",
        ),
        (
            "defaultAddress",
            Op.CONTAINS,
            "Oslo",
            "“contains” does not apply to Default Address (an address field); use one of “is empty”, “is not empty”",
        ),
        ("custentity_renewal", Op.BEFORE, "abc", "«abc» is not a date (use YYYY-MM-DD)"),
        ("custentity_renewal", Op.BEFORE, "2025-02-30", "«2025-02-30» is not a date (use YYYY-MM-DD)"),
        ("custentity_renewal", Op.AFTER, "2025-01-01T10:00:00", "«2025-01-01T10:00:00» is not a date (use YYYY-MM-DD)"),
        ("custentity_renewal", Op.AFTER, 20250101, "«20250101» is not a date (use YYYY-MM-DD)"),
        ("lastModifiedDate", Op.BEFORE, "", "Enter a date for Last Modified (use YYYY-MM-DD)"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 0, "“within the last N days” needs a positive whole number of days, not «0»"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, -3, "“within the last N days” needs a positive whole number of days, not «-3»"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 2.5, "“within the last N days” needs a positive whole number of days, not «2.5»"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, "a week", "“within the last N days” needs a positive whole number of days, not «a week»"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, True, "“within the last N days” needs a positive whole number of days, not «True»"),
        ("lastModifiedDate", Op.WITHIN_LAST_DAYS, None, "“within the last N days” needs a positive whole number of days, not nothing"),
        ("custentity_seats", Op.GREATER, "many", "«many» is not a number"),
        ("custentity_seats", Op.GREATER, "2.5", "«2.5» is not a whole number"),
        ("custentity_revenue", Op.EQUALS, "NaN", "«NaN» is not a number"),
        ("custentity_revenue", Op.EQUALS, True, "«True» is not a number"),
        ("firstName", Op.CONTAINS, "  ", "Enter the text to compare First Name with"),
        ("firstName", Op.IS, None, "Enter the text to compare First Name with"),
        ("custentity_gone", Op.IS_EMPTY, None, "Unknown field «custentity_gone»: it is not in the NetSuite field list (refresh the field list, or remove this line)"),
        (None, Op.IS_EMPTY, None, "Pick a field for this condition, or use “already exists in the app you sync with”"),
        ("salesRep", Op.EXISTS_IN_OTHER_APP, None, "“already exists in the app you sync with” is about the whole record: leave the field empty"),
        ("salesRep", "resembles", ANN, "«resembles» is not a known operator"),
    ],
)  # fmt: skip
def test_invalid_conditions_are_refused_with_a_clear_message(catalog, field_id, operator, value, message):
    assert _condition_problems(catalog, field_id, operator, value) == [message]


def test_each_unknown_option_of_a_list_gets_its_own_message(catalog):
    problems = _condition_problems(
        catalog, "partner", Op.IS_ANY_OF, ["Acme Partners", "Zed", {"id": "77", "name": "Old"}]
    )
    assert problems == [
        "Partner «Zed» is not a partner in this NetSuite account",
        "Partner «Old» is not a partner in this NetSuite account",
    ]


def _action_problems(catalog, field_id, value, *, kind=ActionKind.SET_FIELD, on="both", app="NetSuite"):
    spec = ActionSpec(field_id, value, on=on, kind=kind)
    return validate_action(spec, catalog.get(field_id) if field_id else None, app=app)


@pytest.mark.parametrize(
    ("field_id", "value", "kind"),
    [
        ("leadSource", {"id": "2", "name": "Trade Show"}, ActionKind.SET_FIELD),
        ("leadSource", "Trade Show", ActionKind.SET_FIELD),
        ("partner", "acme partners", ActionKind.SET_FIELD),
        ("salesRep", ANN, ActionKind.SET_FIELD),
        ("custentity_vip", True, ActionKind.SET_FIELD),
        ("custentity_vip", False, ActionKind.SET_FIELD),
        ("firstName", "Ann", ActionKind.SET_FIELD),
        ("email", "ann@example.com", ActionKind.SET_FIELD),
        ("custentity_seats", 12, ActionKind.SET_FIELD),
        ("custentity_revenue", "99.90", ActionKind.SET_FIELD),
        ("custentity_renewal", "2026-01-31", ActionKind.SET_FIELD),
        ("custentity_interests", ["Hardware", {"id": "c", "name": "Services"}], ActionKind.SET_FIELD),
        ("defaultAddress", {"city": "Oslo", "country": "NO"}, ActionKind.SET_FIELD),
        ("memberships", VIP, ActionKind.ADD_TO_GROUP),
        ("memberships", "VIP", ActionKind.REMOVE_FROM_GROUP),
    ],
)
def test_valid_actions_pass(catalog, field_id, value, kind):
    assert _action_problems(catalog, field_id, value, kind=kind) == []


@pytest.mark.parametrize(
    ("field_id", "value", "kind", "on", "message"),
    [
        ("subsidiary", {"id": "1", "name": "HQ"}, ActionKind.SET_FIELD, "both", "Subsidiary is read-only in NetSuite, so a rule cannot set it"),
        ("lastModifiedDate", "2025-01-01", ActionKind.SET_FIELD, "both", "Last Modified is read-only in NetSuite, so a rule cannot set it"),
        ("custentity_gone", "x", ActionKind.SET_FIELD, "both", "Unknown field «custentity_gone»: it is not in the NetSuite field list (refresh the field list, or remove this line)"),
        (None, "x", ActionKind.SET_FIELD, "both", "Pick the field this action sets"),
        ("leadSource", "Radio", ActionKind.SET_FIELD, "both", "Initial Lead Source «Radio» is not an initial lead source in this NetSuite account"),
        ("leadSource", ["Web"], ActionKind.SET_FIELD, "both", "Initial Lead Source takes one value"),
        ("salesRep", "John Smith", ActionKind.SET_FIELD, "both", "Sales Rep «John Smith» matches 2 entries in this NetSuite account; pick the one you mean from the list"),
        ("custentity_interests", ["Hardware", "Knitting"], ActionKind.SET_FIELD, "both", "«Knitting» is not one of the Interests choices in this NetSuite account"),
        ("custentity_vip", "maybe", ActionKind.SET_FIELD, "both", "Choose true or false for VIP"),
        ("custentity_vip", None, ActionKind.SET_FIELD, "both", "Choose true or false for VIP"),
        ("firstName", "", ActionKind.SET_FIELD, "both", "Enter the value to set for First Name"),
        ("partner", None, ActionKind.SET_FIELD, "both", "Enter the value to set for Partner"),
        ("firstName", "A" * 33, ActionKind.SET_FIELD, "both", "The value for First Name has 33 characters; NetSuite accepts at most 32"),
        ("firstName", 42, ActionKind.SET_FIELD, "both", "«42» is not text"),
        ("email", "ann.example.com", ActionKind.SET_FIELD, "both", "«ann.example.com» is not an email address"),
        ("custentity_seats", "2.5", ActionKind.SET_FIELD, "both", "«2.5» is not a whole number"),
        ("custentity_renewal", "abc", ActionKind.SET_FIELD, "both", "«abc» is not a date (use YYYY-MM-DD)"),
        ("defaultAddress", "Main St 1, Oslo", ActionKind.SET_FIELD, "both", "An address for Default Address needs street, city, region, postal code or country"),
        ("defaultAddress", {"town": "Oslo"}, ActionKind.SET_FIELD, "both", "An address has no part called town"),
        ("memberships", [VIP], ActionKind.SET_FIELD, "both", "Use “add to group” or “remove from group” for Contact groups: setting it would replace every group"),
        ("memberships", "Golfers", ActionKind.ADD_TO_GROUP, "both", "«Golfers» is not a contact group in this NetSuite account"),
        ("memberships", [VIP], ActionKind.ADD_TO_GROUP, "both", "Pick one group per action"),
        ("custentity_interests", "Hardware", ActionKind.ADD_TO_GROUP, "both", "“add to group” works on contact groups only; Interests is a multiple choice field: use “set field”"),
        ("firstName", "Ann", "rename", "both", "«rename» is not a known action"),
        ("firstName", "Ann", ActionKind.SET_FIELD, "sometimes", "«sometimes» is not a valid choice: an action applies on create, on update, or both"),
    ],
)  # fmt: skip
def test_invalid_actions_are_refused_with_a_clear_message(catalog, field_id, value, kind, on, message):
    assert _action_problems(catalog, field_id, value, kind=kind, on=on) == [message]


def test_read_only_message_names_the_target_app(google_catalog):
    catalog = {
        **google_catalog,
        "metadata.updateTime": FieldSpec("metadata.updateTime", "Updated", FieldType.DATETIME, writable=False),
    }
    spec = ActionSpec("metadata.updateTime", "2025-01-01")
    assert validate_action(spec, catalog["metadata.updateTime"], app="Google Contacts") == [
        "Updated is read-only in Google Contacts, so a rule cannot set it"
    ]  # fmt: skip
    group = ActionSpec("memberships", "Golfers", kind=ActionKind.ADD_TO_GROUP)
    assert validate_action(group, google_catalog["memberships"], app="Google Contacts") == [
        "«Golfers» is not a contact group in this Google Contacts account"
    ]


# --- resolve_option and typed action values ---------------------------------

REPS = FieldSpec(
    "salesRep",
    "Sales Rep",
    FieldType.REFERENCE,
    options=(FieldOption("7", "Ann Rep"), FieldOption("8", "Bob Rep"), FieldOption("21", "John Smith"), FieldOption("22", "John Smith"), FieldOption("30", "8")),
)  # fmt: skip


@pytest.mark.parametrize(
    ("given", "expected_id"),
    [
        ("Ann Rep", "7"),
        ("  ANN rep ", "7"),
        ("7", "7"),  # an id when no name matches
        ("8", "30"),  # a name wins over an id: people pick by name
        (7, "7"),
        ({"id": "8", "name": "Bob Rep"}, "8"),
        ({"id": "8", "name": "Stale name"}, "8"),  # the id is authoritative
        ({"name": "bob rep"}, "8"),
        (FieldOption("7", "Ann Rep"), "7"),
        ("John Smith", None),  # two options share the name: no guessing
        ("Nobody", None),
        ({"id": "999", "name": "Ann Rep"}, None),  # a stale id does not become Ann by her name
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_resolve_option(given, expected_id):
    found = resolve_option(REPS, given)
    assert (found.id if found else None) == expected_id


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        (REPS, {"id": "7", "name": "Old name"}, {"id": "7", "name": "Ann Rep"}),  # the list's current name
        (REPS, "Bob Rep", {"id": "8", "name": "Bob Rep"}),
        (FieldSpec("d", "Renewal", FieldType.DATE), "2026-01-31", date(2026, 1, 31)),
        (FieldSpec("d", "Seen", FieldType.DATETIME), "2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
        (FieldSpec("d", "Seen", FieldType.DATETIME), "2026-01-31T10:00:00+02:00", datetime(2026, 1, 31, 8, tzinfo=UTC)),
        (FieldSpec("n", "Seats", FieldType.INTEGER), "12", 12),
        (FieldSpec("n", "Revenue", FieldType.DECIMAL), 99.9, Decimal("99.9")),
        (FieldSpec("b", "VIP", FieldType.BOOLEAN), "true", True),
        (FieldSpec("t", "Title", FieldType.TEXT), "  CEO ", "CEO"),
        (FieldSpec("a", "Address", FieldType.ADDRESS), {"city": " Oslo ", "street": ""}, {"city": "Oslo"}),
    ],
)
def test_parse_action_value_returns_the_typed_value_providers_write(field, raw, expected):
    value = parse_action_value(field, raw)
    assert value == expected
    assert type(value) is type(expected)
