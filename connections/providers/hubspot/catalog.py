"""The field catalog of a HubSpot object type: its properties (standard and custom) plus the address.

The properties API (``GET /crm/v3/properties/{objectType}``) lists every property, custom ones included;
:func:`build_catalog` turns them into our fields. A HubSpot address is five text properties; the catalog
adds one field of type address (:data:`ADDRESS_FIELD`) read from and written to them, as the product's
address handling expects (docs/architecture.md, "Addresses"). Our sync key property and hidden properties
are left out: they are not for mappings.

The standard fields (:data:`STANDARD_FIELDS`) are the fallback catalog. The reference names only
``email``, ``firstname``, ``lastname`` (contacts) and ``name``, ``domain`` (companies); the others (phone,
mobile, company, job title, the address parts) are HubSpot's long-standing default properties but are NOT
in the reference: UNCERTAIN, so the live catalog always wins where the account answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..fields import FieldSpec, FieldType
from .associations import association_fields
from .objects import COMPANIES, CONTACTS, SYNC_KEY_PROPERTY
from .properties import field_spec
from .subscriptions import SPEC as SUBSCRIPTION_SPEC

T = FieldType

ADDRESS_FIELD = "postal_address"
# Our address parts -> the properties that hold them.
ADDRESS_PROPERTIES = {
    "street": "address",
    "city": "city",
    "region": "state",
    "postal_code": "zip",
    "country": "country",
}
ADDRESS_HELP = "The address properties (street address, city, state, postal code, country) as one address."

# Read-only properties the client reads for its own use, never offered as fields.
_SYSTEM = {"hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate"}

STANDARD_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    CONTACTS: (
        FieldSpec("email", "Email", T.EMAIL),
        FieldSpec("firstname", "First name", T.TEXT),
        FieldSpec("lastname", "Last name", T.TEXT),
        FieldSpec("phone", "Phone number", T.PHONE),
        FieldSpec("mobilephone", "Mobile phone number", T.PHONE),
        FieldSpec("company", "Company name", T.TEXT),
        FieldSpec("jobtitle", "Job title", T.TEXT),
        FieldSpec("address", "Street address", T.TEXT),
        FieldSpec("city", "City", T.TEXT),
        FieldSpec("state", "State/Region", T.TEXT),
        FieldSpec("zip", "Postal code", T.TEXT),
        FieldSpec("country", "Country/Region", T.TEXT),
        FieldSpec(ADDRESS_FIELD, "Address", T.ADDRESS, help=ADDRESS_HELP),
        SUBSCRIPTION_SPEC,
    ),
    COMPANIES: (
        FieldSpec("name", "Company name", T.TEXT),
        FieldSpec("domain", "Company domain name", T.TEXT),
        FieldSpec("website", "Website URL", T.URL),
        FieldSpec("phone", "Phone number", T.PHONE),
        FieldSpec("address", "Street address", T.TEXT),
        FieldSpec("city", "City", T.TEXT),
        FieldSpec("state", "State/Region", T.TEXT),
        FieldSpec("zip", "Postal code", T.TEXT),
        FieldSpec("country", "Country/Region", T.TEXT),
        FieldSpec(ADDRESS_FIELD, "Address", T.ADDRESS, help=ADDRESS_HELP),
    ),
}


def standard_catalog(object_type: str) -> tuple[FieldSpec, ...]:
    """The standard fields of ``object_type`` (``contacts``, ``companies``), then its association fields
    (a contact's company, :mod:`.associations`); LookupError for another."""
    try:
        return STANDARD_FIELDS[object_type] + association_fields(object_type)
    except KeyError:
        raise LookupError(f"no catalog for HubSpot object type {object_type!r}") from None


def build_catalog(properties: Iterable[dict[str, Any]]) -> list[FieldSpec]:
    """Our fields for the properties API's ``results``: every visible property but ours and the system
    ones, then the address when the account has all its parts (sorted by label, custom ones too)."""
    fields = []
    for prop in properties:
        if not isinstance(prop, dict) or not prop.get("name") or prop.get("archived"):
            continue
        name = str(prop["name"])
        if name == SYNC_KEY_PROPERTY or name in _SYSTEM or prop.get("hidden"):
            continue
        fields.append(field_spec(prop))
    fields.sort(key=lambda f: (f.label.lower(), f.id))
    by_id = {f.id: f for f in fields}
    parts = [by_id.get(p) for p in ADDRESS_PROPERTIES.values()]
    if all(parts):
        writable = all(p.writable for p in parts)
        fields.append(FieldSpec(ADDRESS_FIELD, "Address", T.ADDRESS, writable=writable, help=ADDRESS_HELP))
    return fields
