"""Which People API person fields stand behind each canonical field id.

The People API reads and writes whole person fields (``phoneNumbers`` is one
list): an update names them in ``updatePersonFields`` and replaces them. Our
canonical ids are finer (``phone.work``), so every write re-applies our
change onto the contact's current list; this module says which lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ValidationError

USER_DEFINED_PREFIX = "userDefined."
PHONE_TYPES = ("work", "mobile", "home", "other")
# Besides the primary address (``address``), the first address of each of these types (``address.work``).
ADDRESS_TYPES = ("work", "home")

# Every person field we read. clientData carries our idempotency key; metadata
# carries the sources (updateTime, etag) and, in a sync, the deleted flag.
READ_PERSON_FIELDS = (
    "names",
    "emailAddresses",
    "phoneNumbers",
    "organizations",
    "addresses",
    "biographies",
    "urls",
    "birthdays",
    "userDefined",
    "memberships",
    "clientData",
    "metadata",
)
READ_MASK = ",".join(READ_PERSON_FIELDS)
WRITABLE_PERSON_FIELDS = tuple(f for f in READ_PERSON_FIELDS if f != "metadata")
# Only the contact's own data: a linked Google profile's fields are not ours to sync or write back.
READ_SOURCES = ("READ_SOURCE_TYPE_CONTACT",)

STANDARD_FIELD_PERSON_FIELDS: dict[str, str] = {
    "name": "names",
    "givenName": "names",
    "familyName": "names",
    "email": "emailAddresses",
    **{f"phone.{kind}": "phoneNumbers" for kind in PHONE_TYPES},
    "organization.name": "organizations",
    "organization.title": "organizations",
    "address": "addresses",
    **{f"address.{kind}": "addresses" for kind in ADDRESS_TYPES},
    "notes": "biographies",
    "birthday": "birthdays",
    "url": "urls",
    "memberships": "memberships",
}
STANDARD_FIELD_IDS = tuple(STANDARD_FIELD_PERSON_FIELDS)


def person_field_for(field_id: str) -> str:
    """The person field behind canonical ``field_id``; :class:`ValidationError` for an unknown id."""
    if field_id in STANDARD_FIELD_PERSON_FIELDS:
        return STANDARD_FIELD_PERSON_FIELDS[field_id]
    if field_id.startswith(USER_DEFINED_PREFIX) and len(field_id) > len(USER_DEFINED_PREFIX):
        return "userDefined"
    raise ValidationError(f"Google Contacts has no field {field_id!r}.", path=field_id)


def update_mask(field_ids: Iterable[str]) -> str:
    """The ``updatePersonFields`` mask for canonical ``field_ids`` (sorted, each person field once)."""
    return ",".join(sorted({person_field_for(f) for f in field_ids}))
