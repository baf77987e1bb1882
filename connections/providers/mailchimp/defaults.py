"""A Mailchimp connection's defaults, per NetSuite contact type: its field mappings onto an audience's usual
merge fields (FNAME, LNAME, PHONE: those of a new audience, reference C.5, UNCERTAIN; an audience without one
shows the mapping as broken, with the reason) and no default rule. The address is not a default: Mailchimp
refuses an address without a street, city, state and ZIP, which many NetSuite addresses lack; an operator who
wants it adds the mapping. Plain data; the product reads them through the registry."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..netsuite.contact_types import COMPANY_CUSTOMERS, CONTACTS, INDIVIDUAL_CUSTOMERS
from ..registry import DefaultCondition, DefaultMapping
from .catalog import EMAIL, merge_field_id

_EMAIL = DefaultMapping("email", EMAIL)
_NAMES = (DefaultMapping("firstName", merge_field_id("FNAME")), DefaultMapping("lastName", merge_field_id("LNAME")))
_PHONE = DefaultMapping("phone", merge_field_id("PHONE"))

DEFAULT_MAPPINGS: Mapping[str, tuple[DefaultMapping, ...]] = MappingProxyType(
    {
        CONTACTS: (_EMAIL, *_NAMES, _PHONE),
        INDIVIDUAL_CUSTOMERS: (_EMAIL, *_NAMES, _PHONE),
        # A company's email joins the audience; a company has no first or last name.
        COMPANY_CUSTOMERS: (_EMAIL, _PHONE),
    }
)

DEFAULT_RULE_CONDITIONS: Mapping[tuple[str, ...], tuple[DefaultCondition, ...]] = MappingProxyType({})
