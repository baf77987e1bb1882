"""NetSuite companies and contacts as the company scenarios seed them, and Google's organization as they read it."""

from __future__ import annotations

from .harness import Sandboxes


def seed_netsuite(sandboxes: Sandboxes, record_type: str, bodies: list[dict]) -> list[str]:
    """Create NetSuite records of ``record_type`` as a user would; their internal ids."""
    created = sandboxes.netsuite.seed({"records": {record_type: bodies}})["created"][record_type]
    return [str(i) for i in created]


def company(name: str, subsidiary: str, **extra) -> dict:
    """A company customer of ``subsidiary``."""
    return {
        "isPerson": False,
        "companyName": name,
        "email": f"info@{name.split()[0].lower()}.example",
        "subsidiary": {"id": subsidiary},
        **extra,
    }


def contact(first: str, email: str, company_id: str | None) -> dict:
    """A contact of subsidiary 1, at ``company_id`` (a customer's internal id) when given."""
    body = {"firstName": first, "lastName": "Test", "email": email, "subsidiary": {"id": "1"}}
    if company_id is not None:
        body["company"] = {"id": company_id}
    return body


def organization(person: dict) -> str | None:
    """The name of a Google person's first organization."""
    return (person.get("organizations") or [{}])[0].get("name")
