"""Associations v4 between contacts and companies (reference B.5)."""

from __future__ import annotations

V4 = "/crm/v4"


def _pair(api):
    return api.create_contact(email="a@example.org")["id"], api.create_company(name="Acme")["id"]


def test_default_association_and_reading_it_from_both_sides(api):
    contact, company = _pair(api)
    response = api.put(f"{V4}/objects/contacts/{contact}/associations/default/companies/{company}")
    assert response.status_code == 200
    listed = api.get(f"{V4}/objects/contacts/{contact}/associations/companies").json()["results"]
    assert listed == [
        {
            "toObjectId": int(company),
            "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}],
        }
    ]
    back = api.get(f"{V4}/objects/companies/{company}/associations/contacts").json()["results"]
    assert back[0]["toObjectId"] == int(contact) and back[0]["associationTypes"][0]["typeId"] == 280


def test_primary_label_sets_associatedcompanyid_and_moves(api):
    contact, first = _pair(api)
    second = api.create_company(name="Beta")["id"]
    primary = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]
    assert api.put(f"{V4}/objects/contacts/{contact}/associations/companies/{first}", primary).status_code == 201
    props = api.get(f"/crm/v3/objects/contacts/{contact}", properties="associatedcompanyid").json()["properties"]
    assert props["associatedcompanyid"] == first
    api.put(f"{V4}/objects/contacts/{contact}/associations/companies/{second}", primary)
    listed = {
        r["toObjectId"]: r for r in api.get(f"{V4}/objects/contacts/{contact}/associations/companies").json()["results"]
    }
    assert [t["typeId"] for t in listed[int(first)]["associationTypes"]] == [279]
    assert [t["typeId"] for t in listed[int(second)]["associationTypes"]] == [1, 279]
    props = api.get(f"/crm/v3/objects/contacts/{contact}", properties="associatedcompanyid").json()["properties"]
    assert props["associatedcompanyid"] == second


def test_wrong_type_ids_and_missing_records_are_refused(api):
    contact, company = _pair(api)
    wrong = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}]  # company->contact id
    assert api.put(f"{V4}/objects/contacts/{contact}/associations/companies/{company}", wrong).status_code == 400
    user = [{"associationCategory": "USER_DEFINED", "associationTypeId": 279}]
    assert api.put(f"{V4}/objects/contacts/{contact}/associations/companies/{company}", user).status_code == 400
    assert api.put(f"{V4}/objects/contacts/{contact}/associations/default/companies/999999").status_code == 404


def test_delete_removes_every_association_of_the_pair(api):
    contact, company = _pair(api)
    primary = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]
    api.put(f"{V4}/objects/contacts/{contact}/associations/companies/{company}", primary)
    assert api.delete(f"{V4}/objects/contacts/{contact}/associations/companies/{company}").status_code == 204
    assert api.get(f"{V4}/objects/contacts/{contact}/associations/companies").json()["results"] == []
    props = api.get(f"/crm/v3/objects/contacts/{contact}", properties="associatedcompanyid").json()["properties"]
    assert props["associatedcompanyid"] is None


def test_batch_create_read_archive(api):
    contacts = [api.create_contact(email=f"c{i}@example.org")["id"] for i in range(3)]
    company = api.create_company(name="Acme")["id"]
    types = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]
    created = api.post(
        f"{V4}/associations/contacts/companies/batch/create",
        {"inputs": [{"from": {"id": c}, "to": {"id": company}, "types": types} for c in contacts]},
    )
    assert created.status_code == 201 and created.json()["status"] == "COMPLETE"
    assert created.json()["results"][0]["toObjectId"] == int(company)
    read = api.post(f"{V4}/associations/companies/contacts/batch/read", {"inputs": [{"id": company}, {"id": "1"}]})
    assert read.status_code == 207
    result = read.json()["results"][0]
    assert result["from"] == {"id": company}
    assert sorted(t["toObjectId"] for t in result["to"]) == sorted(int(c) for c in contacts)
    archived = api.post(
        f"{V4}/associations/contacts/companies/batch/archive",
        {"inputs": [{"from": {"id": contacts[0]}, "to": [{"id": company}]}]},
    )
    assert archived.status_code == 204
    read = api.post(f"{V4}/associations/companies/contacts/batch/read", {"inputs": [{"id": company}]}).json()
    assert len(read["results"][0]["to"]) == 2
    too_many = {"inputs": [{"from": {"id": contacts[0]}, "to": {"id": company}, "types": types}] * 101}
    assert api.post(f"{V4}/associations/contacts/companies/batch/create", too_many).status_code == 400


def test_create_with_associations_and_read_them_with_the_object(api):
    company = api.create_company(name="Acme")["id"]
    created = api.post(
        "/crm/v3/objects/contacts",
        {
            "properties": {"email": "with@example.org"},
            "associations": [
                {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}
            ],
        },
    )
    assert created.status_code == 201
    got = api.get(f"/crm/v3/objects/contacts/{created.json()['id']}", associations="companies").json()
    assert {r["type"] for r in got["associations"]["companies"]["results"]} == {
        "contact_to_company",
        "contact_to_company_unlabeled",
    }
