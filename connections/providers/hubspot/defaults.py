"""A HubSpot connection's defaults, per NetSuite contact type: its field mappings (contacts) and the
conditions of its default rules. Plain data; the product reads them through the registry."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..netsuite.contact_types import COMPANY_CUSTOMERS, CONTACTS, INDIVIDUAL_CUSTOMERS
from ..registry import DefaultCondition, DefaultMapping
from .associations import COMPANY_FIELD
from .catalog import ADDRESS_FIELD
from .objects import COMPANIES

TWO_WAY, TO_APP, TO_NETSUITE = "two_way", "to_app", "to_netsuite"


def _m(netsuite_field: str, app_field: str, direction: str = TWO_WAY) -> DefaultMapping:
    return DefaultMapping(netsuite_field, app_field, direction)


_EMAIL = _m("email", "email")
_NAMES = (_m("firstName", "firstname"), _m("lastName", "lastname"))
_PHONE = _m("phone", "phone")
_MOBILE = _m("mobilePhone", "mobilephone")
_TITLE = _m("title", "jobtitle")
_ADDRESS = _m("defaultAddress", ADDRESS_FIELD)

DEFAULT_MAPPINGS: Mapping[str | tuple[str, str], tuple[DefaultMapping, ...]] = MappingProxyType(
    {
        # Company Customers ⇄ HubSpot companies (keyed by contact type and the app object).
        (COMPANY_CUSTOMERS, COMPANIES): (
            _m("companyName", "name"),
            _m("url", "website"),
            _PHONE,
            _ADDRESS,
        ),
        # A company customer synced as a HubSpot contact: the company's name is the contact's company.
        COMPANY_CUSTOMERS: (_m("companyName", "company"), _EMAIL, _PHONE, _MOBILE, _ADDRESS),
        INDIVIDUAL_CUSTOMERS: (*_NAMES, _TITLE, _EMAIL, _PHONE, _MOBILE, _ADDRESS),
        # The contact's company is linked by name on the NetSuite side (as with the other apps).
        # The contact's company is its association to the company the company connection (NetSuite companies ⇄
        # HubSpot companies, same accounts) links, both ways; its name also goes to HubSpot's company text. One
        # mapping writes NetSuite's company (the link): without a company connection, it waits (quietly).
        CONTACTS: (
            *_NAMES,
            _m("company", "company", TO_APP),
            _m("company", COMPANY_FIELD),
            _TITLE,
            _EMAIL,
            _PHONE,
            _MOBILE,
            _ADDRESS,
        ),
    }
)

# Company Customers: NetSuite refuses a company without a name, so a HubSpot contact without a company
# name is excluded by the default rule, visibly, rather than failing.
# The same for a HubSpot company without a name (keyed by contact type, direction and the app object).
DEFAULT_RULE_CONDITIONS: Mapping[tuple[str, ...], tuple[DefaultCondition, ...]] = MappingProxyType(
    {
        (COMPANY_CUSTOMERS, TO_NETSUITE): (DefaultCondition("company", "is_not_empty"),),
        (COMPANY_CUSTOMERS, TO_NETSUITE, COMPANIES): (DefaultCondition("name", "is_not_empty"),),
    }
)
