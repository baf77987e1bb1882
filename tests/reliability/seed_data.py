"""A repeatable seed of any size, shaped like the crash test's (``tests/engine/bulk_data``): a few hundred
records for the fault tests (the defaults), more for the load test.

NetSuite holds individual customers, Google contacts; the first ``shared`` contacts share an email with a
customer (they link and merge), the rest are new on each side.
Linked pairs differ in fields only one side has (merged both ways) and in a job title both have,
changed in Google after NetSuite (the default "most recent change wins" picks Google's every time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..engine.harness import Sandboxes

NETSUITE_COUNT = 160
GOOGLE_COUNT = 160
SHARED = 60
UNIQUE_EMAILS = NETSUITE_COUNT + GOOGLE_COUNT - SHARED


def netsuite_bodies(count: int = NETSUITE_COUNT) -> list[dict]:
    # An hour old: older than Google's contacts (seeded now), far from the reads' overlap window.
    stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bodies = []
    for index in range(count):
        body = {
            "isPerson": True,
            "subsidiary": {"id": "1"},
            "firstName": f"Nora{index}",
            "lastName": f"Suite{index % 13}",
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


def google_bodies(count: int = GOOGLE_COUNT, shared_count: int = SHARED) -> list[dict]:
    people = []
    for index in range(count):
        shared = index < shared_count
        email = f"person{index:04d}@example.com" if shared else f"contact{index:04d}@example.org"
        person = {
            "names": [{"givenName": f"Nora{index}" if shared else f"Gina{index}", "familyName": f"Gmail{index % 11}"}],
            "emailAddresses": [{"value": email}],
        }
        if index % 2 == 0:
            person["phoneNumbers"] = [{"value": f"+1 212 555 {2000 + index:04d}", "type": "mobile"}]
        if index % 3 == 1 or (shared and index % 3 == 0):
            person["organizations"] = [{"title": f"Google title {index % 5}"}]
        people.append(person)
    return people


def seed_records(
    sandboxes: Sandboxes, netsuite: int = NETSUITE_COUNT, google: int = GOOGLE_COUNT, shared: int = SHARED
) -> None:
    """Reset both sandboxes and load the seed (the same every time for the same counts)."""
    sandboxes.reset()
    sandboxes.netsuite.seed({"records": {"customer": netsuite_bodies(netsuite)}})
    sandboxes.google.seed({"persons": google_bodies(google, shared)})
