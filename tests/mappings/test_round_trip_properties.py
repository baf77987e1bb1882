"""Property tests: every two-way pair round-trips (value → other side → back is equal, by ``values_equal``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import product

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.choices import Direction
from mappings.compatibility import allowed_directions, convert
from mappings.converters import ADDRESS_KEYS, ConversionOptions, values_equal
from mappings.name_lists import join_names, split_names

T = FieldType
CHOICE_TYPES = (T.SELECT, T.MULTI_SELECT, T.GROUPS, T.REFERENCE)
# Both sides know the same choices by name, under their own ids (ids mean nothing across two apps).
# Names holding the list separator (";") and the escape ("\\") must survive text too.
OPTION_NAMES = ("Gold", "silver", "Über Partner", "A&B, Inc.", "VIP (2024)", "R&D; Labs", "C:\\Temp\\;x")


def side_spec(field_type: FieldType, side: str) -> FieldSpec:
    options = ()
    if field_type in CHOICE_TYPES:
        options = tuple(FieldOption(f"{side}-{i}", name) for i, name in enumerate(OPTION_NAMES))
    return FieldSpec(id=f"{side}_{field_type}", label=f"{side} {field_type}", type=field_type, options=options)


# Every (NetSuite type, app type) pair whose verdict offers two-way.
TWO_WAY_PAIRS = [
    (ns, app)
    for ns, app in product(FieldType, FieldType)
    if allowed_directions(side_spec(ns, "ns"), side_spec(app, "app")).allows(Direction.TWO_WAY)
]


def test_the_two_way_pairs_are_exactly_the_expected_ones():
    # Written out so that the property test below cannot pass by running on nothing.
    expected = {
        *((t, t) for t in FieldType),
        (T.TEXT, T.LONG_TEXT),
        (T.LONG_TEXT, T.TEXT),
        (T.SELECT, T.TEXT),
        (T.SELECT, T.LONG_TEXT),
        (T.TEXT, T.SELECT),
        (T.LONG_TEXT, T.SELECT),
        (T.MULTI_SELECT, T.GROUPS),
        (T.GROUPS, T.MULTI_SELECT),
        # A reference's name as text, and text naming one of the referenced records.
        *((s, t) for s in (T.REFERENCE,) for t in (T.TEXT, T.LONG_TEXT)),
        *((s, T.REFERENCE) for s in (T.TEXT, T.LONG_TEXT)),
        # Several choices as "; "-separated text, split back into the same set.
        *((s, t) for s in (T.MULTI_SELECT, T.GROUPS) for t in (T.TEXT, T.LONG_TEXT)),
        *((s, t) for s in (T.TEXT, T.LONG_TEXT) for t in (T.MULTI_SELECT, T.GROUPS)),
    }
    assert set(TWO_WAY_PAIRS) == expected


def _phone_numbers() -> st.SearchStrategy[str]:
    regions = st.sampled_from(["US", "GB", "FR", "DE", "IN", "BR", "JP", "AU"])
    formats = st.sampled_from(
        [
            phonenumbers.PhoneNumberFormat.E164,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.NATIONAL,
        ]
    )

    def example(region: str, number_format: int, suffix: int) -> str:
        number = phonenumbers.example_number(region)
        number.national_number = number.national_number // 100 * 100 + suffix
        return phonenumbers.format_number(number, number_format)

    real = st.builds(example, regions, formats, st.integers(0, 99))
    return st.one_of(real, st.from_regex(r"\+?[0-9 ()\-.]{3,22}", fullmatch=True), st.text(max_size=30))


OPTION = st.sampled_from(OPTION_NAMES)
PADDED_NAME = st.builds(
    lambda left, name, right: left + name + right, st.sampled_from(["", " "]), OPTION, st.sampled_from(["", "  "])
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])


# Addresses as apps spell them: countries as codes or names in any case, US states as codes or names,
# streets with either line ending, stray blanks; and any text besides.
COUNTRY_SPELLINGS = ("DE", "de", "Germany", " germany ", "US", "United States", "USA", "Atlantis", "Korea")
REGION_SPELLINGS = ("CA", "California", " ca", "NY", "New York", "Bavaria")
STREET_SPELLINGS = ("1 Main St\r\nFloor 2", "1 Main St\nFloor 2 ", " 1 Main St")
ADDRESSES = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(st.text(max_size=30), st.sampled_from(spellings))
        for key, spellings in zip(
            ADDRESS_KEYS,
            (STREET_SPELLINGS, ("Berlin", " berlin"), REGION_SPELLINGS, ("10115", "sw1a 1aa"), COUNTRY_SPELLINGS),
            strict=True,
        )
    },
)


def values_of(spec: FieldSpec, other: FieldSpec) -> st.SearchStrategy:
    """Values of ``spec`` that may go to ``other``: text into a select must name one of its options."""
    t = spec.type
    if t in (T.TEXT, T.LONG_TEXT) and other.type in (T.SELECT, T.REFERENCE):
        return PADDED_NAME
    if t in (T.TEXT, T.LONG_TEXT) and other.type in (T.MULTI_SELECT, T.GROUPS):
        return st.lists(OPTION, unique=True, max_size=len(OPTION_NAMES)).map(join_names)
    choice = st.sampled_from([{"id": o.id, "name": o.name} for o in spec.options]) if spec.options else st.nothing()
    strategies = {
        T.TEXT: st.text(max_size=60),
        T.LONG_TEXT: st.text(max_size=300),
        T.EMAIL: st.one_of(st.emails(), st.text(max_size=40)),
        T.PHONE: _phone_numbers(),
        T.URL: st.text(max_size=60),
        T.DATE: st.dates(),
        T.DATETIME: st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES),
        T.BOOLEAN: st.booleans(),
        T.INTEGER: st.integers(),
        T.DECIMAL: st.decimals(allow_nan=False, allow_infinity=False),
        T.SELECT: choice,
        T.REFERENCE: choice,
        T.MULTI_SELECT: st.lists(choice, unique_by=lambda o: o["id"], max_size=len(OPTION_NAMES)),
        T.GROUPS: st.lists(choice, unique_by=lambda o: o["id"], max_size=len(OPTION_NAMES)),
        T.ADDRESS: ADDRESSES,
    }
    return strategies[t]


@pytest.mark.parametrize(("ns_type", "app_type"), TWO_WAY_PAIRS, ids=lambda t: str(t))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), region=st.sampled_from(["US", "GB"]))
def test_every_two_way_pair_round_trips(ns_type, app_type, data, region):
    netsuite_field, app_field = side_spec(ns_type, "ns"), side_spec(app_type, "app")
    options = ConversionOptions(phone_region=region)
    value = data.draw(values_of(netsuite_field, app_field), label="NetSuite value")

    there = convert(value, netsuite_field, app_field, options=options).value
    back = convert(there, app_field, netsuite_field, options=options).value

    assert values_equal(value, back, ns_type, phone_region=region)


@pytest.mark.parametrize(("ns_type", "app_type"), [(T.TEXT, T.SELECT), (T.LONG_TEXT, T.SELECT)])
@given(name=OPTION, case=st.sampled_from([str.lower, str.upper, str.swapcase]))
def test_text_naming_an_option_in_another_case_settles_on_the_option_name_after_one_trip(ns_type, app_type, name, case):
    text_field, select_field = side_spec(ns_type, "ns"), side_spec(app_type, "app")
    once = convert(convert(case(name), text_field, select_field).value, select_field, text_field).value
    assert once == name
    twice = convert(convert(once, text_field, select_field).value, select_field, text_field).value
    assert twice == once


# Names as an operator may type them in a list value: anything but surrounding blanks (trimmed anyway).
NAMES = st.text(min_size=1, max_size=20).map(str.strip).filter(bool)


@given(names=st.lists(NAMES, unique=True, max_size=8))
def test_several_names_joined_into_text_split_back_into_the_same_names(names):
    assert split_names(join_names(names)) == names


@given(names=st.lists(st.sampled_from([";", "\\", "a;b", "a\\;b", "\\\\;", "x;", ";y"]), unique=True, min_size=1))
def test_separators_and_escapes_inside_names_survive_the_round_trip(names):
    assert split_names(join_names(names)) == names


def test_text_typed_by_hand_splits_at_semicolons_and_drops_blanks():
    assert split_names(" Hiking ;Music;; ") == ["Hiking", "Music"]
    assert join_names(["R&D; Labs", "Music"]) == "R&D\\; Labs; Music"
