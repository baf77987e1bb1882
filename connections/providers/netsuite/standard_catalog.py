"""NetSuite's standard fields per contact type, as static data (the fallback catalog).

The client reads the live catalog at run time (custom fields, option lists,
length limits); these static lists carry the *standard* fields with the same
canonical ids, types and writability, and are what the default mappings and
the tests are checked against before an account's catalog was ever fetched.
Labels follow NetSuite's own catalog, so the README reads like the admin. They
have no options and no length limits on purpose: those come from the live account.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..fields import FieldSpec, FieldType
from .contact_types import COMPANY_CUSTOMERS, CONTACTS, INDIVIDUAL_CUSTOMERS

T = FieldType


def _spec(
    field_id: str,
    label: str,
    field_type: FieldType,
    help_text: str = "",
    *,
    writable: bool = True,
    linked_by_name: bool = False,
) -> FieldSpec:
    return FieldSpec(
        id=field_id, label=label, type=field_type, writable=writable, help=help_text, linked_by_name=linked_by_name
    )


_NAMES = (
    _spec("salutation", "Mr./Ms...", T.TEXT),
    _spec("firstName", "First Name", T.TEXT),
    _spec("middleName", "Middle Name", T.TEXT),
    _spec("lastName", "Last Name", T.TEXT),
)
_COMPANY_NAME = _spec("companyName", "Company Name", T.TEXT)
_WEB_ADDRESS = _spec("url", "Web Address", T.URL)
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
_COMPANY = _spec(
    "company",
    "Company",
    T.REFERENCE,
    "The customer (or other entity) the contact works for. Written from a name, it links the active company"
    " customer of the connection's subsidiary with exactly that name; an unknown or ambiguous name leaves the"
    " company unchanged, with a warning.",
    linked_by_name=True,
)
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
        COMPANY_CUSTOMERS: (
            _COMPANY_NAME,
            _EMAIL,
            _ALT_EMAIL,
            _PHONE,
            _ALT_PHONE,
            _MOBILE_PHONE,
            _FAX,
            _WEB_ADDRESS,
            _COMMENTS,
            _DEFAULT_ADDRESS,
            *_SALES_FIELDS,
            *_CUSTOMER_FIELDS,
            *_COMMON_TAIL,
        ),
        INDIVIDUAL_CUSTOMERS: (
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
        CONTACTS: (
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


def standard_catalog(contact_type: str) -> tuple[FieldSpec, ...]:
    """The standard NetSuite fields of a contact type (``company_customers``, ``individual_customers``...)."""
    try:
        return NETSUITE_CATALOGS[contact_type]
    except KeyError:
        raise LookupError(f"no NetSuite catalog for contact type {contact_type!r}") from None
