"""Writes against the Google sandbox over real HTTP: batch sizes, idempotency
keys, stale etags, field-limited updates, deletes and contact groups."""

import json
from datetime import date

from connections.providers.base import WriteRequest
from connections.providers.errors import Conflict, NotFound, ValidationError
from connections.providers.google_contacts.translation import IDEMPOTENCY_KEY

from .conftest import person

BATCH_CREATE = "/v1/people:batchCreateContacts"
BATCH_UPDATE = "/v1/people:batchUpdateContacts"


def _record_bodies(client):
    """Capture what the client sends (a hook of the requests session, not of our code)."""
    sent = []
    client.transport.session.hooks["response"].append(lambda response, *a, **k: sent.append(response.request))
    return sent


def test_batch_create_of_450_contacts_takes_exactly_3_create_requests(google):
    client = google.client()
    requests_ = [
        WriteRequest(key=f"ns:{i}", values={"givenName": f"G{i}", "email": f"g{i}@example.com"}) for i in range(450)
    ]
    results = client.create_many("contacts", requests_)

    assert len(google.api_calls("POST", BATCH_CREATE)) == 3
    assert [r.key for r in results] == [r.key for r in requests_]
    assert all(r.ok and r.record_id.startswith("people/") for r in results)
    assert len({r.record_id for r in results}) == 450
    assert results[7].record.values["givenName"] == "G7"
    assert results[7].record.meta["client_data"] == {IDEMPOTENCY_KEY: "ns:7"}
    assert google.app.person(results[449].record_id)["emailAddresses"][0]["value"] == "g449@example.com"


def test_created_contact_reads_back_with_every_field(google):
    client = google.client()
    vip = client.create_contact_group("VIP")
    values = {
        "givenName": "Grace",
        "familyName": "Hopper",
        "email": "grace@example.com",
        "phone.work": "+1 555 0300",
        "phone.mobile": "+1 555 0301",
        "organization.name": "Navy",
        "organization.title": "Rear Admiral",
        "address": {"street": "1 Pier", "city": "Arlington", "region": "VA", "postal_code": "22201", "country": "US"},
        "notes": "COBOL",
        "birthday": date(1906, 12, 9),
        "url": "https://grace.example.com",
        "userDefined.Tier": "Gold",
    }
    [result] = client.create_many("contacts", [WriteRequest(key="ns:g", values=values)], group=vip.id)
    assert result.ok, result.error
    [read] = client.get_many("contacts", [result.record_id])
    assert {k: read.values[k] for k in values} == values
    assert {g["id"] for g in read.values["memberships"]} == {"contactGroups/myContacts", vip.id}


def test_a_create_whose_answer_is_garbled_is_not_duplicated(google):
    client = google.client()
    google.set_faults(malformed_rate=1.0)

    def heal(response, *args, **kwargs):
        # The create went through but its answer was cut short; later calls are fine.
        google.set_faults(malformed_rate=0.0)

    client.transport.session.hooks["response"].append(heal)
    requests_ = [WriteRequest(key=f"ns:{i}", values={"givenName": f"R{i}"}) for i in range(3)]
    results = client.create_many("contacts", requests_)

    assert all(r.ok for r in results), [r.error for r in results]
    assert len(google.api_calls("POST", BATCH_CREATE)) == 1
    all_keys = [
        r.meta["client_data"].get(IDEMPOTENCY_KEY) for p in client.read_changes("contacts", None) for r in p.records
    ]
    assert sorted(all_keys) == ["ns:0", "ns:1", "ns:2"]


