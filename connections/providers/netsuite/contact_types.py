"""The three NetSuite contact types a connection can sync, and what each means in NetSuite.

A contact type is a plain string shared with the rest of the product:

- ``company_customers``: ``customer`` records with ``isPerson`` false;
- ``individual_customers``: ``customer`` records with ``isPerson`` true;
- ``contacts``: ``contact`` records.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_CUSTOMERS = "company_customers"
INDIVIDUAL_CUSTOMERS = "individual_customers"
CONTACTS = "contacts"


@dataclass(frozen=True)
class ContactType:
    """How one contact type maps onto a NetSuite record type.

    ``is_person`` is the ``isPerson`` value that selects the type among
    customers, or None for a record type that has no such flag. It is set on
    every record the sync creates and filters every read: the type is never
    guessed from which fields a record has. ``absent_fields_note`` tells ops
    staff which of the fields rules usually offer the record type lacks, and
    why (shown next to the field lists of the rule editor).
    """

    key: str
    record_type: str
    is_person: bool | None
    label: str
    absent_fields_note: str = ""


CONTACT_TYPES: dict[str, ContactType] = {
    COMPANY_CUSTOMERS: ContactType(COMPANY_CUSTOMERS, "customer", False, "Company Customers"),
    INDIVIDUAL_CUSTOMERS: ContactType(INDIVIDUAL_CUSTOMERS, "customer", True, "Individual Customers"),
    CONTACTS: ContactType(
        CONTACTS,
        "contact",
        None,
        "Contacts",
        "Partner and Sales Rep are not fields of NetSuite contacts (only customers have them), so they are not "
        "offered; a contact's Initial Lead Source is its Lead Source field (contactSource).",
    ),
}


def contact_type(key: str) -> ContactType:
    """The :class:`ContactType` named ``key``; ValueError for anything else."""
    try:
        return CONTACT_TYPES[key]
    except KeyError:
        raise ValueError(f"unknown NetSuite contact type {key!r}; expected one of {sorted(CONTACT_TYPES)}") from None
