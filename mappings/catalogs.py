"""The standard field catalogs, as static data: NetSuite per contact type, Google Contacts.

The providers read the live catalogs at run time (custom fields, option
lists, length limits); these static lists carry the *standard* fields with
the same canonical ids, types and writability, and are the fallback the
default mappings and the tests are checked against. Labels follow the
providers' own catalogs, so the README reads like the admin. They have no options and
no length limits on purpose: those come from the live account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from connections.choices import NetSuiteContactType
from connections.providers.fields import FieldSpec, FieldType
from connections.providers.registry import GOOGLE_CONTACTS

T = FieldType

# Google Contacts has one object type: contacts.
GOOGLE_CONTACTS_OBJECT = "contacts"


def _spec(field_id: str, label: str, field_type: FieldType, help_text: str = "", *, writable: bool = True) -> FieldSpec:
    return FieldSpec(id=field_id, label=label, type=field_type, writable=writable, help=help_text)


# --- NetSuite ----------------------------------------------------------------------------------------------------

_NAMES = (
    _spec("salutation", "Mr./Ms...", T.TEXT),
    _spec("firstName", "First Name", T.TEXT),
    _spec("middleName", "Middle Name", T.TEXT),
    _spec("lastName", "Last Name", T.TEXT),
)
_COMPANY_NAME = _spec("companyName", "Company Name", T.TEXT)
_TITLE = _spec("title", "Job Title", T.TEXT)
_EMAIL = _spec("email", "Email", T.EMAIL)
_ALT_EMAIL = _spec("altEmail", "Alt. Email", T.EMAIL)
_PHONE = _spec("phone", "Phone", T.PHONE)
_ALT_PHONE = _spec("altPhone", "Alt. Phone", T.PHONE)
_MOBILE_PHONE = _spec("mobilePhone", "Mobile Phone", T.PHONE)
_HOME_PHONE = _spec("homePhone", "Home Phone", T.PHONE)
_OFFICE_PHONE = _spec("officePhone", "Office Phone", T.PHONE)
_FAX = _spec("fax", "Fax", T.PHONE)
_COMMENTS = _spec("comments", "Comments", T.LONG_TEXT)
_DEFAULT_ADDRESS = _spec(
    "defaultAddress", "Default Address", T.ADDRESS, "The default address of the record's address book."
)
_COMPANY = _spec("company", "Company", T.REFERENCE, "The customer (or other entity) the contact works for.")
# Customers only: NetSuite's contact record has no Partner and no Sales Rep, and
# names its Initial Lead Source contactSource (reference, 4.1 and 4.2).
_SALES_FIELDS = (
    _spec("leadSource", "Initial Lead Source", T.REFERENCE),
    _spec("partner", "Partner", T.REFERENCE),
    _spec("salesRep", "Sales Rep", T.REFERENCE),
)
_CONTACT_SOURCE = _spec("contactSource", "Initial Lead Source", T.REFERENCE, "The campaign the contact came from.")
_CUSTOMER_FIELDS = (
    _spec("entityStatus", "Status", T.REFERENCE, "The customer's status (LEAD-..., PROSPECT-..., CUSTOMER-...)."),
    _spec("category", "Category", T.REFERENCE),
)
_COMMON_TAIL = (
    _spec(
        "entityId",
        "ID",
        T.TEXT,
        "The record's name in NetSuite's lists (made from its names unless auto-numbered); never renamed by the sync.",
        writable=False,
    ),
    _spec(
        "subsidiary",
        "Primary Subsidiary",
        T.REFERENCE,
        "Set by the connection's subsidiary; never written by a mapping.",
        writable=False,
    ),
    _spec("globalSubscriptionStatus", "Global Subscription Status", T.SELECT),
    _spec("isInactive", "Inactive", T.BOOLEAN),
    _spec(
        "externalId",
        "External ID",
        T.TEXT,
        "Owned by the sync (idempotent creates); never written by a mapping.",
        writable=False,
    ),
    _spec("dateCreated", "Date Created", T.DATETIME, writable=False),
    _spec("lastModifiedDate", "Last Modified", T.DATETIME, writable=False),
)

NETSUITE_CATALOGS: Mapping[str, tuple[FieldSpec, ...]] = MappingProxyType(
    {
        NetSuiteContactType.COMPANY_CUSTOMERS: (
            _COMPANY_NAME,
            _EMAIL,
            _ALT_EMAIL,
            _PHONE,
            _ALT_PHONE,
            _MOBILE_PHONE,
            _FAX,
            _COMMENTS,
            _DEFAULT_ADDRESS,
            *_SALES_FIELDS,
            *_CUSTOMER_FIELDS,
            *_COMMON_TAIL,
        ),
        NetSuiteContactType.INDIVIDUAL_CUSTOMERS: (
            *_NAMES,
            _TITLE,
            _EMAIL,
            _ALT_EMAIL,
            _PHONE,
            _ALT_PHONE,
            _MOBILE_PHONE,
            _HOME_PHONE,
            _FAX,
            _COMMENTS,
            _DEFAULT_ADDRESS,
            *_SALES_FIELDS,
            *_CUSTOMER_FIELDS,
            *_COMMON_TAIL,
        ),
        NetSuiteContactType.CONTACTS: (
            *_NAMES,
            _TITLE,
            _COMPANY,
            _EMAIL,
            _ALT_EMAIL,
            _PHONE,
            _OFFICE_PHONE,
            _MOBILE_PHONE,
            _HOME_PHONE,
            _FAX,
            _COMMENTS,
            _DEFAULT_ADDRESS,
            _CONTACT_SOURCE,
            *_COMMON_TAIL,
        ),
    }
)

# --- Google Contacts ---------------------------------------------------------------------------------------------

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

APP_CATALOGS: Mapping[tuple[str, str], tuple[FieldSpec, ...]] = MappingProxyType(
    {(GOOGLE_CONTACTS, GOOGLE_CONTACTS_OBJECT): GOOGLE_CONTACTS_CATALOG}
)


def netsuite_catalog(contact_type: str) -> tuple[FieldSpec, ...]:
    """The standard NetSuite fields of a contact type (``company_customers``, ``individual_customers``...)."""
    try:
        return NETSUITE_CATALOGS[contact_type]
    except KeyError:
        raise LookupError(f"no NetSuite catalog for contact type {contact_type!r}")


def app_catalog(provider: str, object_type: str = GOOGLE_CONTACTS_OBJECT) -> tuple[FieldSpec, ...]:
    """The standard fields of an app's object type (``("google_contacts", "contacts")``)."""
    try:
        return APP_CATALOGS[(provider, object_type)]
    except KeyError:
        raise LookupError(f"no catalog for {provider!r} object type {object_type!r}")


def field_by_id(catalog: Iterable[FieldSpec], field_id: str) -> FieldSpec:
    """The field of ``catalog`` whose id is ``field_id``; ``LookupError`` when there is none."""
    for spec in catalog:
        if spec.id == field_id:
            return spec
    raise LookupError(f"no field {field_id!r} in the catalog")
