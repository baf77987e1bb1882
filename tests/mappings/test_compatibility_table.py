"""The whole compatibility table, pair by pair: verdicts, reasons, and a sample conversion of every allowed pair."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import product

import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.choices import Direction
from mappings.compatibility import (
    COMPATIBILITY,
    GENERIC_REFUSAL,
    IncompatibleFields,
    allowed_directions,
    convert,
    rule_for,
)

T = FieldType
ALL_PAIRS = list(product(FieldType, FieldType))
OPTIONS = (FieldOption("1", "Gold"), FieldOption("2", "Silver"))
CHOICE_TYPES = (T.SELECT, T.REFERENCE, T.MULTI_SELECT, T.GROUPS)


def spec(field_type: FieldType, field_id: str = "", *, options=None, writable=True, max_length=None) -> FieldSpec:
    """A field of ``field_type``; choice fields get the Gold/Silver options unless told otherwise."""
    if options is None:
        options = OPTIONS if field_type in CHOICE_TYPES else ()
    field_id = field_id or f"f_{field_type}"
    return FieldSpec(
        id=field_id,
        label=field_id.title(),
        type=field_type,
        writable=writable,
        options=tuple(options),
        max_length=max_length,
    )


TEXTS = (T.TEXT, T.LONG_TEXT)
LISTS = (T.MULTI_SELECT, T.GROUPS)

# Written out independently of the code: the pairs a value may flow through, source → target.
EXPECTED_ALLOWED = {
    *((t, t) for t in FieldType),
    (T.TEXT, T.LONG_TEXT),
    (T.LONG_TEXT, T.TEXT),
    *((s, t) for s in (T.EMAIL, T.PHONE, T.URL) for t in TEXTS),
    (T.INTEGER, T.DECIMAL),
    *((s, t) for s in (T.INTEGER, T.DECIMAL, T.BOOLEAN, T.DATE, T.DATETIME) for t in TEXTS),
    (T.DATETIME, T.DATE),
    *((s, t) for s in (T.SELECT, T.REFERENCE) for t in TEXTS),
    *((s, T.SELECT) for s in TEXTS),  # only when the select's options are known
    *((s, T.REFERENCE) for s in TEXTS),  # only when the referenced records' names are known
    *((s, t) for s in TEXTS for t in LISTS),  # split at ";", only when the options are known
    *((s, T.SELECT) for s in LISTS),
    *((s, t) for s in LISTS for t in TEXTS),
    *((T.SELECT, t) for t in LISTS),
    (T.MULTI_SELECT, T.GROUPS),
    (T.GROUPS, T.MULTI_SELECT),
    *((T.ADDRESS, t) for t in TEXTS),
}
EXPECTED_CONDITIONAL = {*((s, t) for s in TEXTS for t in (T.SELECT, T.REFERENCE, *LISTS))}
EXPECTED_LOSSY = {
    (T.DATETIME, T.DATE),
    *((s, T.SELECT) for s in LISTS),
    *((T.ADDRESS, t) for t in TEXTS),
}


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=lambda t: str(t))
def test_every_pair_is_allowed_exactly_as_expected_or_refused_with_a_reason(source, target):
    rule = rule_for(source, target)
    assert (rule.source, rule.target) == (source, target)
    assert rule.allowed == ((source, target) in EXPECTED_ALLOWED)
    assert (rule.requires is not None) == ((source, target) in EXPECTED_CONDITIONAL)
    assert rule.lossy == ((source, target) in EXPECTED_LOSSY)
    if not rule.allowed:
        assert rule.why, "a refused pair must say why"
        assert rule.converter is None


def test_the_table_holds_only_type_pairs_and_every_allowed_pair_is_in_it():
    assert all(key == (entry.source, entry.target) for key, entry in COMPATIBILITY.items())
    assert EXPECTED_ALLOWED <= set(COMPATIBILITY)
    unlisted = [pair for pair in ALL_PAIRS if pair not in COMPATIBILITY]
    assert unlisted, "the generic refusal covers what the table does not list"
    assert all(rule_for(*pair).why == GENERIC_REFUSAL for pair in unlisted)


ADDRESS = {"street": "1 Main St", "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"}
GOLD, SILVER = {"id": "1", "name": "Gold"}, {"id": "2", "name": "Silver"}
PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))

# (source type, target type, value, expected converted value, expected number of warnings); one row per allowed pair.
SAMPLES = [
    (T.TEXT, T.TEXT, "Ada", "Ada", 0),
    (T.LONG_TEXT, T.LONG_TEXT, "line one\nline two", "line one\nline two", 0),
    (T.EMAIL, T.EMAIL, "  Ada@Example.COM ", "Ada@Example.COM", 0),
    (T.PHONE, T.PHONE, "+1 (650) 253-0000", "+16502530000", 0),
    (T.URL, T.URL, " https://example.com/a ", "https://example.com/a", 0),
    (T.DATE, T.DATE, date(2024, 2, 29), date(2024, 2, 29), 0),
    (T.DATETIME, T.DATETIME, datetime(2024, 5, 1, 11, 30, tzinfo=PLUS_TWO), datetime(2024, 5, 1, 9, 30, tzinfo=UTC), 0),
    (T.BOOLEAN, T.BOOLEAN, False, False, 0),
    (T.INTEGER, T.INTEGER, 42, 42, 0),
    (T.DECIMAL, T.DECIMAL, Decimal("12.50"), Decimal("12.50"), 0),
    (T.SELECT, T.SELECT, {"id": "ns-9", "name": "gold"}, GOLD, 0),
    (
        T.MULTI_SELECT,
        T.MULTI_SELECT,
        [{"id": "a", "name": "SILVER"}, {"id": "b", "name": "Gold"}],
        [SILVER, GOLD],
        0,
    ),
    (T.REFERENCE, T.REFERENCE, {"id": "c-7", "name": "gold"}, GOLD, 0),
    (
        T.ADDRESS,
        T.ADDRESS,
        {"street": " 1 Main St ", "city": "Springfield", "region": "", "country": "US"},
        {"street": "1 Main St", "city": "Springfield", "country": "US"},
        0,
    ),
    (T.GROUPS, T.GROUPS, [{"id": "contactGroups/9", "name": "gold"}], [GOLD], 0),
    (T.TEXT, T.LONG_TEXT, "Ada", "Ada", 0),
    (T.LONG_TEXT, T.TEXT, "line one\nline two", "line one\nline two", 0),
    (T.EMAIL, T.TEXT, " ada@example.com ", "ada@example.com", 0),
    (T.EMAIL, T.LONG_TEXT, "ada@example.com", "ada@example.com", 0),
    (T.PHONE, T.TEXT, " (650) 253-0000 ", "(650) 253-0000", 0),
    (T.PHONE, T.LONG_TEXT, "+1 650 253 0000", "+1 650 253 0000", 0),
    (T.URL, T.TEXT, "https://example.com ", "https://example.com", 0),
    (T.URL, T.LONG_TEXT, "https://example.com", "https://example.com", 0),
    (T.INTEGER, T.DECIMAL, 7, Decimal(7), 0),
    (T.INTEGER, T.TEXT, 1250, "1250", 0),
    (T.INTEGER, T.LONG_TEXT, -3, "-3", 0),
    (T.DECIMAL, T.TEXT, Decimal("1E+2"), "100", 0),
    (T.DECIMAL, T.LONG_TEXT, Decimal("12.50"), "12.50", 0),
    (T.BOOLEAN, T.TEXT, True, "Yes", 0),
    (T.BOOLEAN, T.LONG_TEXT, False, "No", 0),
    (T.DATETIME, T.DATE, datetime(2024, 5, 1, 23, 30, tzinfo=MINUS_FIVE), date(2024, 5, 2), 0),
    (T.DATE, T.TEXT, date(2024, 2, 29), "2024-02-29", 0),
    (T.DATE, T.LONG_TEXT, date(1999, 12, 31), "1999-12-31", 0),
    (T.DATETIME, T.TEXT, datetime(2024, 5, 1, 9, 30, tzinfo=UTC), "2024-05-01T09:30:00Z", 0),
    (T.DATETIME, T.LONG_TEXT, datetime(2024, 5, 1, 11, 30, tzinfo=PLUS_TWO), "2024-05-01T09:30:00Z", 0),
    (T.SELECT, T.TEXT, GOLD, "Gold", 0),
    (T.SELECT, T.LONG_TEXT, SILVER, "Silver", 0),
    (T.REFERENCE, T.TEXT, {"id": "c-7", "name": "Acme Inc."}, "Acme Inc.", 0),
    (T.REFERENCE, T.LONG_TEXT, {"id": "c-7", "name": "Acme Inc."}, "Acme Inc.", 0),
    (T.TEXT, T.SELECT, " silver ", SILVER, 0),
    (T.LONG_TEXT, T.SELECT, "GOLD", GOLD, 0),
    (T.TEXT, T.REFERENCE, " silver ", SILVER, 0),
    (T.LONG_TEXT, T.REFERENCE, "GOLD", GOLD, 0),
    (T.TEXT, T.MULTI_SELECT, "gold; Silver", [GOLD, SILVER], 0),
    (T.LONG_TEXT, T.MULTI_SELECT, "Silver;silver", [SILVER], 0),
    (T.TEXT, T.GROUPS, "Gold;silver", [GOLD, SILVER], 0),
    (T.LONG_TEXT, T.GROUPS, "Gold; Platinum", [GOLD, {"id": "", "name": "Platinum"}], 0),  # a group to create
    (T.MULTI_SELECT, T.SELECT, [{"id": "x", "name": "Silver"}, {"id": "y", "name": "Gold"}], SILVER, 1),
    (T.GROUPS, T.SELECT, [{"id": "g", "name": "gold"}], GOLD, 0),
    (T.MULTI_SELECT, T.TEXT, [{"id": "x", "name": "Silver"}], "Silver", 0),
    (T.MULTI_SELECT, T.LONG_TEXT, [{"id": "x", "name": "Silver"}, {"id": "y", "name": "Gold"}], "Silver; Gold", 0),
    (T.GROUPS, T.TEXT, [{"id": "g1", "name": "VIP"}, {"id": "g2", "name": "Friends"}], "VIP; Friends", 0),
    (T.GROUPS, T.LONG_TEXT, [{"id": "g1", "name": "VIP"}], "VIP", 0),
    (T.SELECT, T.MULTI_SELECT, {"id": "ns-1", "name": "GOLD"}, [GOLD], 0),
    (T.SELECT, T.GROUPS, {"id": "ns-2", "name": "silver"}, [SILVER], 0),
    (T.MULTI_SELECT, T.GROUPS, [{"id": "a", "name": "Gold"}, {"id": "b", "name": "Silver"}], [GOLD, SILVER], 0),
    (T.GROUPS, T.MULTI_SELECT, [{"id": "contactGroups/1", "name": "Silver"}], [SILVER], 0),
    (T.ADDRESS, T.TEXT, ADDRESS, "1 Main St, Springfield, IL 62701, US", 0),
    (T.ADDRESS, T.LONG_TEXT, ADDRESS, "1 Main St\nSpringfield, IL 62701\nUS", 0),
]


def test_there_is_one_sample_per_allowed_pair():
    pairs = [(source, target) for source, target, *_ in SAMPLES]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == EXPECTED_ALLOWED


@pytest.mark.parametrize(("source", "target", "value", "expected", "warnings"), SAMPLES, ids=lambda v: str(v)[:20])
def test_each_allowed_pair_converts_its_sample(source, target, value, expected, warnings):
    result = convert(value, spec(source, "source"), spec(target, "target"))
    assert result.value == expected
    assert type(result.value) is type(expected)
    assert len(result.warnings) == warnings


@pytest.mark.parametrize(("source", "target"), sorted(EXPECTED_ALLOWED), ids=lambda t: str(t))
@pytest.mark.parametrize("empty", [None, "", "   ", [], {}])
def test_no_value_stays_no_value_through_every_allowed_pair(source, target, empty):
    assert convert(empty, spec(source, "source"), spec(target, "target")).value is None


REFUSED = [pair for pair in ALL_PAIRS if pair not in EXPECTED_ALLOWED]


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda t: str(t))
def test_each_refused_pair_refuses_the_conversion_and_the_direction_with_its_reason(source, target):
    netsuite_field, app_field = spec(source, "nsField"), spec(target, "appField")
    with pytest.raises(IncompatibleFields):
        convert(_any_value(source), netsuite_field, app_field)
    verdict = allowed_directions(netsuite_field, app_field, app_label="Google Contacts")
    assert not verdict.allows(Direction.TO_APP)
    assert not verdict.allows(Direction.TWO_WAY)
    reason = verdict.reasons[Direction.TO_APP]
    assert "Nsfield (nsField) in NetSuite" in reason
    assert "Appfield (appField) in Google Contacts" in reason
    assert rule_for(source, target).why in reason
    assert reason in verdict.reasons[Direction.TWO_WAY]


def _any_value(field_type: FieldType):
    return next(value for source, _t, value, *_ in SAMPLES if source == field_type)


# The issue's rules as verdicts: (NetSuite type, app type, options known on choice fields, expected directions).
BOTH = {Direction.TWO_WAY, Direction.TO_APP, Direction.TO_NETSUITE}
VERDICTS = [
    *((t, t, True, BOTH) for t in FieldType),
    (T.INTEGER, T.TEXT, True, {Direction.TO_APP}),
    (T.DECIMAL, T.TEXT, True, {Direction.TO_APP}),
    (T.TEXT, T.INTEGER, True, {Direction.TO_NETSUITE}),
    (T.INTEGER, T.DECIMAL, True, {Direction.TO_APP}),
    (T.DECIMAL, T.INTEGER, True, {Direction.TO_NETSUITE}),
    (T.SELECT, T.TEXT, True, BOTH),  # text constrained to the select's known options
    (T.SELECT, T.TEXT, False, {Direction.TO_APP}),
    (T.TEXT, T.SELECT, False, {Direction.TO_NETSUITE}),
    (T.REFERENCE, T.TEXT, True, BOTH),  # text names one of the referenced records
    (T.REFERENCE, T.TEXT, False, {Direction.TO_APP}),
    (T.TEXT, T.REFERENCE, False, {Direction.TO_NETSUITE}),
    (T.BOOLEAN, T.TEXT, True, {Direction.TO_APP}),
    (T.DATE, T.DATE, True, BOTH),
    (T.DATETIME, T.DATE, True, {Direction.TO_APP}),
    (T.DATE, T.DATETIME, True, {Direction.TO_NETSUITE}),
    (T.EMAIL, T.TEXT, True, {Direction.TO_APP}),
    (T.PHONE, T.LONG_TEXT, True, {Direction.TO_APP}),
    (T.TEXT, T.URL, True, {Direction.TO_NETSUITE}),
    (T.TEXT, T.LONG_TEXT, True, BOTH),
    (T.MULTI_SELECT, T.SELECT, True, {Direction.TO_APP, Direction.TO_NETSUITE}),  # but never both at once
    (T.GROUPS, T.TEXT, True, BOTH),  # every name, "; "-separated, splits back into the same set
    (T.MULTI_SELECT, T.LONG_TEXT, True, BOTH),
    (T.MULTI_SELECT, T.TEXT, False, {Direction.TO_APP}),
    (T.MULTI_SELECT, T.GROUPS, True, BOTH),
    (T.ADDRESS, T.TEXT, True, {Direction.TO_APP}),
    (T.ADDRESS, T.PHONE, True, set()),
    (T.BOOLEAN, T.INTEGER, True, set()),
]


@pytest.mark.parametrize(("ns_type", "app_type", "known", "expected"), VERDICTS, ids=lambda v: str(v))
def test_allowed_directions_follow_the_rules_of_the_issue(ns_type, app_type, known, expected):
    options = None if known else ()
    verdict = allowed_directions(spec(ns_type, "ns", options=options), spec(app_type, "app", options=options))
    assert verdict.allowed == frozenset(expected)
    assert set(verdict.reasons) == set(Direction) - set(expected), "every missing direction has a reason"
    assert all(verdict.reasons.values())
    assert verdict.compatible == bool(expected)


def test_two_way_is_only_offered_with_both_one_way_directions():
    for source, target in ALL_PAIRS:
        verdict = allowed_directions(spec(source), spec(target))
        if verdict.allows(Direction.TWO_WAY):
            assert verdict.allows(Direction.TO_APP) and verdict.allows(Direction.TO_NETSUITE)


def test_a_read_only_target_closes_that_direction_and_says_so():
    created = spec(T.DATETIME, "dateCreated", writable=False)
    verdict = allowed_directions(created, spec(T.DATETIME, "lastSeen"), app_label="Google Contacts")
    assert verdict.allowed == {Direction.TO_APP}
    assert verdict.reasons[Direction.TO_NETSUITE] == "Datecreated (dateCreated) is read-only in NetSuite."
    assert "read-only in NetSuite" in verdict.reasons[Direction.TWO_WAY]

    verdict = allowed_directions(spec(T.TEXT, "nickname"), spec(T.TEXT, "label", writable=False), app_label="HubSpot")
    assert verdict.allowed == {Direction.TO_NETSUITE}
    assert verdict.reasons[Direction.TO_APP] == "Label (label) is read-only in HubSpot."


def test_reasons_name_the_fields_and_types_in_plain_words():
    verdict = allowed_directions(spec(T.PHONE, "phone"), spec(T.LONG_TEXT, "notes"), app_label="Google Contacts")
    assert verdict.reasons[Direction.TO_NETSUITE] == (
        "Notes (notes) in Google Contacts is long text and Phone (phone) in NetSuite is a phone number:"
        " free text is not checked to be a valid phone number."
    )
    verdict = allowed_directions(spec(T.DECIMAL, "amount"), spec(T.INTEGER, "count"))
    assert "the digits after the decimal point would be lost" in verdict.reasons[Direction.TO_APP]


def test_text_into_a_select_whose_options_are_unknown_asks_to_refresh_the_catalogs():
    tier = FieldSpec("custentity_tier", "Tier", T.SELECT)
    verdict = allowed_directions(tier, spec(T.TEXT, "userDefined.Tier"), app_label="Google Contacts")
    assert "the options of Tier (custentity_tier) are not known" in verdict.reasons[Direction.TO_NETSUITE]
    assert "refresh the field catalogs" in verdict.reasons[Direction.TO_NETSUITE]
    with pytest.raises(IncompatibleFields, match="are not known"):
        convert("Gold", spec(T.TEXT), tier)


def test_a_lossy_pair_is_refused_two_way_with_what_would_be_lost():
    verdict = allowed_directions(spec(T.MULTI_SELECT, "custentity_tags"), spec(T.SELECT, "segment"))
    assert verdict.reasons[Direction.TWO_WAY].startswith("Two-way would lose data:")
    assert "only the first (primary) value is copied" in verdict.reasons[Direction.TWO_WAY]
    assert verdict.notes[Direction.TO_APP] == "only the first (primary) value is copied"


def test_notes_warn_that_long_text_is_cut_into_a_shorter_field():
    verdict = allowed_directions(spec(T.TEXT, "firstName", max_length=32), spec(T.LONG_TEXT, "givenName"))
    assert verdict.allowed == BOTH
    assert "text longer than 32 characters is cut to fit Firstname (firstName)" in verdict.notes[Direction.TO_NETSUITE]
    assert Direction.TO_APP not in verdict.notes
