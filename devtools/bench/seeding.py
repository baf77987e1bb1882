"""Seeding both sandboxes, and changing 1% of the records on each side as their users would."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .options import SEED_CHUNK
from .records import (
    google_changed,
    google_contact,
    google_person,
    hubspot_contact,
    mailchimp_member,
    netsuite_changed,
    netsuite_customer,
    netsuite_record,
)
from .sandboxes import SandboxProcess


@dataclass
class Seeded:
    """The ids of the seeded records the bench changes later (only those: a 100,000-id list
    would weigh on the peak RSS being measured)."""

    netsuite: dict[int, str] = field(default_factory=dict)  # index → internal id
    app: dict[int, str] = field(default_factory=dict)  # index → the app's id (a resource name, a HubSpot or member id)
    app_side: str = "google"


def seed(sandboxes: SandboxProcess, records: int, app: str = "google") -> Seeded:
    """N individual customers and N contacts of the app, in chunks through ``/_sandbox/seed``."""
    seeded = Seeded(app_side=app)
    # The records existed before the connection did: changed two days ago, not in the last
    # seconds (a NetSuite read of changes looks a day back, for the account's time zone).
    stamp = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for start in range(0, records, SEED_CHUNK):
        indexes = range(start, min(start + SEED_CHUNK, records))
        created = sandboxes.call(
            "netsuite",
            "POST",
            "/_sandbox/seed",
            {"records": {"customer": [netsuite_customer(i, stamp) for i in indexes]}},
        )["created"]["customer"]
        seeded.netsuite.update({i: str(rid) for i, rid in zip(indexes, created, strict=True) if netsuite_changed(i)})
        if app == "mailchimp":
            # Each member changed a second after the one before, the last two days ago: an audience's members
            # joined over time. (All in one second, every member would stay in the client's overlap window
            # behind the latest change seen, and each later read would list the whole audience again.)
            members = [mailchimp_member(i, records) | {"seconds_ago": 2 * 86400 + records - i} for i in indexes]
            ids = sandboxes.call("mailchimp", "POST", "/_bench/seed_past", {"members": members})["ids"]
        elif app == "hubspot":
            contacts = [hubspot_contact(i, records) for i in indexes]
            # Stamped two days ago too (see above), like the customers.
            body = {"payload": {"contacts": contacts}, "seconds_ago": 2 * 86400}
            ids = sandboxes.call("hubspot", "POST", "/_bench/seed_past", body)["ids"]["contacts"]
        else:
            persons = [google_person(i, records) for i in indexes]
            ids = sandboxes.call("google", "POST", "/_sandbox/seed", {"persons": persons})["resourceNames"]
        seeded.app.update({i: name for i, name in zip(indexes, ids, strict=True) if google_changed(i)})
    return seeded


def seed_shared_account(sandboxes: SandboxProcess, records: int, google_sides: dict[str, str]) -> None:
    """The shared-account scenario's seed: N company customers, N individual customers and N contacts (contact
    ``i`` belongs to company ``i``) on the one NetSuite account, and N contacts for each Google user
    (``google_sides``: contact type → the Google sandbox of its user), in chunks through ``/_sandbox/seed``."""
    stamp = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for start in range(0, records, SEED_CHUNK):
        indexes = range(start, min(start + SEED_CHUNK, records))
        companies = sandboxes.call(
            "netsuite",
            "POST",
            "/_sandbox/seed",
            {"records": {"customer": [netsuite_record("company_customers", i, stamp) for i in indexes]}},
        )["created"]["customer"]
        people = {
            "customer": [netsuite_record("individual_customers", i, stamp) for i in indexes],
            "contact": [
                netsuite_record("contacts", i, stamp, company_id=str(company))
                for i, company in zip(indexes, companies, strict=True)
            ],
        }
        sandboxes.call("netsuite", "POST", "/_sandbox/seed", {"records": people})
        for contact_type, side in google_sides.items():
            persons = [google_contact(contact_type, i, records) for i in indexes]
            sandboxes.call(side, "POST", "/_sandbox/seed", {"persons": persons})


def next_second() -> None:
    """Wait (unmeasured) until a new second has begun.

    NetSuite's ``lastModifiedDate`` has whole seconds, so a read starting in
    the second of the last write before it reads that second again next time
    (by design: a second save within it would carry the same stamp). Runs
    are minutes apart in production; the bench's runs follow each other at
    once, so before each one it lets the current second end.
    """
    time.sleep(1.05 - (time.time() % 1.0))


def change_one_percent(sandboxes: SandboxProcess, seeded: Seeded) -> dict[str, int]:
    """Change 1% of the records on each side as their users would; returns how many per side."""
    # NetSuite's lastModifiedDate has whole seconds: a change in the second the previous run read
    # last could carry the same stamp as what that run saw. Start the changes in a new second.
    next_second()
    for index, record_id in seeded.netsuite.items():
        # A field the app's default mappings carry: the job title (Google, HubSpot), else the last name.
        fields = (
            {"lastName": f"Renamed in NetSuite {index}"}
            if seeded.app_side == "mailchimp"
            else {"title": f"Changed in NetSuite {index}"}
        )
        sandboxes.call(
            "netsuite", "POST", "/_sandbox/touch", {"type": "customer", "id": int(record_id), "fields": fields}
        )
    if seeded.app_side == "mailchimp":
        changes = [
            {"id": rid, "merge_fields": {"LNAME": f"Renamed in Mailchimp {index}"}} for index, rid in seeded.app.items()
        ]
    elif seeded.app_side == "hubspot":
        changes = [
            {"id": rid, "properties": {"jobtitle": f"Changed in HubSpot {index}"}} for index, rid in seeded.app.items()
        ]
    else:
        changes = [
            {"resourceName": name, "person": {"organizations": [{"title": f"Changed in Google {index}"}]}}
            for index, name in seeded.app.items()
        ]
    sandboxes.call(seeded.app_side, "POST", "/_bench/touch", {"changes": changes})
    next_second()  # and let that second end before the sync reads
    return {"netsuite": len(seeded.netsuite), seeded.app_side: len(changes)}
