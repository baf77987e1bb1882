from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connections.providers.fields import FieldType
from connections.providers.netsuite.values import option_ids, rest_value, typed_value


@pytest.mark.parametrize(
    ("field_type", "raw", "expected"),
    [
        (FieldType.TEXT, "Acme", "Acme"),
        (FieldType.TEXT, None, None),
        (FieldType.EMAIL, "a@x.com", "a@x.com"),
        (FieldType.BOOLEAN, "T", True),
        (FieldType.BOOLEAN, "F", False),
        (FieldType.BOOLEAN, True, True),
        (FieldType.INTEGER, "42", 42),
        (FieldType.INTEGER, 42, 42),
        (FieldType.DECIMAL, "12.50", Decimal("12.50")),
        (FieldType.DECIMAL, 1.5, Decimal("1.5")),
        (FieldType.DATE, "2024-02-29", date(2024, 2, 29)),
        (FieldType.DATETIME, "2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        (FieldType.DATETIME, None, None),
    ],
)
def test_suiteql_values_become_canonical_python_values(field_type, raw, expected):
    value = typed_value(field_type, raw)
    assert value == expected
    assert type(value) is type(expected)


def test_references_carry_id_and_display_name():
    assert typed_value(FieldType.REFERENCE, "7", name="Jane Rep") == {"id": "7", "name": "Jane Rep"}
    assert typed_value(FieldType.SELECT, 2, names={"2": "Soft Opt-In"}) == {"id": "2", "name": "Soft Opt-In"}
    assert typed_value(FieldType.REFERENCE, {"id": "3", "refName": "EU", "links": []}) == {"id": "3", "name": "EU"}
    assert typed_value(FieldType.REFERENCE, None) is None


def test_multi_selects_accept_suiteql_text_and_rest_items():
    names = {"1": "Gold", "3": "VIP"}
    assert typed_value(FieldType.MULTI_SELECT, "1, 3", names=names) == [
        {"id": "1", "name": "Gold"},
        {"id": "3", "name": "VIP"},
    ]
    assert option_ids({"items": [{"id": "1"}, {"id": 3}]}) == ["1", "3"]
    assert typed_value(FieldType.MULTI_SELECT, None) == []


def test_a_malformed_boolean_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        typed_value(FieldType.BOOLEAN, "maybe")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("Acme", "Acme"),
        (True, True),
        (7, 7),
        (Decimal("12.50"), 12.5),
        (Decimal("3"), 3),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T10:00:00Z"),
        ({"id": "7", "name": "Jane"}, {"id": "7"}),
        ([{"id": "1", "name": "Gold"}, {"id": "3", "name": "VIP"}], {"items": [{"id": "1"}, {"id": "3"}]}),
    ],
)
def test_canonical_values_become_rest_json(value, expected):
    assert rest_value(value) == expected


@pytest.mark.parametrize("bad", [datetime(2024, 1, 1), {"street": "1 Main St"}, object()])
def test_values_netsuite_cannot_take_are_refused(bad):
    with pytest.raises(ValueError):
        rest_value(bad)
