"""A contact's company as the field ``associated_company``, against the HubSpot sandbox over real HTTP (reference
B.5): read from the contacts' primary company associations (one batch read per page, as search carries none),
written as the primary association after the properties (the old primary pair removed), never as a property."""

from __future__ import annotations

from connections.providers.base import WriteRequest, WriteResult
from connections.providers.errors import ValidationError
from connections.providers.hubspot.associations import COMPANY_FIELD
from connections.providers.hubspot.catalog import standard_catalog
from connections.providers.hubspot.cursor import load_cursor

ASSOC_READ = "/crm/v4/associations/contacts/companies/batch/read"
ASSOC_CREATE = "/crm/v4/associations/contacts/companies/batch/create"
ASSOC_ARCHIVE = "/crm/v4/associations/contacts/companies/batch/archive"
UPDATE = "/crm/v3/objects/contacts/batch/update"


def companies(hubspot, *names: str) -> list[str]:
    return hubspot.app.seed({"companies": [{"properties": {"name": n}} for n in names]})["ids"]["companies"]


def primary(hubspot, contact_id: str) -> str | None:
    found = hubspot.app.portal.associations.primary_company(int(contact_id))
    return None if found is None else str(found)


def associated(hubspot, contact_id: str) -> list[str]:
    return [str(c) for c, _ in hubspot.app.portal.associations.targets("contacts", int(contact_id))]


def read_all(client) -> dict[str, dict]:
    return {r.id: r.values for page in client.read_changes("contacts", None) for r in page.records}


def test_the_catalog_offers_the_associated_company_as_a_reference_of_contacts_only(hubspot):
    client = hubspot.client()
    field = {f.id: f for f in client.field_catalog("contacts")}[COMPANY_FIELD]
    assert (field.label, str(field.type), field.writable) == ("Company (associated)", "reference", True)
    assert COMPANY_FIELD not in {f.id for f in client.field_catalog("companies")}
    assert COMPANY_FIELD in {f.id for f in standard_catalog("contacts")}


def test_reads_give_each_contact_its_primary_company_with_one_batch_read_per_page(hubspot):
    acme, beta = companies(hubspot, "Acme", "Beta")
    ada, bob, cy = hubspot.seed_contacts({"email": "ada@x.example"}, {"email": "bob@x.example"}, {"email": "c@x.io"})
    client = hubspot.client()
    client.set_companies("contacts", [_ok(ada), _ok(bob)], {"k:" + ada: {"id": acme}, "k:" + bob: {"id": beta}})
    hubspot.app.portal.associations.add("contacts", int(cy), int(acme), {279})  # unlabelled only: no primary

    values = read_all(client)

    assert values[ada][COMPANY_FIELD] == {"id": acme, "name": ""}
    assert values[bob][COMPANY_FIELD] == {"id": beta, "name": ""}
    assert values[cy][COMPANY_FIELD] is None
    assert len(hubspot.api_calls("POST", ASSOC_READ)) == 2  # the set_companies above, and the one page read
    assert all(COMPANY_FIELD not in str(c["path"]) for c in hubspot.app.requests())
    by_id = {r.id: r for r in client.get_many("contacts", [ada, cy])}
    assert by_id[ada].values[COMPANY_FIELD] == {"id": acme, "name": ""}


def test_a_search_read_also_reads_the_companies(hubspot):
    (acme,) = companies(hubspot, "Acme")
    client = hubspot.client()
    cursor = None
    for page in client.read_changes("contacts", None):
        cursor = page.cursor or cursor
    assert load_cursor(cursor) is not None
    (ada,) = hubspot.seed_contacts({"email": "ada@x.example"})
    client.set_companies("contacts", [_ok(ada)], {"k:" + ada: {"id": acme}})
    records = [r for page in client.read_changes("contacts", cursor) for r in page.records]
    assert [(r.id, r.values[COMPANY_FIELD]) for r in records] == [(ada, {"id": acme, "name": ""})]


def test_writing_the_company_moves_the_primary_association_and_removes_the_old_pair(hubspot):
    acme, beta = companies(hubspot, "Acme", "Beta")
    client = hubspot.client()
    client.field_catalog("contacts")
    (created,) = client.create_many(
        "contacts", [WriteRequest("k1", values={"email": "ada@x.example", COMPANY_FIELD: {"id": acme, "name": "A"}})]
    )
    assert created.ok, created.error
    assert primary(hubspot, created.record_id) == acme
    assert COMPANY_FIELD not in hubspot.app.record("contacts", created.record_id)["properties"]

    (moved,) = client.update_many(
        "contacts",
        [WriteRequest("k1", values={COMPANY_FIELD: {"id": beta}}, record_id=created.record_id, fields=[COMPANY_FIELD])],
    )
    assert moved.ok, moved.error
    assert primary(hubspot, created.record_id) == beta
    assert associated(hubspot, created.record_id) == [beta]  # Acme's pair removed, not only demoted
    assert hubspot.api_calls("POST", UPDATE) == []  # nothing but the company: no properties sent

    (cleared,) = client.update_many(
        "contacts", [WriteRequest("k1", values={COMPANY_FIELD: None}, record_id=created.record_id)]
    )
    assert cleared.ok and associated(hubspot, created.record_id) == []


def test_a_company_that_is_gone_fails_only_its_contact(hubspot):
    (acme,) = companies(hubspot, "Acme")
    ada, bob = hubspot.seed_contacts({"email": "ada@x.example"}, {"email": "bob@x.example"})
    client = hubspot.client()
    client.field_catalog("contacts")
    results = client.update_many(
        "contacts",
        [
            WriteRequest("a", values={COMPANY_FIELD: {"id": acme}}, record_id=ada),
            WriteRequest("b", values={COMPANY_FIELD: {"id": "999999"}}, record_id=bob),
        ],
    )
    assert results[0].ok and primary(hubspot, ada) == acme
    assert isinstance(results[1].error, ValidationError) and primary(hubspot, bob) is None


def _ok(contact_id: str) -> WriteResult:
    return WriteResult("k:" + contact_id, record_id=contact_id)
