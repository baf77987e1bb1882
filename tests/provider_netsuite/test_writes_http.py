"""Writing to the sandbox over real HTTP: idempotent creates, partial updates, deletes, per-record errors."""

from datetime import date
from decimal import Decimal

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import NotFound, ValidationError

from .conftest import sandbox_requests


def read_back(client, object_type: str, result):
    """The record as NetSuite stored it, read through the client (a write reads nothing back)."""
    (record,) = client.get_many(object_type, [result.record_id])
    return record


@pytest.fixture
def people(sandbox):
    """A sales rep, a lead source and a second subsidiary to write into."""
    created = sandbox.seed(
        {
            "records": {
                "subsidiary": [{"name": "US West", "parent": {"id": "1"}}],
                "campaign": [{"title": "Web Form"}],
                "employee": [{"firstName": "Sam", "lastName": "Rep", "subsidiary": {"id": "1"}, "isSalesRep": True}],
            }
        }
    )["created"]
    return {
        "sub": str(created["subsidiary"][0]),
        "rep": str(created["employee"][0]),
        "web": str(created["campaign"][0]),
    }


def test_create_update_delete_round_trip(client, sandbox, people):
    request = WriteRequest(
        key="gc-people-c1",
        values={
            "companyName": "Acme Inc",
            "email": "ap@acme.example.com",
            "phone": "+1 415 555 0100",
            "salesRep": {"id": people["rep"], "name": "Sam Rep"},
            "leadSource": {"id": people["web"], "name": "Web Form"},
            "custentity_vip": True,
            "custentity_renewal_date": date(2027, 1, 31),
            "custentity_discount_rate": Decimal("0.15"),
            "custentity_interests": [{"id": "1", "name": "Hiking"}, {"id": "3", "name": "Music"}],
            "custentity_loyalty_tier": {"id": "2", "name": "Silver"},
            "lastModifiedDate": None,  # read-only fields are never sent
        },
    )
    (created,) = client.create_many("company_customers", [request], subsidiary_id=people["sub"])
    assert created.ok, created.error
    assert created.record_id and created.record_id.isdigit()
    stored = sandbox.get_record("customer", int(created.record_id))
    assert stored["externalId"] == "gc-people-c1"
    assert stored["isPerson"] is False
    assert stored["subsidiary"]["id"] == people["sub"]
    assert stored["salesRep"]["id"] == people["rep"]
    assert stored["custentity_renewal_date"] == "2027-01-31"
    assert [i["id"] for i in stored["custentity_interests"]["items"]] == ["1", "3"]
    # Read through the client, the record is as written.
    stored_record = read_back(client, "company_customers", created)
    assert stored_record.id == created.record_id
    assert created.record is None  # a write reads nothing back but the new id
    assert stored_record.values["salesRep"] == {"id": people["rep"], "name": "Sam Rep"}
    assert stored_record.values["custentity_discount_rate"] == Decimal("0.15")
    assert stored_record.meta["externalId"] == "gc-people-c1"

    update = WriteRequest(
        key="gc-people-c1",
        record_id=created.record_id,
        values={"email": "billing@acme.example.com", "phone": None, "companyName": "Not Sent Inc"},
        fields=["email", "phone"],
    )
    (updated,) = client.update_many("company_customers", [update])
    assert updated.ok, updated.error
    stored = sandbox.get_record("customer", int(created.record_id))
    assert stored["email"] == "billing@acme.example.com"
    assert "phone" not in stored  # None cleared it
    assert stored["companyName"] == "Acme Inc"  # not in fields: untouched
    assert read_back(client, "company_customers", updated).values["email"] == "billing@acme.example.com"
    assert read_back(client, "company_customers", updated).values["phone"] is None

    (deleted,) = client.delete_many("company_customers", [WriteRequest(key="x", record_id=created.record_id)])
    assert deleted.ok
    assert sandbox.get_record("customer", int(created.record_id)) is None
    # Deleting again (a retry whose first answer was lost) still counts as done.
    (again,) = client.delete_many("company_customers", [WriteRequest(key="x", record_id=created.record_id)])
    assert again.ok


def test_repeating_a_create_with_the_same_key_creates_no_duplicate(client, sandbox, people):
    first = client.create_many(
        "individual_customers",
        [WriteRequest(key="gc-ada", values={"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"})],
        subsidiary_id=people["sub"],
    )[0]
    second = client.create_many(
        "individual_customers",
        [WriteRequest(key="gc-ada", values={"firstName": "Ada", "lastName": "King", "email": "ada@example.com"})],
        subsidiary_id=people["sub"],
    )[0]
    assert first.ok and second.ok
    assert first.record_id == second.record_id
    assert sandbox.state()["counts"]["customer"] == 1
    stored = sandbox.get_record("customer", int(first.record_id))
    assert stored["isPerson"] is True and stored["lastName"] == "King"


