"""Converters on the values that matter: cut text, phone numbers, emails, bad values, and equality for the merge."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import phonenumbers
import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.compatibility import convert
from mappings.converters import ConversionError, ConversionOptions, normalize_email, normalize_phone, values_equal

T = FieldType


def field(field_type: FieldType, label: str = "Field", **kwargs) -> FieldSpec:
    return FieldSpec(id=label.lower().replace(" ", "_"), label=label, type=field_type, **kwargs)


TIER = field(T.SELECT, "Tier", options=(FieldOption("1", "Gold"), FieldOption("2", "Silver")))


def test_text_longer_than_the_target_holds_is_cut_with_a_warning_not_an_error():
    result = convert("x" * 40, field(T.LONG_TEXT, "Notes"), field(T.TEXT, "First Name", max_length=32))
    assert result.value == "x" * 32
    assert result.warnings == ["First Name (first_name): cut from 40 to 32 characters to fit"]


def test_text_that_fits_is_not_cut_and_warns_nothing():
    result = convert("Ada", field(T.TEXT), field(T.TEXT, max_length=3))
    assert (result.value, result.warnings) == ("Ada", [])


def test_an_email_too_long_for_its_target_is_an_error_because_a_cut_address_is_wrong():
    with pytest.raises(ConversionError, match="more than the 10 that Email"):
        convert("someone@example.com", field(T.EMAIL), field(T.EMAIL, "Email", max_length=10))


def test_emails_are_trimmed_and_stored_as_given_but_compared_case_insensitively():
    assert convert("  Ada.Lovelace@Example.COM\n", field(T.EMAIL), field(T.EMAIL)).value == "Ada.Lovelace@Example.COM"
    assert normalize_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"
    assert normalize_email("   ") is None
    assert values_equal("ADA@example.com", " ada@EXAMPLE.com", T.EMAIL)
    assert not values_equal("ada@example.com", "bob@example.com", T.EMAIL)


# (region, as typed, E.164): numbers typed the way people of that country write them, without a country code.
LOCAL_NUMBERS = [
    ("BE", "02 555 12 34", "+3225551234"),
    ("BE", "0470 12 34 56", "+32470123456"),
    ("JP", "03-1234-5678", "+81312345678"),
    ("JP", "090-1234-5678", "+819012345678"),
    ("US", "(650) 253-0000", "+16502530000"),
    ("US", "650.253.0000", "+16502530000"),
    ("GB", "020 7946 0958", "+442079460958"),
    ("GB", "07700 900123", "+447700900123"),
]


@pytest.mark.parametrize(("region", "given", "e164"), LOCAL_NUMBERS)
def test_local_numbers_are_read_in_the_connection_region_and_written_in_e164(region, given, e164):
    result = convert(given, field(T.PHONE), field(T.PHONE), options=ConversionOptions(phone_region=region))
    assert (result.value, result.warnings) == (e164, [])
    assert normalize_phone(given, region) == e164


@pytest.mark.parametrize(
    "given", ["+1 650-253-0000", "+44 20 7946 0958", "+33 1 42 68 53 00", "+32 2 555 12 34", "+81 3-1234-5678"]
)
@pytest.mark.parametrize("region", ["BE", "JP", "US", None])
def test_a_number_typed_with_its_country_code_is_read_the_same_in_any_region(given, region):
    result = convert(given, field(T.PHONE), field(T.PHONE), options=ConversionOptions(phone_region=region))
    assert result.value == phonenumbers.format_number(phonenumbers.parse(given), phonenumbers.PhoneNumberFormat.E164)
    assert result.warnings == []


def test_the_same_digits_mean_different_numbers_in_different_regions():
    assert normalize_phone("02 555 12 34", "BE") == "+3225551234"
    assert normalize_phone("02 555 12 34", "JP") != "+3225551234"


def test_there_is_no_implicit_us_region():
    result = convert("(650) 253-0000", field(T.PHONE), field(T.PHONE, "Work phone", max_length=32))
    assert result.value == "(650) 253-0000"
    assert result.warnings == [
        "Work phone (work_phone): '(650) 253-0000' has no country code and no default phone region is set"
        " (set the connection's phone region); kept as typed"
    ]
    assert normalize_phone("(650) 253-0000") is None


@pytest.mark.parametrize(
    ("region", "given"),
    [("BE", "02 555"), ("JP", "03-12"), ("US", "ask reception"), ("GB", "01"), ("US", "+1 650 253 0000 0000 0000")],
)
def test_a_number_that_cannot_be_read_is_kept_as_typed_with_a_warning_naming_the_region(region, given):
    options = ConversionOptions(phone_region=region)
    result = convert(f"  {given} ", field(T.PHONE), field(T.PHONE, "Work phone"), options=options)
    assert result.value == given
    assert result.warnings == [
        f"Work phone (work_phone): {given!r} is not a valid number for region {region}; kept as typed"
    ]
    assert normalize_phone(given, region) is None


def test_the_warning_reads_well_behind_a_warning_prefix():
    options = ConversionOptions(phone_region="BE")
    (warning,) = convert("02 555", field(T.PHONE), field(T.PHONE, "phone.work"), options=options).warnings
    assert f"Warning: {warning}" == "Warning: phone.work: '02 555' is not a valid number for region BE; kept as typed"


def test_a_phone_number_with_an_extension_is_kept_whole_since_e164_cannot_hold_it():
    us = ConversionOptions(phone_region="US")
    result = convert("+1 650-253-0000 ext. 42", field(T.PHONE), field(T.PHONE), options=us)
    assert (result.value, result.warnings) == ("+1 650-253-0000 ext. 42", [])
    assert values_equal("+1 650-253-0000 ext. 42", "(650) 253 0000 x42", T.PHONE, phone_region="US")
    assert not values_equal("+1 650-253-0000 ext. 42", "+16502530000", T.PHONE, phone_region="US")


def test_phone_numbers_compare_by_e164_in_the_region_and_unreadable_ones_by_text():
    assert values_equal("(650) 253-0000", "+16502530000", T.PHONE, phone_region="US")
    assert values_equal("020 7946 0958", "+44 20 7946 0958", T.PHONE, phone_region="GB")
    assert values_equal("02 555 12 34", "+3225551234", T.PHONE, phone_region="BE")
    assert not values_equal("02 555 12 34", "+3225551234", T.PHONE, phone_region="JP")
    assert not values_equal("(650) 253-0000", "(650) 253-0001", T.PHONE, phone_region="US")
    assert values_equal(" ask reception", "ask reception ", T.PHONE)


def test_a_number_whose_e164_form_reads_back_differently_is_kept_as_typed():
    """Found by the round-trip property test: in GB, "00000000000" reads as +44 with nine leading zeros, whose
    E.164 form reads back with eight; normalising it would change it on every sync."""
    gb = ConversionOptions(phone_region="GB")
    result = convert("00000000000", field(T.PHONE), field(T.PHONE), options=gb)
    assert result.value == "00000000000" and result.warnings
    back = convert(result.value, field(T.PHONE), field(T.PHONE), options=gb).value
    assert values_equal("00000000000", back, T.PHONE, phone_region="GB")
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"  # leading zero of a real number: read


def test_text_into_a_select_matches_the_option_name_in_any_case():
    assert convert("  sILVER ", field(T.TEXT), TIER).value == {"id": "2", "name": "Silver"}


def test_text_that_names_no_option_is_a_conversion_error_naming_the_field():
    with pytest.raises(ConversionError, match=r"'Platinum' is not one of the options of Tier \(tier\)"):
        convert("Platinum", field(T.TEXT), TIER)


def test_option_names_that_differ_only_by_case_need_an_exact_match():
    clashing = field(T.SELECT, "Tier", options=(FieldOption("1", "VIP"), FieldOption("2", "vip")))
    assert convert("vip", field(T.TEXT), clashing).value == {"id": "2", "name": "vip"}
    with pytest.raises(ConversionError, match="matches 2 options"):
        convert("Vip", field(T.TEXT), clashing)


def test_a_choice_without_a_name_cannot_be_copied_as_text():
    with pytest.raises(ConversionError, match="has no name to copy"):
        convert({"id": "17", "name": ""}, field(T.REFERENCE, "Sales Rep"), field(T.TEXT))


@pytest.mark.parametrize(
    ("source_type", "target_type", "value", "message"),
    [
        (T.DATE, T.DATE, "31/12/2024", "is not a date"),
        (T.DATE, T.TEXT, 20240101, "is not a date"),
        (T.DATETIME, T.DATETIME, datetime(2024, 1, 1, 9, 0), "has no time zone"),
        (T.DATETIME, T.DATE, "yesterday", "is not a date and time"),
        (T.INTEGER, T.INTEGER, Decimal("1.5"), "is not a whole number"),
        (T.DECIMAL, T.DECIMAL, "12,5", "is not a number"),
        (T.DECIMAL, T.TEXT, Decimal("NaN"), "is not a finite number"),
        (T.BOOLEAN, T.BOOLEAN, "T", "expected true or false"),
        (T.TEXT, T.TEXT, 12, "expected text"),
        (T.SELECT, T.TEXT, "Gold", "expected a choice"),
        (T.MULTI_SELECT, T.MULTI_SELECT, {"id": "1", "name": "Gold"}, "expected a list of choices"),
        (T.ADDRESS, T.ADDRESS, "1 Main St", "expected an address"),
        (T.ADDRESS, T.TEXT, {"street": 12}, "address part 'street' is not text"),
    ],
)
def test_values_that_cannot_be_converted_raise_a_clear_conversion_error(source_type, target_type, value, message):
    with pytest.raises(ConversionError, match=message):
        convert(value, field(source_type, "Source"), field(target_type, "Target"))


def test_iso_strings_are_read_as_dates_and_moments():
    assert convert("2024-02-29", field(T.DATE), field(T.DATE)).value == date(2024, 2, 29)
    moment = convert("2024-05-01T11:30:00+02:00", field(T.DATETIME), field(T.DATETIME)).value
    assert moment == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert moment.tzinfo is UTC


def test_false_and_zero_are_values_not_emptiness():
    assert convert(False, field(T.BOOLEAN), field(T.BOOLEAN)).value is False
    assert convert(0, field(T.INTEGER), field(T.TEXT)).value == "0"
    assert convert(Decimal("0.00"), field(T.DECIMAL), field(T.DECIMAL)).value == Decimal("0.00")


def test_multi_value_choices_are_deduplicated_in_order():
    source = [{"id": "a", "name": "gold"}, {"id": "b", "name": "Silver"}, {"id": "c", "name": "GOLD"}]
    target = field(T.MULTI_SELECT, options=TIER.options)
    assert convert(source, field(T.MULTI_SELECT), target).value == [
        {"id": "1", "name": "Gold"},
        {"id": "2", "name": "Silver"},
    ]


def test_the_primary_value_warning_says_how_many_values_were_left_behind():
    result = convert(
        [{"id": "g1", "name": "VIP"}, {"id": "g2", "name": "Friends"}, {"id": "g3", "name": "Golf"}],
        field(T.GROUPS, "Contact groups"),
        field(T.SELECT, "Segment", options=(FieldOption("s1", "VIP"), FieldOption("s2", "Golf"))),
    )
    assert result.value == {"id": "s1", "name": "VIP"}
    assert result.warnings == [
        "Segment (segment): only the first of 3 values of Contact groups (contact_groups) was copied"
    ]


def test_every_value_of_a_multi_select_is_copied_into_text_not_only_the_first():
    result = convert(
        [{"id": "1", "name": "Hiking"}, {"id": "3", "name": "Music"}, {"id": "9", "name": "R&D; Labs"}],
        field(T.MULTI_SELECT, "Interests"),
        field(T.TEXT, "Interests text"),
    )
    assert (result.value, result.warnings) == ("Hiking; Music; R&D\\; Labs", [])


def test_text_splits_back_into_the_multi_select_it_came_from():
    interests = field(T.MULTI_SELECT, "Interests", options=(FieldOption("1", "Hiking"), FieldOption("9", "R&D; Labs")))
    result = convert("hiking; R&D\\; Labs", field(T.TEXT), interests)
    assert result.value == [{"id": "1", "name": "Hiking"}, {"id": "9", "name": "R&D; Labs"}]


def test_text_naming_an_unknown_choice_fails_the_field_with_the_name():
    interests = field(T.MULTI_SELECT, "Interests", options=(FieldOption("1", "Hiking"),))
    with pytest.raises(ConversionError, match=r"'Golf' is not one of the options of Interests \(interests\)"):
        convert("Hiking; Golf", field(T.TEXT), interests)


def test_into_contact_groups_an_unknown_name_is_left_for_the_connection_to_create_or_refuse():
    groups = field(T.GROUPS, "Contact groups", options=(FieldOption("contactGroups/1", "VIP"),))
    value = [{"id": "7", "name": "vip"}, {"id": "8", "name": "Golfers"}]
    result = convert(value, field(T.MULTI_SELECT, "Interests"), groups)
    assert result.value == [{"id": "contactGroups/1", "name": "VIP"}, {"id": "", "name": "Golfers"}]


EMPLOYEES = field(
    T.REFERENCE,
    "Account Manager",
    options=(FieldOption("5", "Ann Lee"), FieldOption("6", "Bob Ng"), FieldOption("7", "Bob Ng")),
)


def test_text_into_a_reference_picks_the_record_of_that_name():
    assert convert(" ann LEE ", field(T.TEXT), EMPLOYEES).value == {"id": "5", "name": "Ann Lee"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Cid Roe", r"'Cid Roe' is not one of the options of Account Manager \(account_manager\)"),
        ("Bob Ng", r"'Bob Ng' matches 2 options of Account Manager \(account_manager\): cannot tell which one"),
    ],
)
def test_text_naming_no_record_or_two_records_fails_the_field_with_a_clear_message(name, message):
    with pytest.raises(ConversionError, match=message):
        convert(name, field(T.TEXT), EMPLOYEES)


def test_a_partial_address_formats_without_empty_parts():
    address = {"city": "Springfield", "postal_code": "62701", "street": "  "}
    assert convert(address, field(T.ADDRESS), field(T.TEXT)).value == "Springfield 62701"
    multi_line_street = {"street": "Unit 4\n1 Main St", "country": "US"}
    assert convert(multi_line_street, field(T.ADDRESS), field(T.TEXT)).value == "Unit 4 1 Main St, US"
    assert convert(multi_line_street, field(T.ADDRESS), field(T.LONG_TEXT)).value == "Unit 4\n1 Main St\nUS"


@pytest.mark.parametrize(
    ("a", "b", "field_type", "equal"),
    [
        (Decimal("1.50"), Decimal("1.5"), T.DECIMAL, True),
        (Decimal("1.50"), Decimal("1.51"), T.DECIMAL, False),
        (2, Decimal("2.0"), T.INTEGER, True),
        ({"id": "7", "name": "Gold"}, {"id": "7", "name": "Gold (renamed)"}, T.SELECT, True),
        ({"id": "7", "name": "Gold"}, {"id": "8", "name": "Gold"}, T.SELECT, False),
        ({"id": "c-1", "name": "Acme"}, {"id": "c-2", "name": "Acme"}, T.REFERENCE, False),
        ([{"id": "1"}, {"id": "2"}], [{"id": "2"}, {"id": "1"}], T.MULTI_SELECT, True),
        ([{"id": "1"}], [{"id": "1"}, {"id": "2"}], T.GROUPS, False),
        (None, "", T.TEXT, True),
        (None, [], T.MULTI_SELECT, True),
        ("  Ada\r\nLovelace ", "Ada\nLovelace", T.LONG_TEXT, True),
        ("Ada", "ada", T.TEXT, False),
        ({"street": " 1 Main St", "region": ""}, {"street": "1 Main St"}, T.ADDRESS, True),
        ({"street": "1 Main St"}, {"street": "2 Main St"}, T.ADDRESS, False),
        (datetime(2024, 1, 1, 10, tzinfo=UTC), datetime(2024, 1, 1, 10, 0, 1, tzinfo=UTC), T.DATETIME, False),
        (False, None, T.BOOLEAN, False),
        (False, False, T.BOOLEAN, True),
    ],
)
def test_values_equal_compares_what_matters_for_each_type(a, b, field_type, equal):
    assert values_equal(a, b, field_type) is equal
    assert values_equal(b, a, field_type) is equal
