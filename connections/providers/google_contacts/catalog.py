"""The field catalog of a Google contact: fixed standard fields plus one
custom text field per userDefined key found on the account's contacts."""

from __future__ import annotations

from collections.abc import Iterable

from ..fields import FieldOption, FieldSpec, FieldType
from .person_fields import USER_DEFINED_PREFIX

# "name" is the contact's name as one text (People API: names[].unstructuredName; Google
# shows it as the contact's title). It is how a record with one name, a company, gets a
# visible name: a contact with only an organization has no names and no displayName.
NAME_HELP = "The whole name as one text, as Google shows it (for companies); First/Last name set its parts."
# A contact has a list of addresses, each with a type; these two are the first of their type.
WORK_ADDRESS_HELP = "The contact's first address of type work (a new one is added when it has none)."
HOME_ADDRESS_HELP = "The contact's first address of type home (a new one is added when it has none)."

STANDARD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("givenName", "First name", FieldType.TEXT),
    FieldSpec("familyName", "Last name", FieldType.TEXT),
    FieldSpec("email", "Email (primary)", FieldType.EMAIL),
    FieldSpec("phone.work", "Work phone", FieldType.PHONE),
    FieldSpec("phone.mobile", "Mobile phone", FieldType.PHONE),
    FieldSpec("phone.home", "Home phone", FieldType.PHONE),
    FieldSpec("phone.other", "Other phone", FieldType.PHONE),
    FieldSpec("organization.name", "Company", FieldType.TEXT),
    FieldSpec("organization.title", "Job title", FieldType.TEXT),
    FieldSpec("address", "Address (primary)", FieldType.ADDRESS),
    FieldSpec("address.work", "Work address", FieldType.ADDRESS, help=WORK_ADDRESS_HELP),
    FieldSpec("address.home", "Home address", FieldType.ADDRESS, help=HOME_ADDRESS_HELP),
    FieldSpec("notes", "Notes", FieldType.LONG_TEXT),
    FieldSpec("birthday", "Birthday", FieldType.DATE, help="Birthdays without a year read as empty."),
    FieldSpec("url", "Website (primary)", FieldType.URL),
    FieldSpec("name", "Name (as shown)", FieldType.TEXT, help=NAME_HELP),
)


def build_catalog(groups: Iterable[FieldOption], user_defined_keys: Iterable[str]) -> list[FieldSpec]:
    """Standard fields, group memberships with ``groups`` as options, and
    ``userDefined.<key>`` for each key (sorted, each once)."""
    fields = list(STANDARD_FIELDS)
    fields.append(
        FieldSpec(
            "memberships",
            "Contact groups (labels)",
            FieldType.GROUPS,
            options=tuple(groups),
            help="Writing replaces the contact's group memberships.",
        )
    )
    for key in sorted({k for k in user_defined_keys if k}):
        fields.append(FieldSpec(f"{USER_DEFINED_PREFIX}{key}", f"{key} (custom field)", FieldType.TEXT, custom=True))
    return fields