def test_contacts_are_created_in_their_subsidiary_with_their_company(client, sandbox, people):
    company = client.create_many(
        "company_customers", [WriteRequest(key="co-1", values={"companyName": "Globex"})], subsidiary_id=people["sub"]
    )[0]
    (contact,) = client.create_many(
        "contacts",
        [
            WriteRequest(
                key="ct-1",
                values={"firstName": "Hank", "lastName": "Scorpio", "company": {"id": company.record_id, "name": ""}},
            )
        ],
        subsidiary_id=people["sub"],
    )
    assert contact.ok, contact.error
    stored = sandbox.get_record("contact", int(contact.record_id))
    assert stored["company"]["refName"] == "Globex"
    assert stored["subsidiary"]["id"] == people["sub"]
    assert "isPerson" not in stored
    assert read_back(client, "contacts", contact).values["company"] == {"id": company.record_id, "name": "Globex"}


def test_each_failure_is_reported_on_its_own_record_and_the_others_are_written(client, sandbox, people):
    requests = [
        WriteRequest(key="ok-1", values={"companyName": "Fine Co"}),
        WriteRequest(key="no-name", values={"email": "x@example.com"}),  # a company needs a name
        WriteRequest(key="bad|key", values={"companyName": "Pipe Co"}),  # not an externalId we can own
        WriteRequest(key="bad-email", values={"companyName": "Mail Co", "email": "not-an-email"}),
        WriteRequest(key="ok-2", values={"companyName": "Also Fine"}),
    ]
    results = client.create_many("company_customers", requests, subsidiary_id=people["sub"])
    assert [r.key for r in results] == [r.key for r in requests]
    outcome = {r.key: r for r in results}
    assert outcome["ok-1"].ok and outcome["ok-2"].ok
    for key in ("no-name", "bad|key", "bad-email"):
        assert isinstance(outcome[key].error, ValidationError), key
        assert outcome[key].record_id is None
    assert "Please enter value(s) for: Company Name." in str(outcome["no-name"].error)
    assert outcome["no-name"].error.code == "USER_ERROR"
    assert "not a valid e-mail address" in str(outcome["bad-email"].error)
    assert not any(e["path"].endswith("bad|key") for e in sandbox_requests(client.base_url))


def test_an_inactive_subsidiary_refuses_the_create(client, sandbox):
    (inactive,) = sandbox.seed(
        {"records": {"subsidiary": [{"name": "Closed", "parent": {"id": "1"}, "isInactive": True}]}}
    )["created"]["subsidiary"]
    (result,) = client.create_many(
        "company_customers", [WriteRequest(key="c-x", values={"companyName": "X"})], subsidiary_id=str(inactive)
    )
    assert isinstance(result.error, ValidationError)
    assert "subsidiary" in str(result.error)


def test_update_errors_are_typed_per_record(client, sandbox, people):
    (created,) = client.create_many(
        "company_customers", [WriteRequest(key="u-1", values={"companyName": "U Co"})], subsidiary_id=people["sub"]
    )
    results = client.update_many(
        "company_customers",
        [
            WriteRequest(key="missing", record_id="987654", values={"comments": "x"}),
            WriteRequest(key="unknown-field", record_id=created.record_id, values={"favouriteColour": "blue"}),
            WriteRequest(key="no-id", values={"comments": "x"}),
            WriteRequest(key="fine", record_id=created.record_id, values={"comments": "hello"}),
        ],
    )
    outcome = {r.key: r for r in results}
    assert isinstance(outcome["missing"].error, NotFound)
    # Unknown property names are refused (X-NetSuite-PropertyNameValidation: error), not dropped.
    assert isinstance(outcome["unknown-field"].error, ValidationError)
    assert outcome["unknown-field"].error.code == "NONEXISTENT_FIELD"
    assert isinstance(outcome["no-id"].error, ValidationError)
    assert outcome["fine"].ok and read_back(client, "company_customers", outcome["fine"]).values["comments"] == "hello"
    assert sandbox.get_record("customer", int(created.record_id))["comments"] == "hello"


def test_an_update_with_nothing_to_write_sends_nothing(client, base_url, people):
    before = len(sandbox_requests(base_url))
    (result,) = client.update_many(
        "company_customers",
        [WriteRequest(key="k", record_id="5", values={"dateCreated": None}, fields=["dateCreated"])],
    )
    assert result.ok
    assert [e for e in sandbox_requests(base_url)[before:] if e["method"] == "PATCH"] == []


def test_marking_records_deleted_makes_them_inactive_and_changes_nothing_else(client, sandbox, people):
    (created,) = client.create_many(
        "company_customers",
        [WriteRequest(key="gc-mark-1", values={"companyName": "Retired Ltd", "email": "r@retired.example.com"})],
        subsidiary_id=people["sub"],
    )
    assert created.ok, created.error

    (marked,) = client.mark_deleted("company_customers", [WriteRequest(key="gc-mark-1", record_id=created.record_id)])

    assert marked.ok, marked.error
    stored = sandbox.get_record("customer", int(created.record_id))
    assert stored["isInactive"] is True
    assert (stored["companyName"], stored["email"]) == ("Retired Ltd", "r@retired.example.com")
