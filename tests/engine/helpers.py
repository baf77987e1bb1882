"""Seeding and inspecting the sandboxes in engine scenarios (as users of NetSuite and Google would)."""

from __future__ import annotations

from .harness import Sandboxes


def ns_person(first: str, last: str, email: str | None, **extra) -> dict:
    body = {"isPerson": True, "firstName": first, "lastName": last, "subsidiary": {"id": "1"}, **extra}
    if email is not None:
        body["email"] = email
    return body


def g_person(first: str, last: str, email: str | None, **extra) -> dict:
    body = {"names": [{"givenName": first, "familyName": last}], **extra}
    if email is not None:
        body["emailAddresses"] = [{"value": email}]
    return body


def seed(sandboxes: Sandboxes, netsuite: list[dict] = (), google: list[dict] = ()) -> tuple[list[int], list[str]]:
    ns_ids = (
        sandboxes.netsuite.seed({"records": {"customer": list(netsuite)}})["created"].get("customer", [])
        if netsuite
        else []
    )
    g_names = []
    for person in google:
        g_names.append(sandboxes.google.seed({"persons": [person]})["resourceNames"][0])
    return ns_ids, g_names


def ns_customers(sandboxes: Sandboxes) -> list[dict]:
    """Every customer in the NetSuite sandbox, rendered as GET renders it."""
    rows = sandboxes.netsuite.store.db.execute("SELECT id FROM t_customer ORDER BY id").fetchall()
    return [sandboxes.netsuite.get_record("customer", row[0]) for row in rows]


def ns_by_email(sandboxes: Sandboxes) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in ns_customers(sandboxes):
        if record.get("email"):
            found.setdefault(record["email"].lower(), []).append(record)
    return found


def google_people(sandboxes: Sandboxes) -> list[dict]:
    names = [name for name, contact in sandboxes.google.store.contacts.items() if not contact.deleted]
    return [sandboxes.google.person(name) for name in names]


def g_by_email(sandboxes: Sandboxes) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for person in google_people(sandboxes):
        for address in person.get("emailAddresses", [])[:1]:
            found.setdefault(address["value"].lower(), []).append(person)
    return found


def writes(log: list[dict]) -> list[dict]:
    """Requests of a sandbox's log that change data."""
    reads = ("suiteql", "batchGet", "/token")  # OAuth token refreshes change no data
    return [
        r for r in log if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and not any(k in r["path"] for k in reads)
    ]
