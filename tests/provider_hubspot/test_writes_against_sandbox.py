"""Writes against the HubSpot sandbox over real HTTP: batch creates matched to their requests, our sync key
property, the duplicate-email 409 linked to the existing contact, a 207 update, archives, and a batch
refused whole split down to its bad input (reference B.2, B.4, B.6, B.7)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import requests

from connections.providers.base import WriteRequest
from connections.providers.errors import NotFound, ValidationError
from connections.providers.hubspot.objects import SYNC_KEY_PROPERTY
from connections.providers.hubspot.translation import META_SYNC_KEY

PROPERTIES = "/crm/v3/properties/contacts"
CREATE = "/crm/v3/objects/contacts/batch/create"
UPDATE = "/crm/v3/objects/contacts/batch/update"
ARCHIVE = "/crm/v3/objects/contacts/batch/archive"


def _contacts(hubspot) -> dict[str, dict]:
    """The sandbox's active contacts by id, every stored property."""
    store = hubspot.app.portal.store("contacts")
    return {str(i): hubspot.app.record("contacts", str(i)) for i, r in store.records.items() if not r.archived}


def test_create_many_creates_our_key_property_when_missing_and_matches_results_to_requests(hubspot):
    assert SYNC_KEY_PROPERTY not in hubspot.app.state()["custom_properties"]["contacts"]
    client = hubspot.client()
    requests_ = [
        WriteRequest(key=f"ns:{i}", values={"firstname": f"F{i}", "email": f"f{i}@example.com"}) for i in range(250)
    ]

    results = client.create_many("contacts", requests_)

    assert SYNC_KEY_PROPERTY in hubspot.app.state()["custom_properties"]["contacts"]
    assert [c["status"] for c in hubspot.api_calls("POST", PROPERTIES)] == [201]
    assert len(hubspot.api_calls("POST", CREATE)) == 3  # 100 a batch
    assert [r.key for r in results] == [r.key for r in requests_]
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len({r.record_id for r in results}) == 250
    stored = _contacts(hubspot)
    for request, result in zip(requests_, results, strict=True):
        assert stored[result.record_id]["properties"]["email"] == request.values["email"]
        assert stored[result.record_id]["properties"][SYNC_KEY_PROPERTY] == request.key
        assert result.record.meta[META_SYNC_KEY] == request.key
        assert result.record.values["firstname"] == request.values["firstname"]


def test_create_many_finds_our_key_property_when_present(hubspot):
    hubspot.client().create_many("contacts", [WriteRequest(key="ns:1", values={"email": "one@example.com"})])
    assert len(hubspot.api_calls("POST", PROPERTIES)) == 1

    results = hubspot.client().create_many("contacts", [WriteRequest(key="ns:2", values={"email": "two@example.com"})])

    assert results[0].ok
    assert len(hubspot.api_calls("POST", PROPERTIES)) == 1  # the new client found it: not created again
    assert [c["status"] for c in hubspot.api_calls("GET", f"{PROPERTIES}/{SYNC_KEY_PROPERTY}")] == [404, 200]


def test_a_create_for_an_existing_email_is_linked_to_that_contact_never_a_duplicate(hubspot):
    [existing] = hubspot.seed_contacts({"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"})
    client = hubspot.client()
    requests_ = [
        WriteRequest(key="ns:1", values={"email": "bob@example.com", "firstname": "Bob"}),
        WriteRequest(key="ns:2", values={"email": "ADA@example.com", "firstname": "Overwrite?"}),
        WriteRequest(key="ns:3", values={"email": "cy@example.com", "firstname": "Cy"}),
    ]

    results = client.create_many("contacts", requests_)

    assert 409 in [c["status"] for c in hubspot.api_calls("POST", CREATE)]  # the batch was refused whole
    assert all(r.ok for r in results), [r.error for r in results]
    assert results[1].record_id == existing
    assert results[1].unwritten and results[1].warnings
    assert results[1].record is not None and results[1].record.id == existing
    stored = _contacts(hubspot)
    assert len(stored) == 3  # Ada, Bob, Cy: no second Ada
    assert stored[existing]["properties"]["firstname"] == "Ada"  # nothing written over her
    assert {stored[r.record_id]["properties"]["email"] for r in (results[0], results[2])} == {
        "bob@example.com",
        "cy@example.com",
    }


