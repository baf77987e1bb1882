"""The three NetSuite contact types, as the engine scenarios seed, edit and read them on each side.

Everything that differs between Company Customers, Individual Customers and Contacts lives in the
:data:`CONTACT_TYPES` table below, so each scenario is written once and runs for all three:

- the NetSuite record type (``customer`` with ``isPerson`` true or false, or ``contact``);
- how a seed record is made on each side: an individual (NetSuite) or a Google contact has a first and
  last name; a company has a company name (NetSuite ``companyName``, Google ``organizations[0].name``);
  a NetSuite contact belongs to a company customer, whose name reaches Google as the organization;
- which mapped fields a scenario edits (see :class:`FieldPair`), from the default mappings of
  :mod:`mappings.defaults` for that type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .harness import Sandboxes

# The company customer every seeded NetSuite contact belongs to.
CONTACTS_COMPANY = "Acme Corp"


@dataclass(frozen=True)
class FieldPair:
    """A field both sides map (a default mapping of the type), with two values a user could type into it."""

    netsuite_field: str  # the REST field of the NetSuite record
    app_field: str  # the Google field id of the catalog (also the key of outcome diffs)
    values: tuple[str, str]


@dataclass(frozen=True)
class ContactTypeCase:
    """One NetSuite contact type as the scenarios see it.

    ``name_fields`` are the fields that name a record (``(first, last)`` for a person, the company name for a
    company); ``conflict`` is a field both sides edit in the conflict scenario, ``netsuite_only`` and
    ``google_only`` fields edited on one side only.
    """

    key: str
    record_type: str
    is_person: bool | None
    name_fields: tuple[FieldPair, ...]
    conflict: FieldPair
    netsuite_only: FieldPair
    google_only: FieldPair
    organization_in_google: str | None = None  # the organization a NetSuite record shows in Google

    def __str__(self) -> str:
        return self.key

    def name_of(self, first: str, last: str) -> tuple[str, ...]:
        """The name a seed of ``first``/``last`` bears: ``(first, last)``, or ``("first last",)`` for a company."""
        return (first, last) if len(self.name_fields) == 2 else (f"{first} {last}",)

    # --- seeds ---------------------------------------------------------------------------------------------------

    def ns_body(self, first: str, last: str, email: str | None, **extra) -> dict:
        """A REST body of a NetSuite record of this type (contacts get their company from :func:`seed`)."""
        body: dict[str, Any] = {"subsidiary": {"id": "1"}}
        if self.is_person is not None:
            body["isPerson"] = self.is_person
        body.update({pair.netsuite_field: value for pair, value in zip(self.name_fields, self.name_of(first, last))})
        if email is not None:
            body["email"] = email
        return {**body, **extra}

    def g_body(self, first: str, last: str, email: str | None, **extra) -> dict:
        """A Google person of this type: a company is a contact with an organization and no personal name."""
        person = google_fields(
            {pair.app_field: value for pair, value in zip(self.name_fields, self.name_of(first, last))}
        )
        if email is not None:
            person["emailAddresses"] = [{"value": email}]
        return {**person, **extra}

    # --- reading the sandboxes -----------------------------------------------------------------------------------

    def ns_name(self, record: dict) -> tuple[str, ...]:
        return tuple(record.get(pair.netsuite_field) for pair in self.name_fields)

    def g_name(self, person: dict) -> tuple[str, ...]:
        return tuple(google_value(person, pair.app_field) for pair in self.name_fields)

    def ns_records(self, sandboxes: Sandboxes) -> list[dict]:
        """Every NetSuite record of this type, rendered as GET renders it (other types left out)."""
        rows = sandboxes.netsuite.store.db.execute(f"SELECT id FROM t_{self.record_type} ORDER BY id").fetchall()
        records = [sandboxes.netsuite.get_record(self.record_type, row[0]) for row in rows]
        return [r for r in records if self.is_person is None or r["isPerson"] is self.is_person]

    def ns_by_email(self, sandboxes: Sandboxes) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for record in self.ns_records(sandboxes):
            if record.get("email"):
                found.setdefault(record["email"].lower(), []).append(record)
        return found


_FIRST = FieldPair("firstName", "givenName", ("Annie", "Cidney"))
_LAST = FieldPair("lastName", "familyName", ("Lee-NS", "Lee-Google"))
_TITLE = FieldPair("title", "organization.title", ("CFO", "CEO"))
_COMPANY = FieldPair("companyName", "organization.name", ("Lee Holdings (NS)", "Lee Holdings (Google)"))
_NOTES = FieldPair("comments", "notes", ("Met in Lyon", "Met in Osaka"))
_MOBILE = FieldPair("mobilePhone", "phone.mobile", ("+14155550101", "+14155550102"))

CONTACT_TYPES: tuple[ContactTypeCase, ...] = (
    ContactTypeCase(
        "individual_customers",
        "customer",
        True,
        name_fields=(_FIRST, _LAST),
        conflict=_LAST,
        netsuite_only=_TITLE,
        google_only=_FIRST,
    ),
    # Company Customers map no personal name and no title (mappings.defaults).
    ContactTypeCase(
        "company_customers",
        "customer",
        False,
        name_fields=(_COMPANY,),
        conflict=_COMPANY,
        netsuite_only=_NOTES,
        google_only=_MOBILE,
    ),
    ContactTypeCase(
        "contacts",
        "contact",
        None,
        name_fields=(_FIRST, _LAST),
        conflict=_LAST,
        netsuite_only=_TITLE,
        google_only=_FIRST,
        organization_in_google=CONTACTS_COMPANY,  # company ⇄ organization.name (linked back by name)
    ),
)
INDIVIDUAL_CUSTOMERS = CONTACT_TYPES[0]


def seed(
    sandboxes: Sandboxes, kind: ContactTypeCase, netsuite: list[dict] = (), google: list[dict] = ()
) -> tuple[list[int], list[str]]:
    """Seed records of ``kind`` on each side: NetSuite ids and Google resource names, in the order given.

    NetSuite contacts without a company are attached to a company customer seeded for them.
    """
    ns_ids: list[int] = []
    if netsuite:
        bodies = list(netsuite)
        if kind.record_type == "contact":
            company = sandboxes.netsuite.seed(
                {
                    "records": {
                        "customer": [{"isPerson": False, "companyName": CONTACTS_COMPANY, "subsidiary": {"id": "1"}}]
                    }
                }
            )["created"]["customer"][0]
            bodies = [{"company": {"id": str(company)}, **body} for body in bodies]
        ns_ids = sandboxes.netsuite.seed({"records": {kind.record_type: bodies}})["created"][kind.record_type]
    g_names = [sandboxes.google.seed({"persons": [person]})["resourceNames"][0] for person in google]
    return ns_ids, g_names


# --- Google persons by the field ids of the catalog ------------------------------------------------------------------

# Where each field id the scenarios use lives in a Google person: (person field, key), phones by type.
_GOOGLE_PATHS = {
    "givenName": ("names", "givenName"),
    "familyName": ("names", "familyName"),
    "organization.name": ("organizations", "name"),
    "organization.title": ("organizations", "title"),
    "notes": ("biographies", "value"),
}


def google_value(person: dict, app_field: str) -> Any:
    """The value of the catalog field ``app_field`` in a Google person (None when it has none)."""
    if app_field.startswith("phone."):
        kind = app_field.removeprefix("phone.")
        return next((p["value"] for p in person.get("phoneNumbers", []) if p.get("type") == kind), None)
    person_field, key = _GOOGLE_PATHS[app_field]
    entries = person.get(person_field) or [{}]
    return entries[0].get(key)


def google_fields(values: dict[str, Any], person: dict | None = None) -> dict:
    """The person fields that set ``values`` (by catalog field id) on ``person``, keeping its other values
    of the same person fields (a user editing the family name keeps the given name)."""
    person = person or {}
    changes: dict[str, Any] = {}
    for app_field, value in values.items():
        if app_field.startswith("phone."):
            kind = app_field.removeprefix("phone.")
            kept = [
                {"value": p["value"], "type": p["type"]}
                for p in changes.get("phoneNumbers", person.get("phoneNumbers", []))
                if p.get("type") != kind
            ]
            changes["phoneNumbers"] = [*kept, {"value": value, "type": kind}]
            continue
        person_field, key = _GOOGLE_PATHS[app_field]
        keys = [k for f, k in _GOOGLE_PATHS.values() if f == person_field]
        current = changes.get(person_field, [(person.get(person_field) or [{}])[0]])[0]
        entry = {k: current[k] for k in keys if current.get(k) is not None}
        entry[key] = value
        changes[person_field] = [entry]
    return changes


def google_touch(sandboxes: Sandboxes, resource_name: str, values: dict[str, Any]) -> dict:
    """Edit a Google contact as its user would, by catalog field id (``{"givenName": "Ann"}``)."""
    changes = google_fields(values, sandboxes.google.person(resource_name))
    return sandboxes.google.touch(resource_name, **changes)
