"""Phones in the connection's region, several choices as text, contact groups, and text into a reference,
through real syncs over HTTP against both sandboxes (issue 14, items 5 and 6)."""

from __future__ import annotations

import pytest

from connections.services import verify_account
from mappings.catalog_cache import refresh_catalog
from mappings.choices import Direction
from mappings.models import FieldMapping
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import make_connection, sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed

BELGIAN = "02 555 12 34"
BELGIAN_E164 = "+3225551234"
# Too many digits for Belgium, yet seven digits or more, which NetSuite asks of any phone number.
TOO_LONG = "02 555 12 34 56 78"


@pytest.fixture
def connection(db, sandboxes, settings):
    settings.PHONE_DEFAULT_REGION = ""
    return make_connection(sandboxes, settings)


def add_subsidiary(sandboxes, connection, name: str, country: str | None) -> str:
    """A subsidiary made in NetSuite, fetched as "Verify and fetch subsidiaries" does; its internal id."""
    body = {"name": name, "parent": {"id": "1"}, **({"country": country} if country else {})}
    (sid,) = sandboxes.netsuite.seed({"records": {"subsidiary": [body]}})["created"]["subsidiary"]
    assert verify_account(connection.netsuite_account).ok
    return str(sid)


def use_subsidiary(connection, internal_id: str) -> None:
    connection.subsidiary = connection.netsuite_account.subsidiaries.get(internal_id=internal_id)
    connection.save()


def refresh_catalogs(connection) -> None:
    refresh_catalog(connection.netsuite_account, connection.contact_type)
    refresh_catalog(connection.app_account, "contacts")


def outcome_of(run, email: str, direction: str) -> RecordOutcome:
    return RecordOutcome.objects.get(run=run, email=email, direction=direction)


def work_phone(person: dict) -> str:
    return next(p["value"] for p in person.get("phoneNumbers", []) if p.get("type") == "work")


# --- Phones ---------------------------------------------------------------------------------------------------


