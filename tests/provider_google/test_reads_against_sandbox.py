"""Reads against the Google sandbox over real HTTP: sync tokens, deletions,
expiry, paging, group scope, batch get, lookups and the field catalog."""

from datetime import UTC, datetime

import pytest

from connections.providers.errors import ValidationError
from connections.providers.fields import FieldType
from connections.providers.google_contacts.translation import IDEMPOTENCY_KEY

from .conftest import person


def _read_all(client, cursor=None, **scope):
    pages = list(client.read_changes("contacts", cursor, **scope))
    return pages, [r for p in pages for r in p.records]


def test_initial_read_then_incremental_read_returns_only_changes_and_deletions(google):
    names = google.app.seed({"persons": [person(f"P{i}", "Doe", f"p{i}@example.com") for i in range(6)]})[
        "resourceNames"
    ]
    client = google.client()

    pages, records = _read_all(client)
    assert pages[-1].last and pages[-1].full_read and pages[-1].cursor
    assert {r.id for r in records} == set(names)
    first = next(r for r in records if r.id == names[0])
    assert first.values["givenName"] == "P0" and first.values["email"] == "p0@example.com"
    assert first.modified_at.tzinfo is UTC and first.modified_at <= datetime.now(UTC)
    assert first.meta["etag"]

    google.app.touch(names[1], names=[{"givenName": "Changed", "familyName": "Doe"}])
    google.app.delete(names[2])
    added = google.app.seed({"persons": [person("New", "Person", "new@example.com")]})["resourceNames"][0]

    pages2, changes = _read_all(client, pages[-1].cursor)
    assert not pages2[-1].full_read and pages2[-1].cursor and pages2[-1].cursor != pages[-1].cursor
    by_id = {r.id: r for r in changes}
    assert set(by_id) == {names[1], names[2], added}
    assert by_id[names[1]].values["givenName"] == "Changed" and not by_id[names[1]].deleted
    assert by_id[names[2]].deleted and by_id[names[2]].values == {}
    assert by_id[added].values["email"] == "new@example.com"

    # Nothing changed since: an empty page with a cursor.
    pages3, nothing = _read_all(client, pages2[-1].cursor)
    assert nothing == [] and pages3[-1].cursor


def test_expired_sync_token_falls_back_to_a_full_read(google):
    names = google.app.seed({"persons": [person(f"E{i}") for i in range(3)]})["resourceNames"]
    client = google.client()
    pages, _ = _read_all(client)
    google.app.expire_sync_tokens()

    pages2, records = _read_all(client, pages[-1].cursor)
    assert all(p.full_read for p in pages2)
    assert {r.id for r in records} == set(names)
    expired = [e for e in google.api_calls("GET", "/v1/people/me/connections") if e["status"] == 400]
    assert len(expired) == 1
    # The new cursor works incrementally again.
    pages3, _ = _read_all(client, pages2[-1].cursor)
    assert not pages3[-1].full_read


def test_pages_repeat_the_parameters_and_the_cursor_comes_on_the_last_page(google):
    google.app.seed({"generate": {"contacts": 25, "seed": 3, "groups": 0}})
    client = google.client()
    pages, records = _read_all(client, page_size=10)
    assert [len(p.records) for p in pages] == [10, 10, 5]
    assert [p.cursor is not None for p in pages] == [False, False, True]
    assert [p.last for p in pages] == [False, False, True]
    assert len({r.id for r in records}) == 25
    # The sandbox refuses a page whose parameters differ from the first call's.
    assert all(e["status"] == 200 for e in google.api_calls("GET", "/v1/people/me/connections"))


def test_group_scope_reads_only_members(google):
    client = google.client()
    vip = client.create_contact_group("VIP")
    seeded = google.app.seed(
        {
            "persons": [
                person("In", memberships=[{"contactGroupMembership": {"contactGroupResourceName": vip.id}}]),
                person("Out"),
            ]
        }
    )["resourceNames"]
    pages, records = _read_all(client, group=vip.id)
    assert [r.id for r in records] == [seeded[0]]
    assert {"id": vip.id, "name": "VIP"} in records[0].values["memberships"]
    assert [r.id for r in client.get_many("contacts", seeded, group=vip.id)] == [seeded[0]]

    # Leaving the group is not a deletion; deleting is reported.
    client.modify_group_members(vip.id, remove=[seeded[0]])
    google.app.delete(seeded[1])
    _, changes = _read_all(client, pages[-1].cursor, group=vip.id)
    assert [(r.id, r.deleted) for r in changes] == [(seeded[1], True)]


def test_get_many_batches_by_200_and_skips_missing_ids(google):
    google.app.seed({"generate": {"contacts": 230, "seed": 5, "groups": 0}})
    client = google.client()
    _, records = _read_all(client)
    ids = [r.id for r in records]
    got = client.get_many("contacts", [*ids, "people/c404"])
    assert [r.id for r in got] == ids
    assert len(google.api_calls("GET", "/v1/people:batchGet")) == 2


def test_find_by_keys_and_by_emails_use_one_full_listing(google):
    google.app.seed(
        {
            "persons": [
                person("K1", email="Shared@Example.com", clientData=[{"key": IDEMPOTENCY_KEY, "value": "ns:1"}]),
                person("K2", email="shared@example.com "),
                person("K3", email="solo@example.com", clientData=[{"key": IDEMPOTENCY_KEY, "value": "ns:3"}]),
            ]
        }
    )
    client = google.client()
    found = client.find_by_keys(["ns:1", "ns:3", "ns:404"])
    assert {k: r.values["givenName"] for k, r in found.items()} == {"ns:1": "K1", "ns:3": "K3"}
    by_email = client.find_by_emails([" SHARED@example.com", "nobody@example.com"])
    assert sorted(r.values["givenName"] for r in by_email["shared@example.com"]) == ["K1", "K2"]
    assert "nobody@example.com" not in by_email
    assert len(google.api_calls("GET", "/v1/people/me/connections")) == 2


def test_field_catalog_lists_standard_fields_groups_and_user_defined_keys(google):
    client = google.client()
    group = client.create_contact_group("Partners")
    google.app.seed({"persons": [person("U", userDefined=[{"key": "Tier", "value": "Gold"}])]})
    catalog = {f.id: f for f in client.field_catalog("contacts")}
    assert {"givenName", "email", "phone.mobile", "address", "birthday", "memberships"} <= set(catalog)
    assert catalog["userDefined.Tier"].custom and catalog["userDefined.Tier"].type is FieldType.TEXT
    options = {o.id: o.name for o in catalog["memberships"].options}
    assert options[group.id] == "Partners" and "contactGroups/myContacts" in options
    with pytest.raises(ValidationError):
        client.field_catalog("companies")
