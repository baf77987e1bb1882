"""The records the bench seeds on each side, and which of them it changes before the incremental phase."""

from __future__ import annotations

from .options import CHANGE_EVERY


def netsuite_customer(index: int, stamp: str) -> dict:
    """Individual customer ``index`` in subsidiary 1, last changed at ``stamp``; even ones have a
    phone Google lacks."""
    body = {
        "isPerson": True,
        "subsidiary": {"id": "1"},
        "dateCreated": stamp,
        "lastModifiedDate": stamp,
        "firstName": f"Nora{index}",
        "lastName": f"Bench{index % 97}",
        "email": f"person{index:06d}@bench.example",
    }
    if index % 2 == 0:
        body["phone"] = f"+1 415 555 {index % 10_000:04d}"
    return body


def google_person(index: int, records: int) -> dict:
    """Contact ``index``; the first half share an email with the NetSuite customer of the same
    index (odd ones have a job title NetSuite lacks), the others are Google-only."""
    shared = index < records // 2
    email = f"person{index:06d}@bench.example" if shared else f"contact{index:06d}@bench.example"
    person = {
        "names": [{"givenName": f"Nora{index}" if shared else f"Gina{index}", "familyName": f"Bench{index % 97}"}],
        "emailAddresses": [{"value": email}],
    }
    if index % 2 == 1:
        person["organizations"] = [{"title": f"Title {index % 13}"}]
    return person


def hubspot_contact(index: int, records: int) -> dict:
    """HubSpot contact ``index``: the same people as :func:`google_person` (the first half share an email
    with the NetSuite customer of the same index; odd ones have a job title NetSuite lacks), as the
    HubSpot sandbox's seed takes them (every value a string)."""
    person = google_person(index, records)
    name = person["names"][0]
    properties = {
        "firstname": name["givenName"],
        "lastname": name["familyName"],
        "email": person["emailAddresses"][0]["value"],
    }
    if "organizations" in person:
        properties["jobtitle"] = person["organizations"][0]["title"]
    return {"properties": properties}


def mailchimp_member(index: int, records: int) -> dict:
    """Mailchimp member ``index`` of the bench's audience, subscribed: the same people as :func:`google_person`
    (the first half share an email with the NetSuite customer of the same index). The default mappings carry
    email, first and last name and phone, no job title: odd ones have a phone NetSuite lacks instead (even
    customers have one the member lacks), so each shared pair still differs in one mapped field."""
    person = google_person(index, records)
    name = person["names"][0]
    merge_fields = {"FNAME": name["givenName"], "LNAME": name["familyName"]}
    if index % 2 == 1:
        merge_fields["PHONE"] = f"+1 416 555 {index % 10_000:04d}"
    return {"email_address": person["emailAddresses"][0]["value"], "status": "subscribed", "merge_fields": merge_fields}


def netsuite_changed(index: int) -> bool:
    return index % CHANGE_EVERY == 0


def google_changed(index: int) -> bool:
    # Offset from NetSuite's: no pair is changed on both sides (no conflicts to resolve).
    return index % CHANGE_EVERY == CHANGE_EVERY // 2


# --- the shared-account scenario: one NetSuite account, three contact types, a Google user each ------------------
# Each type has emails of its own (``company000042@``, ``person000042@``, ``contact000042@``), so no record of
# one connection is ever paired with one of another. As in the single bench, the first half of each Google
# user's contacts share their email with a NetSuite record of the type (even ones: a NetSuite phone Google
# lacks; odd ones: a Google note NetSuite lacks), the other half are Google-only.

SHARED_PREFIX = {"company_customers": "company", "individual_customers": "person", "contacts": "contact"}


def netsuite_record(contact_type: str, index: int, stamp: str, company_id: str | None = None) -> dict:
    """NetSuite record ``index`` of ``contact_type`` in subsidiary 1, last changed at ``stamp``: a company
    customer, an individual customer, or a contact of the company ``company_id``."""
    body = {
        "subsidiary": {"id": "1"},
        "dateCreated": stamp,
        "lastModifiedDate": stamp,
        "email": f"{SHARED_PREFIX[contact_type]}{index:06d}@bench.example",
    }
    if contact_type == "company_customers":
        body.update(isPerson=False, companyName=f"Bench Company {index}")
    else:
        body.update(firstName=f"Nora{index}", lastName=f"Bench{index % 97}")
        if contact_type == "individual_customers":
            body["isPerson"] = True
        else:
            body["company"] = {"id": company_id}
    if index % 2 == 0:
        body["phone"] = f"+1 415 555 {index % 10_000:04d}"
    return body


def google_contact(contact_type: str, index: int, records: int) -> dict:
    """Google contact ``index`` of the user syncing ``contact_type``: a company is a contact with an
    organization and no personal name (what the Company Customers mapping reads)."""
    shared = index < records // 2
    prefix = SHARED_PREFIX[contact_type]
    email = f"{prefix}{index:06d}@bench.example" if shared else f"g{prefix}{index:06d}@bench.example"
    if contact_type == "company_customers":
        name = f"Bench Company {index}" if shared else f"Google Company {index}"
        person = {"organizations": [{"name": name}]}
    else:
        person = {
            "names": [{"givenName": f"Nora{index}" if shared else f"Gina{index}", "familyName": f"Bench{index % 97}"}]
        }
    person["emailAddresses"] = [{"value": email}]
    if index % 2 == 1:
        person["biographies"] = [{"value": f"Note {index % 13}"}]
    return person
