"""FieldMapping.full_clean(): the compatibility table decides, with its reasons; a target field has one writer."""

import pytest
from django.core.exceptions import ValidationError

from mappings.models import FieldMapping

TWO, TO_APP, TO_NS = "two_way", "to_app", "to_netsuite"
ALL = (TWO, TO_APP, TO_NS)

# A NetSuite custom field of each type, mapped to a Google userDefined (text) field:
# the directions the compatibility table allows, written out.
CUSTOM_FIELD_DIRECTIONS = [
    ("custentity_nickname", "userDefined.Nickname", {TWO, TO_APP, TO_NS}),  # text ⇄ text
    ("custentity_vip", "userDefined.VIP", {TO_APP}),  # check box → "Yes"/"No"; text is no yes/no answer
    ("custentity_renewal", "userDefined.Renewal", {TO_APP}),  # date → YYYY-MM-DD; text is no date
    ("custentity_tier", "userDefined.Tier", {TWO, TO_APP, TO_NS}),  # list ⇄ an option's name (options known)
    # record → its name; text picks a record only among known names, and this catalog lists none
    ("custentity_account_manager", "userDefined.Manager", {TO_APP}),
    ("custentity_interests", "userDefined.Interests", {TWO, TO_APP, TO_NS}),  # every name, "; "-separated, and back
    ("custentity_seats", "userDefined.Seats", {TO_APP}),  # integer → digits; text is no number
    ("custentity_revenue", "userDefined.Revenue", {TO_APP}),  # decimal → digits; text is no number
]


def _mapping(connection, netsuite_field, app_field, direction, enabled=True) -> FieldMapping:
    return FieldMapping(
        connection=connection, netsuite_field=netsuite_field, app_field=app_field, direction=direction, enabled=enabled
    )


def _messages(error: ValidationError) -> str:
    return " ".join(message for messages in error.message_dict.values() for message in messages)


@pytest.mark.parametrize(("netsuite_field", "app_field", "allowed"), CUSTOM_FIELD_DIRECTIONS)
def test_custom_field_of_each_type_maps_to_user_defined_in_exactly_the_allowed_directions(
    seeded_connection, netsuite_field, app_field, allowed
):
    for direction in ALL:
        mapping = _mapping(seeded_connection, netsuite_field, app_field, direction)
        if direction in allowed:
            mapping.full_clean()
        else:
            with pytest.raises(ValidationError) as refused:
                mapping.full_clean()
            assert list(refused.value.message_dict) == ["direction"]
            assert "is not allowed for these fields" in _messages(refused.value)


def test_a_refused_direction_says_why_and_what_is_allowed(seeded_connection):
    mapping = _mapping(seeded_connection, "custentity_vip", "userDefined.VIP", TO_NS)
    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()
    assert refused.value.message_dict["direction"] == [
        "Google Contacts → NetSuite is not allowed for these fields: VIP (custom field) (userDefined.VIP) in Google "
        "Contacts is "
        "text and VIP (custentity_vip) in NetSuite is a check box (yes/no): free text is not a yes/no answer. "
        "Allowed: NetSuite → Google Contacts."
    ]


def test_an_incompatible_pair_is_refused_with_the_reason_either_way(seeded_connection):
    mapping = _mapping(seeded_connection, "email", "birthday", TO_APP)
    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()
    message = _messages(refused.value)
    assert message.startswith("These two fields cannot be mapped in either direction.")
    assert "Email (email) in NetSuite is an email address and Birthday (birthday) in Google Contacts is a date" in (
        message
    )


def test_a_read_only_netsuite_field_maps_one_way_to_the_app_only(seeded_connection):
    _mapping(seeded_connection, "externalId", "userDefined.Nickname", TO_APP).full_clean()
    with pytest.raises(ValidationError) as refused:
        _mapping(seeded_connection, "externalId", "userDefined.Nickname", TWO).full_clean()
    assert "External ID (externalId) is read-only in NetSuite." in _messages(refused.value)


@pytest.mark.parametrize(
    ("netsuite_field", "app_field", "bad", "side"),
    [
        ("custentity_gone", "givenName", "netsuite_field", "NetSuite (Individual Customers) of ACME sandbox"),
        ("firstName", "userDefined.Gone", "app_field", "Google Contacts (contacts) of Sales Google"),
    ],
)
def test_an_unknown_field_id_is_refused_with_a_hint_to_refresh(seeded_connection, netsuite_field, app_field, bad, side):
    with pytest.raises(ValidationError) as refused:
        _mapping(seeded_connection, netsuite_field, app_field, TWO).full_clean()
    unknown = netsuite_field if bad == "netsuite_field" else app_field
    assert refused.value.message_dict == {bad: [f"«{unknown}» is not a field of {side}; refresh the field catalogs"]}


def test_a_custom_field_is_unknown_until_the_catalog_is_refreshed(new_connection):
    connection = new_connection("individual_customers")  # static catalogs only
    with pytest.raises(ValidationError) as refused:
        _mapping(connection, "custentity_vip", "givenName", TO_APP).full_clean()
    assert "refresh the field catalogs" in _messages(refused.value)


def test_a_second_enabled_mapping_writing_the_same_target_is_refused(seeded_connection):
    # The default mapping phone ⇄ phone.work (two-way) writes both NetSuite's phone and Google's work phone.
    into_google_work_phone = _mapping(seeded_connection, "mobilePhone", "phone.work", TO_APP)
    with pytest.raises(ValidationError) as refused:
        into_google_work_phone.full_clean()
    assert "The Google Contacts field «phone.work» is already written by the mapping phone ⇄ phone.work" in (
        _messages(refused.value)
    )

    into_netsuite_phone = _mapping(seeded_connection, "phone", "phone.home", TO_NS)
    with pytest.raises(ValidationError) as refused:
        into_netsuite_phone.full_clean()
    assert "The NetSuite field «phone» is already written by the mapping phone ⇄ phone.work" in (
        _messages(refused.value)
    )


def test_the_same_source_may_feed_another_target_and_a_disabled_mapping_clashes_with_nothing(seeded_connection):
    _mapping(seeded_connection, "phone", "phone.home", TO_APP).full_clean()  # reads phone, writes phone.home
    _mapping(seeded_connection, "mobilePhone", "phone.work", TO_APP, enabled=False).full_clean()

    seeded_connection.field_mappings.filter(netsuite_field="phone").update(enabled=False)
    _mapping(seeded_connection, "mobilePhone", "phone.work", TO_APP).full_clean()


def test_a_disabled_mapping_writes_nothing_in_a_real_sync(sandboxes, settings, db):
    """Synced over HTTP against both sandboxes: the switched-off title mapping writes neither side,
    while the enabled mappings of the same records are written."""
    from tests.engine.harness import make_connection, sync
    from tests.engine.helpers import g_by_email, g_person, ns_by_email, ns_person, seed

    connection = make_connection(sandboxes, settings)
    assert connection.field_mappings.filter(netsuite_field="title", app_field="organization.title").update(
        enabled=False
    )
    seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com", title="CFO")],
        google=[g_person("Bob", "Ng", "bob@example.com", organizations=[{"name": "Acme", "title": "Buyer"}])],
    )
    run = sync(connection)
    assert run.status == "succeeded", run.error
    ann = g_by_email(sandboxes)["ann@example.com"][0]
    assert ann["names"][0]["givenName"] == "Ann"  # the enabled mappings wrote
    assert not any(org.get("title") for org in ann.get("organizations", []))  # the disabled one did not
    bob = ns_by_email(sandboxes)["bob@example.com"][0]
    assert bob["firstName"] == "Bob"
    assert not bob.get("title")
