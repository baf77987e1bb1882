"""Every operator on every field type it applies to: a match, a non-match, and empty values.

Each row goes through :func:`rules.evaluator.evaluate` as a one-condition
rule, so the table tests what a rule decides, not a helper in isolation.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connections.providers.fields import FieldType
from rules.choices import Operator as Op
from rules.evaluator import evaluate
from rules.operators import OPERATORS_BY_TYPE, apply_operator
from rules.specs import ConditionSpec, RuleSpec

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
ANN = {"id": "7", "name": "Ann Rep"}
BOB = {"id": "8", "name": "Bob Rep"}
CID = {"id": "9", "name": "Cid Rep"}
HW, SW, SV = ({"id": "a", "name": "Hardware"}, {"id": "b", "name": "Software"}, {"id": "c", "name": "Services"})
VIP = {"id": "contactGroups/5a1b", "name": "VIP"}
MINE = {"id": "contactGroups/myContacts", "name": "My Contacts"}
CUSTOMERS = {"id": "contactGroups/9f2e", "name": "Customers"}
OPT_IN = {"id": "1", "name": "Soft Opt-In"}
OPT_OUT = {"id": "2", "name": "Soft Opt-Out"}

# Per text-like field: a value, a piece of it in another case, its start, and a text it does not contain.
TEXT_SAMPLES = {
    "firstName": ("Joanne", "ANN", "jo", "Bob"),
    "comments": ("Met at the expo\nwants a demo", "EXPO", "met at", "pricing"),
    "email": ("Ann@Example.com", "@example.COM", "ann@", "@acme.test"),
    "phone": ("+1 555 0100", "555", "+1", "+44"),
    "custentity_site": ("https://Example.com/ann", "example.com", "HTTPS://", "acme.test"),
}


def _text_rows():
    for field_id, (value, inside, start, absent) in TEXT_SAMPLES.items():
        yield from [
            (field_id, Op.CONTAINS, inside, value, True),
            (field_id, Op.CONTAINS, absent, value, False),
            (field_id, Op.CONTAINS, inside, None, False),
            (field_id, Op.CONTAINS, inside, "", False),
            (field_id, Op.NOT_CONTAINS, absent, value, True),
            (field_id, Op.NOT_CONTAINS, inside, value, False),
            (field_id, Op.NOT_CONTAINS, inside, None, True),
            (field_id, Op.STARTS_WITH, start, value, True),
            (field_id, Op.STARTS_WITH, start, "  " + value, True),  # leading spaces are not content
            (field_id, Op.STARTS_WITH, inside, "zz" + value, False),
            (field_id, Op.STARTS_WITH, start, None, False),
            (field_id, Op.IS, f"  {value.upper()} ", value, True),
            (field_id, Op.IS, absent, value, False),
            (field_id, Op.IS, absent, None, False),
            (field_id, Op.IS_NOT, absent, value, True),
            (field_id, Op.IS_NOT, value.lower(), value, False),
            (field_id, Op.IS_NOT, absent, None, True),
            (field_id, Op.IS_EMPTY, None, None, True),
            (field_id, Op.IS_EMPTY, None, "", True),
            (field_id, Op.IS_EMPTY, None, "   ", True),
            (field_id, Op.IS_EMPTY, None, value, False),
            (field_id, Op.IS_NOT_EMPTY, None, value, True),
            (field_id, Op.IS_NOT_EMPTY, None, None, False),
            (field_id, Op.IS_NOT_EMPTY, None, " ", False),
        ]


def _option_rows():
    cases = (("salesRep", ANN, BOB, CID), ("globalSubscriptionStatus", OPT_IN, OPT_OUT, None))
    for field_id, one, other, third in cases:
        renamed = {"id": one["id"], "name": "Renamed since"}  # ids compare, names are only shown
        yield from [
            (field_id, Op.IS, one, renamed, True),
            (field_id, Op.IS, one, other, False),
            (field_id, Op.IS, one, None, False),
            (field_id, Op.IS_NOT, one, other, True),
            (field_id, Op.IS_NOT, one, one, False),
            (field_id, Op.IS_NOT, one, None, True),
            (field_id, Op.IS_ANY_OF, [other, one], one, True),
            (field_id, Op.IS_ANY_OF, [other], one, False),
            (field_id, Op.IS_ANY_OF, [one, other], None, False),
            (field_id, Op.IS_NONE_OF, [other], one, True),
            (field_id, Op.IS_NONE_OF, [other, one], one, False),
            (field_id, Op.IS_NONE_OF, [one], None, True),
            (field_id, Op.IS_EMPTY, None, None, True),
            (field_id, Op.IS_EMPTY, None, {"id": "", "name": ""}, True),
            (field_id, Op.IS_EMPTY, None, one, False),
            (field_id, Op.IS_NOT_EMPTY, None, one, True),
            (field_id, Op.IS_NOT_EMPTY, None, None, False),
        ]
        if third is not None:
            yield (field_id, Op.IS_ANY_OF, [one, third], third, True)


def _option_list_rows():
    for field_id, (a, b, c) in (("custentity_interests", (HW, SW, SV)), ("memberships", (VIP, MINE, CUSTOMERS))):
        yield from [
            (field_id, Op.CONTAINS_ANY, [b, c], [a, b], True),
            (field_id, Op.CONTAINS_ANY, [c], [a, b], False),
            (field_id, Op.CONTAINS_ANY, [a], [], False),
            (field_id, Op.CONTAINS_ANY, [a], None, False),
            (field_id, Op.CONTAINS_NONE, [c], [a, b], True),
            (field_id, Op.CONTAINS_NONE, [c, a], [a, b], False),
            (field_id, Op.CONTAINS_NONE, [a], [], True),
            (field_id, Op.CONTAINS_NONE, [a], None, True),
            (field_id, Op.IS_EMPTY, None, [], True),
            (field_id, Op.IS_EMPTY, None, None, True),
            (field_id, Op.IS_EMPTY, None, [a], False),
            (field_id, Op.IS_NOT_EMPTY, None, [a], True),
            (field_id, Op.IS_NOT_EMPTY, None, [], False),
        ]


NUMBER_ROWS = [
    ("custentity_seats", Op.EQUALS, 5, 5, True),
    ("custentity_seats", Op.EQUALS, "5", 5, True),  # stored as JSON text, still a number
    ("custentity_seats", Op.EQUALS, 5, 6, False),
    ("custentity_seats", Op.EQUALS, 5, None, False),
    ("custentity_seats", Op.NOT_EQUALS, 5, 6, True),
    ("custentity_seats", Op.NOT_EQUALS, 5, 5, False),
    ("custentity_seats", Op.NOT_EQUALS, 5, None, True),
    ("custentity_seats", Op.GREATER, 4, 5, True),
    ("custentity_seats", Op.GREATER, 5, 5, False),
    ("custentity_seats", Op.GREATER, -1, None, False),
    ("custentity_seats", Op.LESS, 6, 5, True),
    ("custentity_seats", Op.LESS, 5, 5, False),
    ("custentity_seats", Op.LESS, 100, None, False),
    ("custentity_seats", Op.IS_EMPTY, None, None, True),
    ("custentity_seats", Op.IS_EMPTY, None, 0, False),  # zero is a value
    ("custentity_seats", Op.IS_NOT_EMPTY, None, 0, True),
    ("custentity_seats", Op.IS_NOT_EMPTY, None, None, False),
    ("custentity_revenue", Op.EQUALS, "2.5", Decimal("2.50"), True),
    ("custentity_revenue", Op.EQUALS, Decimal("2.5"), Decimal("2.51"), False),
    ("custentity_revenue", Op.EQUALS, "2.5", None, False),
    ("custentity_revenue", Op.NOT_EQUALS, "2.5", Decimal("2.51"), True),
    ("custentity_revenue", Op.NOT_EQUALS, "2.5", Decimal("2.5"), False),
    ("custentity_revenue", Op.NOT_EQUALS, "2.5", None, True),
    ("custentity_revenue", Op.GREATER, "1000", Decimal("1000.01"), True),
    ("custentity_revenue", Op.GREATER, "1000", Decimal("1000.00"), False),
    ("custentity_revenue", Op.GREATER, "0", None, False),
    ("custentity_revenue", Op.LESS, "1000", Decimal("999.99"), True),
    ("custentity_revenue", Op.LESS, "1000", Decimal("1000"), False),
    ("custentity_revenue", Op.LESS, "1000", None, False),
    ("custentity_revenue", Op.IS_EMPTY, None, None, True),
    ("custentity_revenue", Op.IS_EMPTY, None, Decimal("0"), False),
    ("custentity_revenue", Op.IS_NOT_EMPTY, None, Decimal("0"), True),
    ("custentity_revenue", Op.IS_NOT_EMPTY, None, None, False),
]

DATE_ROWS = [
    ("custentity_renewal", Op.BEFORE, "2025-01-01", date(2024, 12, 31), True),
    ("custentity_renewal", Op.BEFORE, "2025-01-01", date(2025, 1, 1), False),  # strict
    ("custentity_renewal", Op.BEFORE, date(2025, 1, 1), None, False),
    ("custentity_renewal", Op.AFTER, date(2025, 1, 1), date(2025, 1, 2), True),
    ("custentity_renewal", Op.AFTER, "2025-01-01", date(2025, 1, 1), False),
    ("custentity_renewal", Op.AFTER, "2025-01-01", None, False),
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, date(2025, 6, 1), True),
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, date(2025, 5, 16), True),  # the first day of the window
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, "30", date(2025, 6, 15), True),  # today
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, date(2025, 5, 15), False),
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, date(2025, 6, 16), False),  # the future is not the last N days
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, None, False),
    ("custentity_renewal", Op.WITHIN_LAST_DAYS, 30, "2025-06-10", True),  # untyped by a provider
    ("custentity_renewal", Op.BEFORE, "2025-01-01", "not a date", False),
    ("custentity_renewal", Op.AFTER, "2025-01-01", "not a date", False),
    ("custentity_renewal", Op.IS_EMPTY, None, None, True),
    ("custentity_renewal", Op.IS_EMPTY, None, date(2025, 1, 1), False),
    ("custentity_renewal", Op.IS_NOT_EMPTY, None, date(2025, 1, 1), True),
    ("custentity_renewal", Op.IS_NOT_EMPTY, None, None, False),
    ("lastModifiedDate", Op.BEFORE, "2025-01-01", datetime(2024, 12, 31, 23, 59, tzinfo=UTC), True),
    ("lastModifiedDate", Op.BEFORE, "2025-01-01", datetime(2025, 1, 1, 0, 0, tzinfo=UTC), False),
    ("lastModifiedDate", Op.BEFORE, "2025-01-01", None, False),
    # A date operand compares calendar days (UTC): a moment during 1 January is not "after 1 January".
    ("lastModifiedDate", Op.AFTER, "2025-01-01", datetime(2025, 1, 1, 15, 0, tzinfo=UTC), False),
    ("lastModifiedDate", Op.AFTER, "2025-01-01", datetime(2025, 1, 2, 0, 0, tzinfo=UTC), True),
    ("lastModifiedDate", Op.AFTER, "2025-01-01", None, False),
    # A date-time operand compares moments, across time zones.
    ("lastModifiedDate", Op.AFTER, "2025-01-01T12:00:00Z", datetime(2025, 1, 1, 13, 0, tzinfo=UTC), True),
    (
        "lastModifiedDate",
        Op.AFTER,
        "2025-01-01T12:00:00+00:00",
        datetime(2025, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=2))),  # 11:00 UTC
        False,
    ),
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 1, NOW - timedelta(hours=23), True),
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 1, NOW - timedelta(hours=25), False),
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 1, NOW + timedelta(minutes=2), True),  # provider clock slightly ahead
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 1, NOW + timedelta(hours=1), False),
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 7, "2025-06-14T08:00:00+00:00", True),  # untyped by a provider
    ("lastModifiedDate", Op.WITHIN_LAST_DAYS, 1, None, False),
    ("lastModifiedDate", Op.IS_EMPTY, None, None, True),
    ("lastModifiedDate", Op.IS_EMPTY, None, NOW, False),
    ("lastModifiedDate", Op.IS_NOT_EMPTY, None, NOW, True),
    ("lastModifiedDate", Op.IS_NOT_EMPTY, None, None, False),
]

BOOLEAN_ROWS = [
    ("custentity_vip", Op.IS_TRUE, None, True, True),
    ("custentity_vip", Op.IS_TRUE, None, False, False),
    ("custentity_vip", Op.IS_TRUE, None, None, False),
    ("custentity_vip", Op.IS_TRUE, None, "T", True),  # SuiteQL's spelling, if a provider left it untyped
    ("custentity_vip", Op.IS_FALSE, None, False, True),
    ("custentity_vip", Op.IS_FALSE, None, None, True),  # no value is unchecked
    ("custentity_vip", Op.IS_FALSE, None, True, False),
    ("custentity_vip", Op.IS_EMPTY, None, None, True),
    ("custentity_vip", Op.IS_EMPTY, None, False, False),  # unchecked is a value
    ("custentity_vip", Op.IS_NOT_EMPTY, None, False, True),
    ("custentity_vip", Op.IS_NOT_EMPTY, None, None, False),
]

ADDRESS_ROWS = [
    ("defaultAddress", Op.IS_EMPTY, None, None, True),
    ("defaultAddress", Op.IS_EMPTY, None, {}, True),
    ("defaultAddress", Op.IS_EMPTY, None, {"street": " ", "city": ""}, True),
    ("defaultAddress", Op.IS_EMPTY, None, {"city": "Oslo"}, False),
    ("defaultAddress", Op.IS_NOT_EMPTY, None, {"city": "Oslo"}, True),
    ("defaultAddress", Op.IS_NOT_EMPTY, None, {"street": ""}, False),
]

ROWS = [
    *_text_rows(),
    *_option_rows(),
    *_option_list_rows(),
    *NUMBER_ROWS,
    *DATE_ROWS,
    *BOOLEAN_ROWS,
    *ADDRESS_ROWS,
]


def _decide(catalog, field_id, operator, operand, value):
    rule = RuleSpec("only rule", conditions=[ConditionSpec(field_id, operator, operand)])
    return evaluate([rule], {field_id: value}, False, catalog=catalog, now=NOW, is_create=True)


@pytest.mark.parametrize(("field_id", "operator", "operand", "value", "expected"), ROWS)
def test_operator_decides_as_the_table_says(catalog, field_id, operator, operand, value, expected):
    decision = _decide(catalog, field_id, operator, operand, value)
    assert decision.sync is expected, decision.trace


def test_table_covers_every_operator_of_every_type_with_both_outcomes(catalog):
    outcomes: dict[tuple[FieldType, str], set[bool]] = {}
    for field_id, operator, _operand, _value, expected in ROWS:
        outcomes.setdefault((catalog[field_id].type, operator), set()).add(expected)
    required = {(field_type, op) for field_type, ops in OPERATORS_BY_TYPE.items() for op in ops}
    assert set(outcomes) == required
    assert all(seen == {True, False} for seen in outcomes.values())
    assert set(OPERATORS_BY_TYPE) == set(FieldType)


@pytest.mark.parametrize(
    ("field_id", "operator"),
    [
        ("salesRep", Op.CONTAINS),
        ("firstName", Op.GREATER),
        ("custentity_vip", Op.IS),
        ("custentity_renewal", Op.EQUALS),
        ("defaultAddress", Op.CONTAINS),
        ("memberships", Op.IS),
        ("custentity_seats", Op.BEFORE),
    ],
)
def test_operator_outside_its_types_never_matches(catalog, field_id, operator):
    decision = _decide(catalog, field_id, operator, "x", "x")
    assert decision.sync is False
    assert "does not apply to" in decision.trace[0]


def test_apply_operator_refuses_an_operator_outside_the_table():
    with pytest.raises(ValueError, match="does not apply"):
        apply_operator(Op.CONTAINS, FieldType.REFERENCE, ANN, "Ann", now=NOW)


@given(value=st.one_of(st.none(), st.text(max_size=20)), needle=st.text(min_size=1, max_size=5).filter(str.strip))
def test_does_not_contain_is_exactly_the_opposite_of_contains(value, needle):
    contains = apply_operator(Op.CONTAINS, FieldType.TEXT, value, needle, now=NOW)
    assert apply_operator(Op.NOT_CONTAINS, FieldType.TEXT, value, needle, now=NOW) is (not contains)


@given(value=st.one_of(st.none(), st.integers(-5, 5)), operand=st.integers(-5, 5))
def test_number_comparisons_agree_with_python(value, operand):
    def check(op):
        return apply_operator(op, FieldType.INTEGER, value, operand, now=NOW)

    assert check(Op.EQUALS) is (value == operand)
    assert check(Op.NOT_EQUALS) is (value != operand)
    assert check(Op.GREATER) is (value is not None and value > operand)
    assert check(Op.LESS) is (value is not None and value < operand)