def test_update_many_with_one_archived_id_fails_only_that_one(hubspot):
    ids = hubspot.seed_contacts(
        {"email": "a@example.com", "firstname": "A"},
        {"email": "b@example.com", "firstname": "B"},
        {"email": "c@example.com", "firstname": "C"},
    )
    hubspot.app.archive("contacts", ids[1])
    client = hubspot.client()
    requests_ = [WriteRequest(key=f"ns:{i}", record_id=rid, values={"jobtitle": f"T{i}"}) for i, rid in enumerate(ids)]
    requests_.append(WriteRequest(key="ns:gone", record_id="999999", values={"jobtitle": "X"}))

    results = client.update_many("contacts", requests_)

    assert [c["status"] for c in hubspot.api_calls("POST", UPDATE)] == [207]
    assert [r.ok for r in results] == [True, False, True, False]
    assert isinstance(results[1].error, NotFound) and results[1].record_id == ids[1]
    assert isinstance(results[3].error, NotFound)
    assert results[0].record.values["jobtitle"] == "T0"
    assert hubspot.app.record("contacts", ids[0])["properties"]["jobtitle"] == "T0"
    assert hubspot.app.record("contacts", ids[2])["properties"]["jobtitle"] == "T2"
    assert "jobtitle" not in hubspot.app.record("contacts", ids[1])["properties"]


def test_delete_many_archives_and_an_id_already_gone_counts_as_deleted(hubspot):
    ids = hubspot.seed_contacts({"email": "a@example.com"}, {"email": "b@example.com"}, {"email": "c@example.com"})
    client = hubspot.client()
    requests_ = [WriteRequest(key="ns:a", record_id=ids[0]), WriteRequest(key="ns:b", record_id=ids[1])]
    requests_.append(WriteRequest(key="ns:x", record_id="999999"))

    results = client.delete_many("contacts", requests_)

    assert all(r.ok for r in results)
    assert [c["status"] for c in hubspot.api_calls("POST", ARCHIVE)] == [204]
    assert set(_contacts(hubspot)) == {ids[2]}
    archived = hubspot.app.record("contacts", ids[0])
    assert archived["archived"] is True and archived.get("archivedAt")
    assert client.get_many("contacts", ids) == [client.get_many("contacts", [ids[2]])[0]]


def test_a_create_batch_refused_whole_is_split_to_isolate_the_bad_input(hubspot):
    client = hubspot.client()
    requests_ = [WriteRequest(key=f"ns:{i}", values={"email": f"p{i}@example.com"}) for i in range(8)]
    requests_[5] = WriteRequest(key="ns:5", values={"email": "not an email"})

    results = client.create_many("contacts", requests_)

    statuses = [c["status"] for c in hubspot.api_calls("POST", CREATE)]
    assert statuses[0] == 400 and statuses.count(201) >= 2  # refused whole, then halves
    assert [r.ok for r in results] == [True] * 5 + [False] + [True] * 2
    assert isinstance(results[5].error, ValidationError)
    assert results[5].error.path == "email"
    stored = _contacts(hubspot)
    assert len(stored) == 7
    assert {p["properties"]["email"] for p in stored.values()} == {f"p{i}@example.com" for i in range(8) if i != 5}