def test_stale_etag_is_handled_without_losing_either_change(google):
    [name] = google.app.seed(
        {"persons": [person("Ann", "Lee", "ann@example.com", phoneNumbers=[{"value": "+1 555 0100", "type": "work"}])]}
    )["resourceNames"]
    client = google.client()
    [record] = client.get_many("contacts", [name])
    # Meanwhile the user adds a mobile phone and edits the name's family part in Google Contacts.
    google.app.touch(
        name,
        phoneNumbers=[{"value": "+1 555 0100", "type": "work"}, {"value": "+1 555 0199", "type": "mobile"}],
        organizations=[{"name": "Acme"}],
    )

    update = WriteRequest(
        key="ns:ann",
        record_id=name,
        values={"phone.work": "+1 555 0200", "givenName": "Anne"},
        fields=["phone.work", "givenName"],
        meta=record.meta,
    )
    [result] = client.update_many("contacts", [update])
    assert result.ok, result.error

    final = google.app.person(name)
    phones = {p["type"]: p["value"] for p in final["phoneNumbers"]}
    assert phones == {"work": "+1 555 0200", "mobile": "+1 555 0199"}  # ours and theirs
    assert final["names"][0]["givenName"] == "Anne" and final["names"][0]["familyName"] == "Lee"
    assert final["organizations"][0]["name"] == "Acme"
    assert [e["status"] for e in google.api_calls("POST", BATCH_UPDATE)] == [400, 200]
    assert result.record.values["phone.mobile"] == "+1 555 0199"


def test_a_contact_that_stays_stale_fails_with_a_conflict_and_the_others_are_updated(google):
    names = google.app.seed({"persons": [person("A"), person("B")]})["resourceNames"]
    client = google.client()
    records = {r.id: r for r in client.get_many("contacts", names)}
    google.app.touch(names[0], names=[{"givenName": "A2"}])

    def keep_touching(response, *args, **kwargs):
        if response.request.method == "GET" and "batchGet" in response.request.url:
            google.app.touch(names[0])  # changes again between our re-read and our retry

    client.transport.session.hooks["response"].append(keep_touching)
    results = client.update_many(
        "contacts",
        [
            WriteRequest(key=n, record_id=n, values={"familyName": "X"}, fields=["familyName"], meta=records[n].meta)
            for n in names
        ],
    )
    assert isinstance(results[0].error, Conflict)
    assert results[1].ok and google.app.person(names[1])["names"][0]["familyName"] == "X"


def test_update_mask_is_limited_to_the_mapped_fields(google):
    [name] = google.app.seed({"persons": [person("M", "N", "m@example.com", biographies=[{"value": "keep me"}])]})[
        "resourceNames"
    ]
    client = google.client()
    [record] = client.get_many("contacts", [name])
    sent = _record_bodies(client)
    [result] = client.update_many(
        "contacts",
        [
            WriteRequest(
                key="k", record_id=name, values={"email": "new@example.com"}, fields=["email"], meta=record.meta
            )
        ],
    )
    assert result.ok
    [update] = [r for r in sent if r.url.endswith("people:batchUpdateContacts")]
    body = json.loads(update.body)
    assert body["updateMask"] == "emailAddresses"
    assert set(body["contacts"][name]) == {"emailAddresses", "resourceName", "etag", "metadata"}
    final = google.app.person(name)
    assert final["emailAddresses"][0]["value"] == "new@example.com"
    assert final["biographies"][0]["value"] == "keep me"


def test_update_without_meta_reads_the_contact_first(google):
    [name] = google.app.seed({"persons": [person("Q", "R", phoneNumbers=[{"value": "1", "type": "home"}])]})[
        "resourceNames"
    ]
    client = google.client()
    [result] = client.update_many(
        "contacts", [WriteRequest(key="k", record_id=name, values={"phone.work": "2"}, fields=["phone.work"])]
    )
    assert result.ok, result.error
    assert {p["type"]: p["value"] for p in google.app.person(name)["phoneNumbers"]} == {"home": "1", "work": "2"}
    assert len(google.api_calls("GET", "/v1/people:batchGet")) == 1