def test_a_belgian_number_reaches_google_in_e164_in_the_subsidiary_country(sandboxes, connection):
    belgium = add_subsidiary(sandboxes, connection, "Belgium SA", "BE")
    use_subsidiary(connection, belgium)
    assert connection.resolved_phone_region() == ("BE", "subsidiary")
    seed(
        sandboxes, netsuite=[ns_person("Anne", "Peeters", "anne@example.be", subsidiary={"id": belgium}, phone=BELGIAN)]
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert work_phone(g_by_email(sandboxes)["anne@example.be"][0]) == BELGIAN_E164


def test_a_belgian_number_typed_in_google_reaches_netsuite_in_e164_in_the_connection_region(sandboxes, connection):
    # The connection's own setting wins over its subsidiary's country (the root subsidiary is in the US).
    assert connection.resolved_phone_region() == ("US", "subsidiary")
    connection.phone_region = "BE"
    connection.save()
    seed(
        sandboxes,
        google=[g_person("Luc", "Janssens", "luc@example.be", phoneNumbers=[{"value": BELGIAN, "type": "work"}])],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ns_by_email(sandboxes)["luc@example.be"][0]["phone"] == BELGIAN_E164
    sandboxes.clear_logs()
    again = sync(connection)  # Google still holds "02 555 12 34": the same number, nothing to write back
    assert again.status == RunStatus.SUCCEEDED, again.error
    assert not RecordOutcome.objects.filter(run=again, outcome=Outcome.UPDATED).exists()


def test_a_number_that_cannot_be_read_is_kept_as_typed_and_the_outcome_names_the_region(sandboxes, connection):
    connection.phone_region = "BE"
    connection.save()
    seed(
        sandboxes,
        google=[g_person("Short", "Number", "short@example.be", phoneNumbers=[{"value": TOO_LONG, "type": "work"}])],
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ns_by_email(sandboxes)["short@example.be"][0]["phone"] == TOO_LONG
    message = outcome_of(run, "short@example.be", "to_netsuite").message
    assert "'02 555 12 34 56 78' is not a valid number for region BE; kept as typed" in message


def test_without_any_region_a_number_without_country_code_is_kept_and_never_read_as_american(sandboxes, connection):
    nowhere = add_subsidiary(sandboxes, connection, "Offshore Ltd", None)
    use_subsidiary(connection, nowhere)
    assert connection.resolved_phone_region() == (None, "none")
    seed(
        sandboxes,
        google=[
            g_person("No", "Region", "noregion@example.com", phoneNumbers=[{"value": "(650) 253-0000", "type": "work"}])
        ],
    )

    run = sync(connection)

    assert ns_by_email(sandboxes)["noregion@example.com"][0]["phone"] == "(650) 253-0000"
    assert "no default phone region is set" in outcome_of(run, "noregion@example.com", "to_netsuite").message


def test_the_settings_region_applies_when_the_subsidiary_has_no_country(sandboxes, connection, settings):
    nowhere = add_subsidiary(sandboxes, connection, "Tokyo KK", None)
    use_subsidiary(connection, nowhere)
    settings.PHONE_DEFAULT_REGION = "JP"
    assert connection.resolved_phone_region() == ("JP", "settings")
    seed(
        sandboxes,
        google=[g_person("Yui", "Sato", "yui@example.jp", phoneNumbers=[{"value": "03-1234-5678", "type": "work"}])],
    )

    assert sync(connection).status == RunStatus.SUCCEEDED
    assert ns_by_email(sandboxes)["yui@example.jp"][0]["phone"] == "+81312345678"


# --- Several choices as text --------------------------------------------------------------------------------


def test_every_value_of_a_multi_select_reaches_text_and_the_text_reads_back_into_the_same_set(sandboxes, connection):
    # Google's custom fields are the userDefined keys its contacts hold: one contact brings the key.
    seed(
        sandboxes,
        netsuite=[
            ns_person("Multi", "Ple", "multi@example.com", custentity_interests={"items": [{"id": "1"}, {"id": "3"}]})
        ],
        google=[
            g_person(
                "Key", "Holder", "key@example.com", userDefined=[{"key": "interests", "value": "travel;  cooking"}]
            )
        ],
    )
    refresh_catalogs(connection)
    FieldMapping.objects.create(
        connection=connection, netsuite_field="custentity_interests", app_field="userDefined.interests", order=200
    )

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    person = g_by_email(sandboxes)["multi@example.com"][0]
    assert {u["key"]: u["value"] for u in person["userDefined"]}["interests"] == "Hiking; Music"
    created = ns_by_email(sandboxes)["key@example.com"][0]
    # Multiple selects list ids only (reference 2.3): 2 is Cooking, 4 Travel in customlist_interests.
    assert sorted(item["id"] for item in created["custentity_interests"]["items"]) == ["2", "4"]

    # Edited in Google as text: NetSuite gets exactly that set.
    sandboxes.google.touch(person["resourceName"], userDefined=[{"key": "interests", "value": "Music; Photography"}])
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    items = ns_by_email(sandboxes)["multi@example.com"][0]["custentity_interests"]["items"]
    assert sorted(item["id"] for item in items) == ["3", "5"]  # Music, Photography


# --- Contact groups -------------------------------------------------------------------------------------------


def map_interests_to_groups(connection) -> None:
    refresh_catalogs(connection)
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="custentity_interests",
        app_field="memberships",
        direction=Direction.TO_APP,
        order=200,
    )


def group_names_of(sandboxes, person: dict) -> set[str]:
    names = {g.resource_name: g.name for g in sandboxes.google.store.groups.values() if not g.deleted}
    return {names.get(m["contactGroupMembership"]["contactGroupResourceName"]) for m in person.get("memberships", [])}


def test_a_value_naming_no_group_creates_the_group_when_the_connection_allows_it(sandboxes, connection):
    assert connection.create_missing_groups  # the default
    seed(
        sandboxes,
        netsuite=[
            ns_person("Group", "Ie", "groupie@example.com", custentity_interests={"items": [{"id": "1"}, {"id": "3"}]})
        ],
    )
    map_interests_to_groups(connection)

    run = sync(connection)

    assert run.status == RunStatus.SUCCEEDED, run.error
    person = g_by_email(sandboxes)["groupie@example.com"][0]
    assert {"Hiking", "Music"} <= group_names_of(sandboxes, person)
    message = outcome_of(run, "groupie@example.com", "to_app").message
    assert "created the contact group 'Hiking', 'Music' in Google Contacts" in message

    # A later run meets the same name again (the cached catalog still lacks the group): no second group.
    seed(
        sandboxes,
        netsuite=[ns_person("Second", "Hiker", "hiker@example.com", custentity_interests={"items": [{"id": "1"}]})],
    )
    later = sync(connection)
    assert later.status == RunStatus.SUCCEEDED, later.error
    assert [g.name for g in sandboxes.google.store.groups.values() if not g.deleted].count("Hiking") == 1
    assert "Hiking" in group_names_of(sandboxes, g_by_email(sandboxes)["hiker@example.com"][0])
    assert "created the contact group" not in outcome_of(later, "hiker@example.com", "to_app").message


@pytest.mark.parametrize("create", [True, False])
def test_a_dry_run_says_which_groups_it_would_create_or_which_records_would_fail_and_creates_none(
    sandboxes, connection, create
):
    connection.create_missing_groups = create
    connection.save()
    seed(
        sandboxes, netsuite=[ns_person("Dry", "Run", "dry@example.com", custentity_interests={"items": [{"id": "4"}]})]
    )
    map_interests_to_groups(connection)
    groups_before = set(sandboxes.google.store.groups)

    run = sync(connection, dry_run=True)

    outcome = outcome_of(run, "dry@example.com", "to_app")
    if create:
        assert outcome.outcome == Outcome.CREATED
        assert "would create the contact group 'Travel' in Google Contacts" in outcome.message
    else:
        assert (outcome.outcome, run.status) == (Outcome.FAILED, RunStatus.PARTIALLY_FAILED)
        assert "Contact group 'Travel' does not exist in Google Contacts" in outcome.message
    assert set(sandboxes.google.store.groups) == groups_before
    assert "dry@example.com" not in g_by_email(sandboxes)


def test_a_value_naming_no_group_fails_the_run_partially_and_names_the_value_when_creation_is_off(
    sandboxes, connection
):
    connection.create_missing_groups = False
    connection.save()
    seed(
        sandboxes,
        netsuite=[
            ns_person("Group", "Less", "groupless@example.com", custentity_interests={"items": [{"id": "1"}]}),
            ns_person("Plain", "Person", "plain@example.com"),
        ],
    )
    map_interests_to_groups(connection)

    run = sync(connection)

    assert run.status == RunStatus.PARTIALLY_FAILED
    assert "'Hiking'" in run.error
    failed = outcome_of(run, "groupless@example.com", "to_app")
    assert failed.outcome == Outcome.FAILED
    assert "Contact group 'Hiking' does not exist" in failed.message
    in_google = g_by_email(sandboxes)
    assert "groupless@example.com" not in in_google and "plain@example.com" in in_google
    assert not any(g.name == "Hiking" for g in sandboxes.google.store.groups.values())

    # Allowed afterwards: the failed record is retried and arrives in the new group.
    connection.create_missing_groups = True
    connection.save()
    retry = sync(connection)
    assert retry.status == RunStatus.SUCCEEDED, retry.error
    assert "Hiking" in group_names_of(sandboxes, g_by_email(sandboxes)["groupless@example.com"][0])


# --- Text into a list/record custom field (an employee reference) ------------------------------------------------


def test_text_names_an_employee_for_a_reference_field_and_a_bad_name_fails_only_that_field(sandboxes, connection):
    sandboxes.netsuite.seed(
        {
            "records": {
                "employee": [
                    {"entityId": "Dana Moss", "firstName": "Dana", "lastName": "Moss", "subsidiary": {"id": "1"}},
                    {"entityId": "Eli Park", "firstName": "Eli", "lastName": "Park", "subsidiary": {"id": "1"}},
                    {"entityId": "Eli Park", "firstName": "Eli", "lastName": "Park", "subsidiary": {"id": "1"}},
                ]
            }
        }
    )
    seed(
        sandboxes,
        google=[
            g_person("Known", "Manager", "known@example.com", userDefined=[{"key": "manager", "value": "dana moss"}]),
            g_person(
                "Unknown", "Manager", "unknown@example.com", userDefined=[{"key": "manager", "value": "Zed Nobody"}]
            ),
            g_person("Twin", "Manager", "twin@example.com", userDefined=[{"key": "manager", "value": "Eli Park"}]),
        ],
    )
    refresh_catalogs(connection)
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="custentity_account_manager",
        app_field="userDefined.manager",
        direction=Direction.TO_NETSUITE,
        order=200,
    )

    run = sync(connection)

    in_netsuite = ns_by_email(sandboxes)
    assert in_netsuite["known@example.com"][0]["custentity_account_manager"]["refName"] == "Dana Moss"
    for email, why in (
        (
            "unknown@example.com",
            "'Zed Nobody' is not one of the options of Account Manager (custentity_account_manager)",
        ),
        ("twin@example.com", "'Eli Park' matches 2 options of Account Manager (custentity_account_manager)"),
    ):
        record = in_netsuite[email][0]
        assert record["lastName"] == "Manager", "the rest of the record is written"
        assert not record.get("custentity_account_manager")
        outcome = outcome_of(run, email, "to_netsuite")
        assert outcome.outcome != Outcome.FAILED
        assert why in outcome.message


def test_text_names_the_sales_rep_a_standard_reference_whose_names_come_from_suiteql(sandboxes, connection):
    sandboxes.netsuite.seed(
        {
            "records": {
                "employee": [
                    {
                        "entityId": "Rae Quill",
                        "firstName": "Rae",
                        "lastName": "Quill",
                        "isSalesRep": True,
                        "subsidiary": {"id": "1"},
                    },
                ]
            }
        }
    )
    seed(
        sandboxes,
        google=[
            g_person("Rep", "Known", "rep@example.com", userDefined=[{"key": "rep", "value": "RAE QUILL"}]),
            g_person("Rep", "Unknown", "norep@example.com", userDefined=[{"key": "rep", "value": "Nobody Here"}]),
        ],
    )
    refresh_catalogs(connection)
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="salesRep",
        app_field="userDefined.rep",
        direction=Direction.TO_NETSUITE,
        order=200,
    )

    run = sync(connection)

    in_netsuite = ns_by_email(sandboxes)
    assert in_netsuite["rep@example.com"][0]["salesRep"]["refName"] == "Rae Quill"
    assert in_netsuite["norep@example.com"][0]["lastName"] == "Unknown"
    assert not in_netsuite["norep@example.com"][0].get("salesRep")
    assert (
        "'Nobody Here' is not one of the options of Sales Rep (salesRep)"
        in outcome_of(run, "norep@example.com", "to_netsuite").message
    )
