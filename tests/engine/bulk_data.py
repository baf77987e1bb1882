"""A repeatable 2,000-record seed for the crash test, and the end state of both sandboxes compared by email.

The seed: 1,000 NetSuite individual customers in subsidiary 1 and 1,000 Google contacts, the first 500 of
which share an email with a customer (so they link), the rest new. Linked pairs differ in some fields: a
field only one side has (merged both ways) and a job title both sides have, changed in Google after the
NetSuite record (the default "most recent change wins" picks Google's, the same way on every run).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .harness import Sandboxes
from .helpers import google_people, ns_customers

NETSUITE_COUNT = 1000
GOOGLE_COUNT = 1000
SHARED = 500

# What each side shows for the mapped fields (the default mappings of Individual Customers).
NETSUITE_FIELDS = ("firstName", "lastName", "title", "phone", "mobilePhone", "altPhone", "comments")
GOOGLE_PHONE_TYPES = ("work", "mobile", "other")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def netsuite_bodies() -> list[dict]:
    # Changed an hour ago: older than Google's contacts (seeded now), and far from the reads' overlap seconds.
    stamp = _stamp(datetime.now(UTC) - timedelta(hours=1))
    bodies = []
    for index in range(NETSUITE_COUNT):
        body = {
            "isPerson": True,
            "subsidiary": {"id": "1"},
            "firstName": f"Nora{index}",
            "lastName": f"Suite{index % 37}",
            "email": f"person{index:04d}@example.com",
            "dateCreated": stamp,
            "lastModifiedDate": stamp,
        }
        if index % 3 == 0:
            body["title"] = f"NetSuite title {index % 7}"
        if index % 4 == 0:
            body["phone"] = f"+1 415 555 {1000 + index:04d}"
        if index % 5 == 0:
            body["comments"] = f"Customer since {2000 + index % 20}"
        bodies.append(body)
    return bodies


def google_bodies() -> list[dict]:
    people = []
    for index in range(GOOGLE_COUNT):
        shared = index < SHARED
        email = f"person{index:04d}@example.com" if shared else f"contact{index:04d}@example.org"
        person = {
            "names": [{"givenName": f"Nora{index}" if shared else f"Gina{index}", "familyName": f"Gmail{index % 41}"}],
            "emailAddresses": [{"value": email}],
        }
        if index % 2 == 0:
            person["phoneNumbers"] = [{"value": f"+1 212 555 {2000 + index:04d}", "type": "mobile"}]
        if index % 3 == 1 or (shared and index % 3 == 0):
            person["organizations"] = [{"title": f"Google title {index % 5}"}]
        people.append(person)
    return people


def seed_bulk(sandboxes: Sandboxes) -> None:
    """Reset both sandboxes and load the seed (the same every time)."""
    sandboxes.reset()
    sandboxes.netsuite.seed({"records": {"customer": netsuite_bodies()}})
    sandboxes.google.seed({"persons": google_bodies()})


def end_state(sandboxes: Sandboxes) -> dict[str, dict[str, list[tuple]]]:
    """Per side, email (lower case) → the mapped values of every record with that email (a list, to see twins)."""
    netsuite: dict[str, list[tuple]] = {}
    for record in ns_customers(sandboxes):
        key = (record.get("email") or "").lower()
        netsuite.setdefault(key, []).append(tuple(record.get(name) for name in NETSUITE_FIELDS))
    google: dict[str, list[tuple]] = {}
    for person in google_people(sandboxes):
        emails = person.get("emailAddresses") or [{}]
        name = (person.get("names") or [{}])[0]
        phones = {p.get("type"): p.get("value") for p in person.get("phoneNumbers", [])}
        values = (
            name.get("givenName"),
            name.get("familyName"),
            (person.get("organizations") or [{}])[0].get("title"),
            *(phones.get(kind) for kind in GOOGLE_PHONE_TYPES),
            (person.get("biographies") or [{}])[0].get("value"),
        )
        google.setdefault((emails[0].get("value") or "").lower(), []).append(values)
    return {"netsuite": netsuite, "google": google}


def twins(state: dict[str, dict[str, list[tuple]]]) -> dict[str, list[str]]:
    """Emails held by more than one record, per side."""
    return {
        side: sorted(email for email, found in by_email.items() if len(found) > 1) for side, by_email in state.items()
    }
