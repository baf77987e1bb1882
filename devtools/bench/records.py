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


def netsuite_changed(index: int) -> bool:
    return index % CHANGE_EVERY == 0


def google_changed(index: int) -> bool:
    # Offset from NetSuite's: no pair is changed on both sides (no conflicts to resolve).
    return index % CHANGE_EVERY == CHANGE_EVERY // 2
