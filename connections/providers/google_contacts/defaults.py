"""A Google Contacts connection's defaults, per NetSuite contact type: its field mappings and the
conditions of its default rules ("Sync everyone"). Plain data; the product reads them through the
registry (``mappings.defaults``, ``rules.defaults``), and tests check every direction is one the
compatibility table allows for the standard catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..netsuite.contact_types import COMPANY_CUSTOMERS, CONTACTS, INDIVIDUAL_CUSTOMERS
from ..registry import DefaultCondition, DefaultMapping

TWO_WAY, TO_APP, TO_NETSUITE = "two_way", "to_app", "to_netsuite"


def _m(netsuite_field: str, app_field: str, direction: str = TWO_WAY) -> DefaultMapping:
    return DefaultMapping(netsuite_field, app_field, direction)


# Shared tails, in the order the admin shows them.
_EMAIL = _m("email", "email")
_WORK_PHONE = _m("phone", "phone.work")
_MOBILE_PHONE = _m("mobilePhone", "phone.mobile")
# NetSuite's default address (its address book's default entry, one value) ⇄ the contact's first
# address of the type that fits the record: work for a company, home for an individual customer. A
# NetSuite contact is a person at a customer company, and the address NetSuite keeps for them is where
# they work: work too. (The type is in the field, so the provider need not know the contact type.)
_WORK_ADDRESS = _m("defaultAddress", "address.work")
_HOME_ADDRESS = _m("defaultAddress", "address.home")
_NOTES = _m("comments", "notes")
_NAMES = (_m("firstName", "givenName"), _m("lastName", "familyName"))
_TITLE = _m("title", "organization.title")

DEFAULT_MAPPINGS: Mapping[str, tuple[DefaultMapping, ...]] = MappingProxyType(
    {
        COMPANY_CUSTOMERS: (
            _m("companyName", "organization.name"),
            # A Google contact with only an organization has no name (no displayName):
            # the company name is its name too, so the company shows under it.
            _m("companyName", "name", TO_APP),
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("altPhone", "phone.other"),
            _WORK_ADDRESS,
            _NOTES,
        ),
        INDIVIDUAL_CUSTOMERS: (
            *_NAMES,
            _TITLE,
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("altPhone", "phone.other"),
            _HOME_ADDRESS,
            _NOTES,
        ),
        CONTACTS: (
            *_NAMES,
            # The contact's company is a link to a customer record: its name flows to Google, and
            # Google's organization links the NetSuite company of that name, when the connection's
            # subsidiary has exactly one (NetSuite links it by name; otherwise it is left, with a warning).
            _m("company", "organization.name"),
            _TITLE,
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("homePhone", "phone.home"),
            _WORK_ADDRESS,
            _NOTES,
        ),
    }
)

# Company Customers: NetSuite refuses a company without a company name ("Please enter value(s)
# for: Company Name"). The default mapping fills companyName from organization.name (a test checks
# they agree), so a Google contact without a company is not sent to NetSuite: it is *excluded*
# by the default rule, visibly, never *failing*.
DEFAULT_RULE_CONDITIONS: Mapping[tuple[str, str], tuple[DefaultCondition, ...]] = MappingProxyType(
    {(COMPANY_CUSTOMERS, TO_NETSUITE): (DefaultCondition("organization.name", "is_not_empty"),)}
)
