"""HubSpot property types onto our field types, and values to and from HubSpot's strings (reference B.2, B.4)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType
from connections.providers.hubspot.properties import field_spec, from_hubspot, to_hubspot

T = FieldType


def _prop(name, type_, field_type, **more):
    return {"name": name, "label": name.title(), "type": type_, "fieldType": field_type, "groupName": "g", **more}


@pytest.mark.parametrize(
    "prop, expected",
    [
        (_prop("firstname", "string", "text"), T.TEXT),
        (_prop("notes", "string", "textarea"), T.LONG_TEXT),
        (_prop("email", "string", "text"), T.EMAIL),
        (_prop("work_email", "string", "text", textDisplayHint="email"), T.EMAIL),
        (_prop("phone", "string", "phonenumber"), T.PHONE),
        (_prop("fax", "phone_number", "phonenumber"), T.PHONE),
        (_prop("employees", "number", "number"), T.DECIMAL),
        (_prop("vip", "bool", "booleancheckbox"), T.BOOLEAN),
        (_prop("vip2", "enumeration", "booleancheckbox"), T.BOOLEAN),
        (_prop("birth", "date", "date"), T.DATE),
        (_prop("seen", "datetime", "date"), T.DATETIME),
        (_prop("tier", "enumeration", "select"), T.SELECT),
        (_prop("tier2", "enumeration", "radio"), T.SELECT),
        (_prop("flavours", "enumeration", "checkbox"), T.MULTI_SELECT),
        (_prop("owner", "enumeration", "select", externalOptions=True, referencedObjectType="OWNER"), T.REFERENCE),
    ],
)
def test_types_and_field_types_map_onto_our_types(prop, expected):
    assert field_spec(prop).type == expected


def test_read_only_and_calculated_properties_are_not_writable_and_custom_is_not_hubspot_defined():
    assert not field_spec(_prop("x", "string", "text", modificationMetadata={"readOnlyValue": True})).writable
    assert not field_spec(_prop("y", "number", "calculation_equation")).writable
    assert field_spec(_prop("z", "string", "text", hubspotDefined=True)).custom is False
    assert field_spec(_prop("mine", "string", "text")).custom is True


def test_options_exclude_hidden_ones():
    spec = field_spec(
        _prop("tier", "enumeration", "select", options=[
            {"label": "Gold", "value": "gold", "hidden": False, "displayOrder": 0},
            {"label": "Old", "value": "old", "hidden": True, "displayOrder": 1},
        ])
    )  # fmt: skip
    assert spec.options == (FieldOption("gold", "Gold"),)


MULTI = FieldSpec("flavours", "Flavours", T.MULTI_SELECT, options=(FieldOption("chocolate", "Chocolate"),))


@pytest.mark.parametrize(
    "spec, text, value",
    [
        (FieldSpec("n", "N", T.DECIMAL), "17", Decimal("17")),
        (FieldSpec("b", "B", T.BOOLEAN), "true", True),
        (FieldSpec("b", "B", T.BOOLEAN), "false", False),
        # Dates: midnight-UTC epoch milliseconds, as in the spec's examples.
        (FieldSpec("d", "D", T.DATE), "1572480000000", date(2019, 10, 31)),
        (FieldSpec("t", "T", T.DATETIME), "2026-03-30T12:00:00.000Z", datetime(2026, 3, 30, 12, tzinfo=UTC)),
        (
            MULTI,
            "chocolate;strawberry",
            [{"id": "chocolate", "name": "Chocolate"}, {"id": "strawberry", "name": "strawberry"}],
        ),
        (FieldSpec("s", "S", T.TEXT), "", None),
    ],
)
def test_string_values_become_typed_and_back(spec, text, value):
    assert from_hubspot(text, spec) == value
    if value is not None:
        assert to_hubspot(value, spec) == text.replace(".000Z", "").replace("2026-03-30T12:00:00", "1774872000000")


def test_datetimes_accept_epoch_ms_and_none_clears_a_value():
    spec = FieldSpec("t", "T", T.DATETIME)
    assert from_hubspot("1774872000000", spec) == datetime(2026, 3, 30, 12, tzinfo=UTC)
    assert to_hubspot(None, spec) == ""  # an empty string clears the property (B.2)


def test_a_value_that_does_not_parse_is_kept_as_text_not_lost():
    assert from_hubspot("soon", FieldSpec("d", "D", T.DATE)) == "soon"
