"""Mailchimp's provider, its pure parts (issue 19, from the reference): the key's data centre and base URL,
a member's id, the problem-detail errors typed, the merge-field catalog, and members ⇄ records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connections.providers.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationError,
)
from connections.providers.fields import FieldType
from connections.providers.mailchimp.api_errors import (
    ComplianceState,
    ForgottenEmail,
    MemberExists,
    error_from_http,
)
from connections.providers.mailchimp.catalog import build_catalog, merge_field_spec
from connections.providers.mailchimp.keys import base_url, data_centre, subscriber_hash
from connections.providers.mailchimp.translation import member_body, record_of


def test_the_key_names_its_data_centre_and_the_api_root():
    assert data_centre("0123456789abcdef0123456789abcdef-us14") == "us14"
    assert base_url("abc-us6") == "https://us6.api.mailchimp.com/3.0"
    assert base_url("abc-us6", "http://127.0.0.1:8804/3.0/") == "http://127.0.0.1:8804/3.0"
    with pytest.raises(AuthenticationError, match="ends in its data centre"):
        data_centre("no-suffix-here")


def test_a_member_id_is_the_md5_of_the_trimmed_lower_cased_email():
    # md5("urist.mcvankab@freddiesjokes.com"), the example of Mailchimp's docs
    assert subscriber_hash(" Urist.McVankab@FreddiesJokes.com ") == "62eeb292278cc15f5817cb78f7790b08"


def problem(title: str, detail: str, status: int = 400, **extra) -> dict:
    return {"type": "https://mailchimp.com/developer/", "title": title, "status": status, "detail": detail,
            "instance": "0f1e2d", **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, problem("Member Exists", "a@b.com is already a list member. Use PUT to insert or update."), MemberExists),
        (400, problem("Miembro existente", "a@b.com is already a list member. Use PUT…"), MemberExists),  # localised
        (
            400,
            problem("Forgotten Email Not Subscribed", "a@b.com was permanently deleted and cannot be re-imported."),
            ForgottenEmail,
        ),
        (400, problem("Member In Compliance State", "a@b.com is in a compliance state due to …"), ComplianceState),
        (400, problem("Invalid Resource", "Your merge fields were invalid."), ValidationError),
        (
            401,
            problem(
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
                401,
            ),
            AuthenticationError,
        ),  # noqa: E501
        (
            403,
            problem("Wrong Datacenter", "You've attempted to access the wrong datacenter.", 403),
            AuthenticationError,
        ),
        (403, problem("Forbidden", "You don't have permission.", 403), PermissionDenied),
        (403, b"", RateLimited),  # a bare 403 at high volume: the throttle
        (404, problem("Resource Not Found", "The requested resource could not be found.", 404), NotFound),
        (
            429,
            problem("Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.", 429),
            RateLimited,
        ),  # noqa: E501
        (503, problem("Service Unavailable", "Try later.", 503), Unavailable),
    ],
)
def test_problem_details_become_typed_errors_that_name_the_instance(status, body, kind):
    error = error_from_http(status, body)
    assert type(error) is kind
    assert error.status == status
    if body:
        assert "instance 0f1e2d" in str(error)


def test_field_messages_of_a_validation_error_are_kept():
    body = problem(
        "Invalid Resource", "Your merge fields were invalid.", errors=[{"field": "LNAME", "message": "Too long"}]
    )
    assert "LNAME: Too long" in str(error_from_http(400, body))


def test_only_waiting_helps_a_throttle_not_a_refusal():
    assert error_from_http(429, problem("Too Many Requests", "…", 429)).retryable
    assert not error_from_http(400, problem("Member Exists", "x is already a list member")).retryable


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("text", FieldType.TEXT),
        ("number", FieldType.DECIMAL),
        ("address", FieldType.ADDRESS),
        ("phone", FieldType.PHONE),
        ("date", FieldType.DATE),
        ("url", FieldType.URL),
        ("imageurl", FieldType.URL),
        ("dropdown", FieldType.SELECT),
        ("radio", FieldType.SELECT),
        ("birthday", FieldType.TEXT),
        ("zip", FieldType.TEXT),
        ("hologram", FieldType.TEXT),  # a type the reference does not know: text, and said
    ],
)
def test_merge_field_types_map_onto_the_compatibility_table(kind, expected):
    spec = merge_field_spec({"tag": "X", "name": "X", "type": kind, "options": {"choices": ["a", "b"]}})
    assert spec.type == expected
    assert spec.id == "merge.X"
    if expected == FieldType.SELECT:
        assert [o.name for o in spec.options] == ["a", "b"]
    if kind == "hologram":
        assert "read as text" in spec.help


def test_the_catalog_is_the_standard_fields_then_the_merge_fields_in_display_order():
    catalog = build_catalog(
        [
            {"tag": "LNAME", "name": "Last name", "type": "text", "display_order": 3},
            {"tag": "FNAME", "name": "First name", "type": "text", "display_order": 2},
            {"tag": "SHOE", "name": "Shoe size", "type": "number", "display_order": 9},
            {"name": "no tag", "type": "text"},
        ]
    )
    ids = [f.id for f in catalog]
    assert ids[:5] == ["email", "status", "language", "vip", "tags"]
    assert ids[5:] == ["merge.FNAME", "merge.LNAME", "merge.SHOE"]
    by_id = {f.id: f for f in catalog}
    assert not by_id["status"].writable and not by_id["tags"].writable  # the policy and rule actions set them
    assert by_id["merge.SHOE"].custom and not by_id["merge.FNAME"].custom


MEMBER = {
    "id": "62eeb292278cc15f5817cb78f7790b08",
    "email_address": "urist.mcvankab@freddiesjokes.com",
    "status": "subscribed",
    "merge_fields": {
        "FNAME": "Urist",
        "LNAME": "",
        "SHOE": 43.5,
        "COLOUR": "Red",
        "SINCE": "2020-02-29",
        "ADDRESS": {
            "addr1": "1 Main St",
            "addr2": "Floor 2",
            "city": "Atlanta",
            "state": "GA",
            "zip": "30301",
            "country": "US",
        },  # fmt: skip
    },
    "tags": [{"id": 7, "name": "VIP"}],
    "language": "en",
    "vip": False,
    "last_changed": "2015-10-21T15:41:36+00:00",
}
TYPES = {
    "merge.SHOE": FieldType.DECIMAL,
    "merge.COLOUR": FieldType.SELECT,
    "merge.SINCE": FieldType.DATE,
    "merge.ADDRESS": FieldType.ADDRESS,
}


def test_a_member_reads_as_a_typed_record():
    record = record_of(MEMBER, TYPES)
    assert record.id == MEMBER["id"] and not record.deleted
    assert record.modified_at == datetime(2015, 10, 21, 15, 41, 36, tzinfo=UTC)
    v = record.values
    assert v["email"] == "urist.mcvankab@freddiesjokes.com"
    assert v["status"] == {"id": "subscribed", "name": "Subscribed"}
    assert (v["merge.FNAME"], v["merge.LNAME"]) == ("Urist", None)  # an empty merge value is no value
    assert v["merge.SHOE"] == Decimal("43.5")
    assert v["merge.COLOUR"] == {"id": "Red", "name": "Red"}
    assert v["merge.SINCE"] == date(2020, 2, 29)
    assert v["merge.ADDRESS"] == {
        "street": "1 Main St\nFloor 2",
        "city": "Atlanta",
        "region": "GA",
        "postal_code": "30301",
        "country": "US",
    }
    assert v["tags"] == [{"id": "VIP", "name": "VIP"}]  # a tag is addressed by its name (tag_writes)


def test_an_archived_member_reads_as_deleted():
    assert record_of({**MEMBER, "status": "archived"}).deleted


def test_a_record_writes_back_as_the_member_it_was_read_from_but_never_its_status_or_tags():
    record = record_of(MEMBER, TYPES)
    body = member_body(record.values)
    assert "status" not in body and "tags" not in body
    assert body["email_address"] == MEMBER["email_address"]
    assert body["merge_fields"]["ADDRESS"] == {**MEMBER["merge_fields"]["ADDRESS"]}
    assert body["merge_fields"]["SHOE"] == 43.5 and body["merge_fields"]["COLOUR"] == "Red"
    assert body["merge_fields"]["SINCE"] == "2020-02-29" and body["merge_fields"]["LNAME"] == ""
    assert member_body(record.values, ["merge.FNAME"]) == {"merge_fields": {"FNAME": "Urist"}}
