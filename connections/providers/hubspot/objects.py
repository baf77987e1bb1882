"""What differs between HubSpot's object types (contacts, companies) for this client: one table."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError

CONTACTS = "contacts"
COMPANIES = "companies"

# Our sync key lives in a custom text property the client creates when it is missing (reference B.4).
SYNC_KEY_PROPERTY = "contact_sync_key"
SYNC_KEY_LABEL = "Contact sync key"


@dataclass(frozen=True)
class ObjectType:
    """One HubSpot object type as the client reads and writes it.

    ``modified_property``: the property the incremental search filters and sorts on. Contacts use
    ``lastmodifieddate``; companies ``hs_lastmodifieddate`` (reference B.2). Contacts *also* carry
    ``hs_lastmodifieddate`` in many portals, and which one to use is UNCERTAIN: we use the one every
    portal is documented to have, and read the other as a fallback for the record's modified time.
    ``property_group``: the group our sync key property is created in. The reference lists ``groupName``
    as required but names no group: UNCERTAIN; these are the groups HubSpot creates in every portal.
    """

    name: str
    modified_property: str
    fallback_modified_property: str
    property_group: str
    record_noun: str


OBJECT_TYPES: dict[str, ObjectType] = {
    CONTACTS: ObjectType(CONTACTS, "lastmodifieddate", "hs_lastmodifieddate", "contactinformation", "contact"),
    COMPANIES: ObjectType(COMPANIES, "hs_lastmodifieddate", "lastmodifieddate", "companyinformation", "company"),
}


def object_type(name: str) -> ObjectType:
    """The facts of object type ``name``; a :class:`ValidationError` for one the client does not sync."""
    try:
        return OBJECT_TYPES[name]
    except KeyError:
        raise ValidationError(f"HubSpot has no object type {name!r} here; only {', '.join(OBJECT_TYPES)}.") from None
