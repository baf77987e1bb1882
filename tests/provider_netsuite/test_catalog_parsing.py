from connections.providers.fields import FieldOption, FieldType
from connections.providers.netsuite.catalog import parse_catalog

SCHEMA = {
    "type": "object",
    "properties": {
        "companyName": {"title": "Company Name", "type": "string", "maxLength": 83},
        "email": {"title": "Email", "type": "string"},
        "salesRep": {
            "title": "Sales Rep",
            "type": "object",
            "$ref": "/services/rest/record/v1/metadata-catalog/nsLink",
        },
        "subsidiary": {"title": "Primary Subsidiary", "type": "object"},
        "dateCreated": {"title": "Date Created", "type": "string", "format": "date-time", "readOnly": True},
        "lastModifiedDate": {"title": "Last Modified", "type": "string", "format": "date-time"},
        "externalId": {"title": "External ID", "type": "string"},
        "isInactive": {"title": "Inactive", "type": "boolean"},
        "entityId": {"title": "ID", "type": "string"},
        "links": {"type": "array"},
        "custentity_tier": {
            "title": "Tier",
            "type": "object",
            "x-ns-custom-field": True,
            "properties": {"id": {"type": "string", "enum": ["1", "2"], "x-enumNames": ["Gold", "Silver"]}},
        },
        "custentity_tags": {
            "title": "Tags",
            "type": "object",
            "x-ns-custom-field": True,
            "properties": {"items": {"type": "array", "items": {"type": "object"}}},
        },
        "custentity_vip": {"title": "VIP", "type": "boolean", "x-ns-custom-field": True},
        "custentity_since": {"title": "Since", "type": "string", "format": "date", "x-ns-custom-field": True},
        "custentity_score": {"title": "Score", "type": "integer", "x-ns-custom-field": True},
        "custentity_ratio": {"title": "Ratio", "type": "number", "format": "double", "x-ns-custom-field": True},
        "custentity_backup_email": {"type": "string", "format": "email", "x-ns-custom-field": True},
        "custentity_notes": {"title": "Notes", "type": "string", "maxLength": 4000, "x-ns-custom-field": True},
        "custentity_code": {"title": "Code", "type": "string", "x-ns-custom-field": True},
    },
}


def test_standard_fields_take_canonical_types_and_read_only_flags():
    specs = {s.id: s for s in parse_catalog(SCHEMA, {"salesRep": (FieldOption("7", "Jane Rep"),)})}
    assert specs["email"].type == FieldType.EMAIL
    assert specs["companyName"].max_length == 83
    assert specs["salesRep"].type == FieldType.REFERENCE
    assert specs["salesRep"].options == (FieldOption("7", "Jane Rep"),)
    for read_only in ("subsidiary", "externalId", "entityId", "dateCreated", "lastModifiedDate"):
        assert not specs[read_only].writable, read_only  # entityId: read for rules, never renamed by the sync
    assert specs["companyName"].writable
    assert "links" not in specs
    assert not specs["email"].custom


def test_custom_fields_are_typed_from_their_schema():
    specs = {s.id: s for s in parse_catalog(SCHEMA) if s.custom}
    assert {k: v.type for k, v in specs.items()} == {
        "custentity_tier": FieldType.SELECT,
        "custentity_tags": FieldType.MULTI_SELECT,
        "custentity_vip": FieldType.BOOLEAN,
        "custentity_since": FieldType.DATE,
        "custentity_score": FieldType.INTEGER,
        "custentity_ratio": FieldType.DECIMAL,
        "custentity_backup_email": FieldType.EMAIL,
        "custentity_notes": FieldType.LONG_TEXT,
        "custentity_code": FieldType.TEXT,
    }
    assert specs["custentity_tier"].options == (FieldOption("1", "Gold"), FieldOption("2", "Silver"))
    assert specs["custentity_backup_email"].label == "custentity_backup_email"


def test_options_are_read_from_the_plausible_schema_shapes():
    schema = {
        "properties": {
            "custentity_a": {"x-ns-custom-field": True, "type": "object", "x-ns-options": [{"id": 1, "name": "One"}]},
            "custentity_b": {"x-ns-custom-field": True, "type": "object", "oneOf": [{"const": "2", "title": "Two"}]},
        }
    }
    specs = {s.id: s for s in parse_catalog(schema)}
    assert specs["custentity_a"].options == (FieldOption("1", "One"),)
    assert specs["custentity_b"].options == (FieldOption("2", "Two"),)