def _property(hubspot, **body) -> None:
    body = {"groupName": "contactinformation", "label": body["name"].title(), **body}
    response = requests.post(
        f"{hubspot.base_url}/crm/v3/properties/contacts",
        json=body,
        headers={"Authorization": f"Bearer {hubspot.token}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text


def _options(*values):
    return [{"label": v.title(), "value": v, "hidden": False, "displayOrder": i} for i, v in enumerate(values)]


def test_typed_values_round_trip_through_custom_properties(hubspot):
    _property(hubspot, name="renewal_on", type="date", fieldType="date")
    _property(hubspot, name="last_call_at", type="datetime", fieldType="date")
    _property(hubspot, name="credit_limit", type="number", fieldType="number")
    _property(hubspot, name="is_vip", type="bool", fieldType="booleancheckbox", options=_options("true", "false"))
    _property(hubspot, name="tier", type="enumeration", fieldType="select", options=_options("gold", "silver"))
    _property(hubspot, name="topics", type="enumeration", fieldType="checkbox", options=_options("tax", "audit", "pay"))
    values = {
        "email": "typed@example.com",
        "renewal_on": date(2027, 3, 31),
        "last_call_at": datetime(2026, 11, 2, 14, 30, 5, tzinfo=UTC),
        "credit_limit": Decimal("12500.50"),
        "is_vip": True,
        "tier": {"id": "gold", "name": "Gold"},
        "topics": [{"id": "tax", "name": "Tax"}, {"id": "pay", "name": "Pay"}],
        "postal_address": {
            "street": "1 Main St",
            "city": "Toronto",
            "region": "ON",
            "postal_code": "M5V 2T6",
            "country": "CA",
        },
    }
    client = hubspot.client()

    [created] = client.create_many("contacts", [WriteRequest(key="ns:t", values=values)])

    assert created.ok, created.error
    [read] = client.get_many("contacts", [created.record_id])
    for name, value in values.items():
        assert read.values[name] == value, name
    stored = hubspot.app.record("contacts", created.record_id)["properties"]
    assert stored["topics"] == "tax;pay" and stored["is_vip"] == "true"

    # None clears a property (an empty string on the wire, B.2); the others are left alone.
    [updated] = client.update_many(
        "contacts", [WriteRequest(key="ns:t", record_id=created.record_id, values={"tier": None, "credit_limit": None})]
    )
    assert updated.ok, updated.error
    stored = hubspot.app.record("contacts", created.record_id)["properties"]
    assert "tier" not in stored and "credit_limit" not in stored and stored["is_vip"] == "true"


def test_an_update_taking_another_contact_s_email_fails_alone(hubspot):
    ids = hubspot.seed_contacts({"email": "a@example.com"}, {"email": "b@example.com"}, {"email": "c@example.com"})
    requests_ = [
        WriteRequest(key="ns:a", record_id=ids[0], values={"firstname": "A"}),
        WriteRequest(key="ns:b", record_id=ids[1], values={"email": "c@example.com"}),
        WriteRequest(key="ns:c", record_id=ids[2], values={"firstname": "C"}),
    ]

    results = hubspot.client().update_many("contacts", requests_)

    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, ValidationError)
    assert ids[2] in results[1].error.message  # the holder, as HubSpot names it (B.6)
    assert hubspot.app.record("contacts", ids[1])["properties"]["email"] == "b@example.com"
    assert hubspot.app.record("contacts", ids[0])["properties"]["firstname"] == "A"


def test_a_property_the_account_does_not_have_fails_only_its_record(hubspot):
    client = hubspot.client()
    requests_ = [
        WriteRequest(key="ns:1", values={"email": "one@example.com"}),
        WriteRequest(key="ns:2", values={"email": "two@example.com", "no_such_property": "x"}),
    ]

    results = client.create_many("contacts", requests_)

    assert [r.ok for r in results] == [True, False]
    assert isinstance(results[1].error, ValidationError) and results[1].error.path == "no_such_property"
    assert len(_contacts(hubspot)) == 1


def test_a_create_applied_but_answered_with_a_garbled_body_is_found_by_key_not_sent_again(hubspot):
    client = hubspot.client()
    client.ensure_sync_key_property("contacts")
    hubspot.set_faults(malformed_rate=1.0, methods=["POST"])  # the create is applied, its answer cut short

    def faults_off(response, *args, **kwargs):  # a hook of the requests session, not of our code
        if response.request.path_url.endswith("/batch/create"):
            hubspot.set_faults(malformed_rate=0.0)

    client.transport.session.hooks["response"].append(faults_off)
    requests_ = [WriteRequest(key=f"ns:{i}", values={"email": f"g{i}@example.com"}) for i in range(3)]

    results = client.create_many("contacts", requests_)

    assert all(r.ok for r in results), [r.error for r in results]
    [create] = hubspot.api_calls("POST", CREATE)  # never sent again blindly
    assert create["fault"] == "malformed"
    assert len(_contacts(hubspot)) == 3
    assert {r.record_id for r in results} == set(_contacts(hubspot))


def test_two_creates_with_one_email_in_a_batch_make_one_contact(hubspot):
    requests_ = [
        WriteRequest(key="ns:1", values={"email": "twin@example.com", "firstname": "One"}),
        WriteRequest(key="ns:2", values={"email": "other@example.com"}),
        WriteRequest(key="ns:3", values={"email": "Twin@example.com", "firstname": "Three"}),
    ]

    results = hubspot.client().create_many("contacts", requests_)

    assert 409 in [c["status"] for c in hubspot.api_calls("POST", CREATE)]  # "the same email twice" (B.6)
    assert all(r.ok for r in results), [r.error for r in results]
    assert results[0].record_id == results[2].record_id and results[2].warnings
    stored = _contacts(hubspot)
    assert len(stored) == 2
    assert stored[results[0].record_id]["properties"]["firstname"] == "One"
