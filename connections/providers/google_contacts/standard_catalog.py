"""Google Contacts' standard fields, as static data (the fallback catalog).

The client reads the live catalog at run time (contact groups, the account's
custom keys); this static list carries the *standard* fields with the same
canonical ids, types and writability. Labels follow the client's catalog.
"""

from __future__ import annotations

from ..fields import FieldSpec, FieldType
from .catalog import HOME_ADDRESS_HELP, WORK_ADDRESS_HELP
from .client import OBJECT_TYPE

T = FieldType


def _spec(field_id: str, label: str, field_type: FieldType, help_text: str = "", *, writable: bool = True) -> FieldSpec:
    return FieldSpec(id=field_id, label=label, type=field_type, writable=writable, help=help_text)


GOOGLE_CONTACTS_CATALOG: tuple[FieldSpec, ...] = (
    _spec("givenName", "First name", T.TEXT),
    _spec("familyName", "Last name", T.TEXT),
    _spec("email", "Email (primary)", T.EMAIL),
    _spec("phone.work", "Work phone", T.PHONE),
    _spec("phone.mobile", "Mobile phone", T.PHONE),
    _spec("phone.home", "Home phone", T.PHONE),
    _spec("phone.other", "Other phone", T.PHONE),
    _spec("organization.name", "Company", T.TEXT),
    _spec("organization.title", "Job title", T.TEXT),
    _spec("address", "Address (primary)", T.ADDRESS),
    _spec("address.work", "Work address", T.ADDRESS, WORK_ADDRESS_HELP),
    _spec("address.home", "Home address", T.ADDRESS, HOME_ADDRESS_HELP),
    _spec("notes", "Notes", T.LONG_TEXT, "The contact's biography."),
    _spec("birthday", "Birthday", T.DATE),
    _spec("url", "Website (primary)", T.URL),
    _spec(
        "name",
        "Name (as shown)",
        T.TEXT,
        "The whole name as one text, as Google shows it (for companies); First/Last name set its parts.",
    ),
    _spec("memberships", "Contact groups (labels)", T.GROUPS),
)


def standard_catalog(object_type: str) -> tuple[FieldSpec, ...]:
    """The standard fields of ``object_type`` (``contacts``, the one object type Google Contacts has)."""
    if object_type != OBJECT_TYPE:
        raise LookupError(f"no catalog for google_contacts object type {object_type!r}")
    return GOOGLE_CONTACTS_CATALOG
