"""A contact's company written by name, over real HTTP against the sandbox: linked to the one active company
customer of the subsidiary with that name, else left with a warning; one SuiteQL lookup per write batch."""

import pytest

from connections.providers.base import WriteRequest
from connections.providers.errors import ValidationError
from connections.providers.netsuite.company_links import companies_named

from .conftest import sandbox_requests


@pytest.fixture
def companies(sandbox) -> dict[str, str]:
    created = sandbox.seed(
        {
            "records": {
                "subsidiary": [{"name": "Europe", "parent": {"id": "1"}}],
                "customer": [
                    {"isPerson": False, "companyName": "Acme Ltd", "subsidiary": {"id": "1"}},
                    {"isPerson": False, "companyName": "O'Brien & Co", "subsidiary": {"id": "1"}},
                    {"isPerson": True, "firstName": "Solo", "lastName": "Trader", "subsidiary": {"id": "1"}},
                ],
            }
        }
    )["created"]
    europe = str(created["subsidiary"][0])
    (euro,) = sandbox.seed(
        {"records": {"customer": [{"isPerson": False, "companyName": "Euro GmbH", "subsidiary": {"id": europe}}]}}
    )["created"]["customer"]
    acme, obrien, _ = (str(i) for i in created["customer"])
    return {"Acme Ltd": acme, "O'Brien & Co": obrien, "Euro GmbH": str(euro)}


def named(name: str) -> dict:
    return {"id": "", "name": name}


def new_contact(i: int, company_name: str | None) -> WriteRequest:
    values = {"firstName": f"P{i}", "lastName": "Test", "email": f"p{i}@people.example"}
    if company_name is not None:
        values["company"] = named(company_name)
    return WriteRequest(key=f"gc-company-{i}", values=values)


def suiteql_count(base_url: str) -> int:
    return sum(1 for r in sandbox_requests(base_url) if r["path"].endswith("/suiteql"))


def test_creates_link_the_companies_of_the_subsidiary_by_name_with_one_lookup(client, sandbox, base_url, companies):
    # The SuiteQL requests of a batch of 30 new contacts without a company (reading them back)...
    before = suiteql_count(base_url)
    client.create_many("contacts", [new_contact(100 + i, None) for i in range(30)], subsidiary_id="1")
    without_names = suiteql_count(base_url) - before
    names = ["Acme Ltd", "O'Brien & Co", "Euro GmbH", "Solo Trader", "Nowhere Ltd"]
    requests = [new_contact(i, names[i % 5]) for i in range(30)]
    before = suiteql_count(base_url)

    results = client.create_many("contacts", requests, subsidiary_id="1")

    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    # ...and of 30 naming five companies: one more, the lookup of the five names.
    assert suiteql_count(base_url) - before == without_names + 1
    for i, result in enumerate(results):
        name = names[i % 5]
        stored = sandbox.get_record("contact", int(result.record_id))
        assert stored["firstName"] == f"P{i}"
        if name in ("Acme Ltd", "O'Brien & Co"):
            assert stored["company"]["id"] == companies[name]
            assert result.resolved == {"company": {"id": companies[name], "name": name}}
            assert result.unwritten == [] and result.warnings == []
        else:  # another subsidiary's company, a person, no such company: created without one
            assert "company" not in stored
            assert result.unwritten == ["company"] and result.resolved == {}
            (warning,) = result.warnings
            assert warning == (
                f"{name!r} is no active company customer of subsidiary 1 in NetSuite: "
                "the contact's company was left unchanged."
            )


def test_updates_relink_or_leave_the_company_and_write_the_rest(client, sandbox, companies):
    (created,) = client.create_many("contacts", [new_contact(1, "Acme Ltd")], subsidiary_id="1")
    record_id = created.record_id

    def update(values: dict, **scope) -> object:
        request = WriteRequest(key="gc-company-1", record_id=record_id, values=values, fields=list(values))
        (result,) = client.update_many("contacts", [request], **scope)
        return result

    relinked = update({"company": named("O'Brien & Co")}, subsidiary_id="1")
    assert relinked.ok and relinked.resolved["company"]["id"] == companies["O'Brien & Co"]
    assert sandbox.get_record("contact", int(record_id))["company"]["id"] == companies["O'Brien & Co"]

    left = update({"company": named("Euro GmbH"), "title": "CTO"}, subsidiary_id="1")
    assert left.ok and left.unwritten == ["company"] and "'Euro GmbH'" in left.warnings[0]
    stored = sandbox.get_record("contact", int(record_id))
    assert stored["title"] == "CTO" and stored["company"]["id"] == companies["O'Brien & Co"]

    emptied = update({"company": None}, subsidiary_id="1")
    assert emptied.ok and emptied.unwritten == ["company"] and "empty" in emptied.warnings[0]
    assert sandbox.get_record("contact", int(record_id))["company"]["id"] == companies["O'Brien & Co"]

    by_id = update({"company": {"id": companies["Acme Ltd"], "name": "Acme Ltd"}}, subsidiary_id="1")
    assert by_id.ok and not by_id.resolved and not by_id.warnings
    assert sandbox.get_record("contact", int(record_id))["company"]["id"] == companies["Acme Ltd"]

    # Without a subsidiary to look in, a name fails that record (and is retried), never links anywhere.
    unscoped = update({"company": named("Acme Ltd")})
    assert isinstance(unscoped.error, ValidationError)


def test_the_lookup_quotes_every_name_and_joins_long_lists():
    sql = companies_named(["O'Brien & Co", "Acme Ltd"], "1").page_sql()
    assert sql == (
        "SELECT id, companyname FROM customer WHERE isperson = 'F' AND isinactive = 'F' AND subsidiary = 1 "
        "AND companyname IN ('O''Brien & Co', 'Acme Ltd') ORDER BY id"
    )
    many = companies_named([f"C{i}" for i in range(1000)], "3").page_sql()
    assert many.count("companyname IN") == 2 and "AND (companyname IN (" in many
    with pytest.raises(ValueError):
        companies_named(["Acme"], "1 OR 1=1")