def test_one_bad_contact_fails_alone_and_missing_contacts_are_not_found(google):
    names = google.app.seed({"persons": [person(f"B{i}") for i in range(4)]})["resourceNames"]
    client = google.client()
    records = {r.id: r for r in client.get_many("contacts", names)}
    requests_ = [
        WriteRequest(key=n, record_id=n, values={"familyName": "Ok"}, fields=["familyName"], meta=records[n].meta)
        for n in names
    ]
    requests_[2] = WriteRequest(
        key="bad", record_id=names[2], values={"memberships": ["contactGroups/nope"]}, fields=["memberships"],
        meta=records[names[2]].meta,
    )  # fmt: skip
    requests_.append(WriteRequest(key="gone", record_id="people/c404", values={"familyName": "X"}))
    requests_.append(WriteRequest(key="typo", record_id=names[0], values={"phone.pager": "1"}))
    results = client.update_many("contacts", requests_)

    assert [r.ok for r in results] == [True, True, False, True, False, False]
    assert isinstance(results[2].error, ValidationError)
    assert isinstance(results[4].error, NotFound)
    assert isinstance(results[5].error, ValidationError) and results[5].error.path == "phone.pager"
    assert all(google.app.person(n)["names"][0]["familyName"] == "Ok" for n in names if n != names[2])


def test_delete_many_deletes_and_counts_already_deleted_contacts_as_deleted(google):
    names = google.app.seed({"persons": [person(f"D{i}") for i in range(3)]})["resourceNames"]
    google.app.delete(names[0])
    client = google.client()
    results = client.delete_many("contacts", [WriteRequest(key=n, record_id=n) for n in names])
    assert all(r.ok for r in results)
    assert all(google.app.person(n) is None for n in names)


def test_contact_groups_create_list_and_modify_members(google):
    client = google.client()
    group = client.create_contact_group("Newsletter")
    assert client.create_contact_group("Newsletter") == group  # already there: returned as is
    assert group in client.contact_groups()
    names = google.app.seed({"persons": [person("G1"), person("G2")]})["resourceNames"]

    answer = client.modify_group_members(group.id, add=[*names, "people/c404"])
    assert answer["not_found"] == ["people/c404"]
    members = [r.id for p in client.read_changes("contacts", None, group=group.id) for r in p.records]
    assert sorted(members) == sorted(names)

    client.modify_group_members(group.id, remove=[names[0]])
    members = [r.id for p in client.read_changes("contacts", None, group=group.id) for r in p.records]
    assert members == [names[1]]


def test_create_in_group_scope_keeps_the_group_on_membership_updates(google):
    client = google.client()
    scope = client.create_contact_group("Scope")
    other = client.create_contact_group("Other")
    [created] = client.create_many("contacts", [WriteRequest(key="s", values={"givenName": "S"})], group=scope.id)
    [result] = client.update_many(
        "contacts",
        [
            WriteRequest(
                key="s", record_id=created.record_id, values={"memberships": [other.id]}, fields=["memberships"]
            )
        ],
        group=scope.id,
    )
    assert result.ok, result.error
    groups = {
        m["contactGroupMembership"]["contactGroupResourceName"]
        for m in google.app.person(created.record_id)["memberships"]
    }
    assert groups == {other.id, scope.id}


def test_marking_contacts_deleted_moves_them_to_one_deleted_in_netsuite_group(google):
    client = google.client()
    names = google.app.seed({"persons": [person("M1"), person("M2"), person("M3")]})["resourceNames"]

    first = client.mark_deleted("contacts", [WriteRequest(key="k1", record_id=names[0])])
    second = client.mark_deleted("contacts", [WriteRequest(key=f"k{n}", record_id=n) for n in names[1:]])

    assert [(r.ok, r.record_id) for r in first + second] == [(True, n) for n in names]
    [group] = [g for g in client.groups() if g.name == "Deleted in NetSuite"]
    members = [r.id for p in client.read_changes("contacts", None, group=group.id) for r in p.records]
    assert sorted(members) == sorted(names)
    assert len(google.api_calls("POST", "/v1/contactGroups")) == 1  # created once, then reused
